import type { LastMessage, Message, SendUser } from '@parley/sdk/protocol';
import type { LastMessageRecord, MessageRecord, UserRecord } from '../store/records.js';

/** Records -> wire shapes (DESIGN §3.5). */

export function isoDate(timestamp: number): string {
  return new Date(timestamp).toISOString();
}

/** How a user is shown (as a sender, a member, a session title); one that no longer exists shows as its id. */
export function sendUserOf(user: Pick<UserRecord, 'name' | 'avatarUri'> | undefined | null, userId: string): SendUser {
  return user ? { name: user.name, avatarUri: user.avatarUri } : { name: userId, avatarUri: '' };
}

export function toMessage(record: MessageRecord, sendUser: SendUser): Message {
  return {
    msgId: record.msgId,
    seq: record.seq,
    clientMsgId: record.clientMsgId,
    conversationType: record.conversationType,
    senderUserId: record.senderUserId,
    targetId: record.targetId,
    messageType: record.messageType,
    content: record.content,
    date: isoDate(record.timestamp),
    timestamp: record.timestamp,
    sendUser,
    recall: record.recall ? { ...record.recall } : null,
  };
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
