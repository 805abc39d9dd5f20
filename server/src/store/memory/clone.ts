import type {
  AppRecord,
  BlockRecord,
  ConversationRecord,
  FileRecord,
  FriendGroupRecord,
  FriendRecord,
  FriendRequestRecord,
  MessageRecord,
  SessionRecord,
} from '../records.js';

/**
 * The memory adapter hands out copies: a caller that mutates a returned record must not change
 * what is stored, exactly as with a database.
 *
 * Rare records (tenants, console tokens) are deep-copied with `structuredClone`. The records of
 * every request (the app a signed request or a connection opens, messages, conversations,
 * sessions) are copied field by field instead, which costs a fraction of that in time and
 * garbage: a message's `content` (the tenant's JSON, never edited in place: a recall replaces it)
 * is frozen when stored and shared by every copy.
 */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** An app's settings hold numbers and names only, so one level more is a full copy. */
export function copyApp(app: AppRecord): AppRecord {
  return { ...app, settings: { ...app.settings } };
}

export function copyMessage(message: MessageRecord): MessageRecord {
  return { ...message, recall: message.recall && { ...message.recall } };
}

export function copyConversation(conversation: ConversationRecord): ConversationRecord {
  return { ...conversation, lastMessage: conversation.lastMessage && { ...conversation.lastMessage } };
}

/** A session holds scalars and its end's, so one level more is a full copy. */
export function copySession(session: SessionRecord): SessionRecord {
  return { ...session, ended: session.ended && { ...session.ended } };
}

/** A file record holds scalars and its thumbnail's, so one level more is a full copy. */
export function copyFile(file: FileRecord): FileRecord {
  return { ...file, thumb: file.thumb && { ...file.thumb } };
}

/** A block holds scalars only. */
export function copyBlock(block: BlockRecord): BlockRecord {
  return { ...block };
}

/** A friend request holds scalars only. */
export function copyFriendRequest(request: FriendRequestRecord): FriendRequestRecord {
  return { ...request };
}

/** One side of a friendship holds scalars only. */
export function copyFriend(friend: FriendRecord): FriendRecord {
  return { ...friend };
}

/** A friend group holds scalars only. */
export function copyFriendGroup(group: FriendGroupRecord): FriendGroupRecord {
  return { ...group };
}

/** `value`, and everything inside it, frozen: shared safely between copies of a record. */
export function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}
