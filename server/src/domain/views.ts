import { MessageType, type LastMessage, type LiveMessage, type Message, type SendUser, type User } from '@parley/sdk/protocol';
import type { LastMessageRecord, MessageRecord, UserRecord } from '../store/records.js';

/** Records -> wire shapes (DESIGN §3.5). */

export function isoDate(timestamp: number): string {
  return new Date(timestamp).toISOString();
}

/** How a user is shown (as a sender, a member, a session title); one that no longer exists shows as its id. */
export function sendUserOf(user: Pick<UserRecord, 'name' | 'avatarUri'> | undefined | null, userId: string): SendUser {
  return user ? { name: user.name, avatarUri: user.avatarUri } : { name: userId, avatarUri: '' };
}

/** A user with their id, from users read in one call. */
export function userOf(users: ReadonlyMap<string, UserRecord>, userId: string): User {
  return { userId, ...sendUserOf(users.get(userId), userId) };
}

export function toMessage(record: MessageRecord, sendUser: SendUser): Message {
  // One literal, fields in the order the wire has always had them (clients and docs print them as
  // they come). Not a spread with fields added after it: that costs a hidden class per message
  // (see schemas/parse.ts).
  const wire = <C, R>(content: C, recall: R) => ({
    msgId: record.msgId,
    seq: record.seq,
    // A group event's key is the server's own (see groups/group-events.ts), not a device's.
    clientMsgId: record.messageType === MessageType.GROUP_EVENT ? null : record.clientMsgId,
    conversationType: record.conversationType,
    senderUserId: record.senderUserId,
    targetId: record.targetId,
    messageType: record.messageType,
    content,
    date: isoDate(record.timestamp),
    timestamp: record.timestamp,
    sendUser,
    recall,
  });
  if (record.recall) return wire({}, { ...record.recall });
  // The content was validated against this messageType when it was sent; the record keeps the
  // two side by side, which the type system cannot correlate.
  return wire(record.content, null) as LiveMessage;
}

export function toLastMessage(record: LastMessageRecord): LastMessage {
  return {
    msgId: record.msgId,
    seq: record.seq,
    senderUserId: record.senderUserId,
    messageType: record.messageType,
    content: record.preview,
    date: isoDate(record.timestamp),
    timestamp: record.timestamp,
  };
}
