import { GroupJoinPolicy } from '@parley/sdk/protocol';
import type {
  AppRecord,
  BlockRecord,
  ConsoleTokenRecord,
  ConversationRecord,
  FileRecord,
  FriendGroupRecord,
  FriendRecord,
  FriendRequestRecord,
  GroupRecord,
  JoinRequestRecord,
  LastMessageRecord,
  MemberRecord,
  MessageRecord,
  SessionRecord,
  TenantRecord,
  UserRecord,
  UserTokenRecord,
} from '../records.js';

/**
 * The documents the MongoDB adapter stores, and the mappers back to records.
 *
 * Global collections (tenants, console tokens, apps) use their own key as `_id`. Every document
 * of app data carries `appId` next to the record's fields and lets the driver pick `_id`; its
 * natural key is a unique index that starts with `appId` (see indexes.ts).
 *
 * The mappers copy field by field: a returned record has exactly the record's fields (no `_id`,
 * no `appId`, no internal field such as a message's `preview`), so it equals what the memory
 * adapter returns, and nothing the caller does to it reaches a driver object.
 */

export interface TenantDoc {
  /** The tenantId. */
  _id: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

export interface ConsoleTokenDoc {
  /** The token hash. */
  _id: string;
  tenantId: string;
  createdAt: number;
  expiresAt: number;
}

export interface AppDoc extends Omit<AppRecord, 'appId'> {
  /** The appId. */
  _id: string;
}

export interface UserDoc extends UserRecord {
  appId: string;
}

export interface UserTokenDoc extends UserTokenRecord {
  appId: string;
}

/** One user's block of another, unique by (appId, userId, blockedUserId). */
export interface BlockDoc extends BlockRecord {
  appId: string;
}

/**
 * A friend request as stored: `dropped` may be missing from documents written before it
 * existed, read as false (not dropped).
 */
export type StoredFriendRequest = Omit<FriendRequestRecord, 'dropped'> & { dropped?: boolean };

/** A friend request, unique by (appId, requestId). */
export interface FriendRequestDoc extends StoredFriendRequest {
  appId: string;
}

/** One side of a friendship, unique by (appId, userId, friendId). */
export interface FriendDoc extends FriendRecord {
  appId: string;
}

/** One user's friend group, unique by (appId, userId, friendGroupId). */
export interface FriendGroupDoc extends FriendGroupRecord {
  appId: string;
}

/** A request to join a group, unique by (appId, requestId). */
export interface JoinRequestDoc extends JoinRequestRecord {
  appId: string;
  /**
   * {@link PENDING_KEY} while the request is pending, `d:<requestId>` once decided, which no other
   * request has. A plain unique index on (appId, groupId, userId, pendingKey) does what a partial
   * unique index on (appId, groupId, userId) where `status` is pending would: at most one pending
   * request per group and user, on servers without partial indexes too (FerretDB v1 answers
   * `partialFilterExpression` with "not implemented yet"), as `MessageDoc.clientKey` does.
   */
  pendingKey: string;
}

/** The `pendingKey` of every pending join request (see JoinRequestDoc). */
export const PENDING_KEY = 'pending';

/** The `pendingKey` of a join request in `status` (see JoinRequestDoc). */
export function pendingKeyOf(request: { requestId: string; status: JoinRequestRecord['status'] }): string {
  return request.status === 'pending' ? PENDING_KEY : `d:${request.requestId}`;
}

/** The document `joinRequests.insert` writes for `request` (and an import writes for its row). */
export function joinRequestDocOf(appId: string, request: JoinRequestRecord): JoinRequestDoc {
  return { appId, ...toJoinRequest(request), pendingKey: pendingKeyOf(request) };
}

export interface FileDoc extends FileRecord {
  appId: string;
  /**
   * What the file adds to its app's usage, summed by `files.usage` as `$unwind` then one `$group`
   * by `k` with a single `$sum` of `v`: FerretDB v1 computes only the first accumulator of a
   * `$group` (FerretDB#4616: the others read 0), so `{ files: { $sum: 1 }, bytes: { $sum: ... } }`
   * would be wrong there. Written with the record and never changed (records are not edited).
   */
  usage: FileUsageEntry[];
}

/** One term of a file's `usage`: `files` counts 1, `bytes` its size and its thumbnail's. */
export interface FileUsageEntry {
  k: 'files' | 'bytes';
  v: number;
}

/** The document `files.insert` writes for `file` (and an import writes for its row). */
export function fileDocOf(appId: string, file: FileRecord): FileDoc {
  const bytes = file.size + (file.thumb?.size ?? 0);
  return { appId, ...toFile(file), usage: [{ k: 'files', v: 1 }, { k: 'bytes', v: bytes }] };
}

/** A group's membership change, written into the group document with its compare-and-set. */
export interface PendingMembershipDoc {
  /** The group version that made it: every member document it writes is marked with it. */
  version: number;
  add: MemberRecord[];
  remove: string[];
  /** New records of members who stay (absent in changes written before it existed). */
  update?: MemberRecord[];
  /** Role changes, as changes written before `update` existed carry them. */
  roles?: { userId: string; role: MemberRecord['role'] }[];
  /** Dismissal: every member leaves. */
  removeAll: boolean;
}

export interface GroupDoc extends GroupRecord {
  appId: string;
  /**
   * A dismissed group stays as a marker, so a group created again under the same id continues
   * its version numbers and no late write of the old one can land in the new (see groups.ts).
   */
  dismissed: boolean;
  /** Present from a membership change's compare-and-set until its member documents are written. */
  pending?: PendingMembershipDoc;
}

/**
 * One member of one group. A member who leaves keeps a document with `active: false` (and the
 * group's version of that change in `v`), so that no late write of an older change can bring
 * them back.
 */
export interface MemberDoc extends MemberRecord {
  appId: string;
  groupId: string;
  active: boolean;
  /** The group version whose change wrote this document last. */
  v: number;
}

export interface ConversationDoc extends ConversationRecord {
  appId: string;
}

export interface MessageDoc extends Omit<MessageRecord, 'content'> {
  appId: string;
  /**
   * `content` as JSON text. Content is the tenant's JSON, kept as sent; as BSON it would be
   * refused by some servers (FerretDB v1 rejects keys containing `.` and arrays inside arrays) and
   * nothing queries inside it, so the store keeps it opaque and returns exactly what was stored.
   */
  contentJson: string;
  /**
   * The conversation-list text of this message (recall replaces it), kept so that any reader can
   * rebuild the conversation's `lastMessage` from the message alone (see conversations.ts).
   */
  preview: string;
  /**
   * The sender's idempotency key, unique per (appId, senderUserId): `c:<clientMsgId>` when the
   * message has a clientMsgId, else `m:<msgId>`, which no other message has. A plain unique index
   * on it does what a partial unique index on `clientMsgId` would, on servers without partial
   * indexes too (FerretDB v1 answers `partialFilterExpression` with "not implemented yet").
   */
  clientKey: string;
}

/** The `clientKey` of a message (see MessageDoc). */
export function clientKeyOf(message: { msgId: string; clientMsgId: string | null }): string {
  return message.clientMsgId === null ? `m:${message.msgId}` : clientKeyFor(message.clientMsgId);
}

/** The `clientKey` a message sent with `clientMsgId` has. */
export function clientKeyFor(clientMsgId: string): string {
  return `c:${clientMsgId}`;
}

export interface SessionDoc extends SessionRecord {
  appId: string;
}

export function toTenant(doc: TenantDoc): TenantRecord {
  return { tenantId: doc._id, email: doc.email, passwordHash: doc.passwordHash, createdAt: doc.createdAt };
}

export function toConsoleToken(doc: ConsoleTokenDoc): ConsoleTokenRecord {
  return { tokenHash: doc._id, tenantId: doc.tenantId, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
}

export function toApp(doc: AppDoc): AppRecord {
  return {
    appId: doc._id,
    tenantId: doc.tenantId,
    appName: doc.appName,
    description: doc.description,
    secret: doc.secret,
    previousSecret: doc.previousSecret,
    previousSecretValidUntil: doc.previousSecretValidUntil,
    settings: structuredClone(doc.settings),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toUser(doc: UserRecord): UserRecord {
  return { userId: doc.userId, name: doc.name, avatarUri: doc.avatarUri, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}

export function toUserToken(doc: UserTokenRecord): UserTokenRecord {
  return { tokenHash: doc.tokenHash, userId: doc.userId, createdAt: doc.createdAt, expiresAt: doc.expiresAt, revokedAt: doc.revokedAt };
}

export function toBlock(doc: BlockRecord): BlockRecord {
  return { userId: doc.userId, blockedUserId: doc.blockedUserId, createdAt: doc.createdAt };
}

export function toFriendRequest(doc: StoredFriendRequest): FriendRequestRecord {
  return {
    requestId: doc.requestId,
    fromUserId: doc.fromUserId,
    toUserId: doc.toUserId,
    message: doc.message,
    status: doc.status,
    createdAt: doc.createdAt,
    decidedAt: doc.decidedAt,
    dropped: doc.dropped === true,
  };
}

export function toFriend(doc: FriendRecord): FriendRecord {
  return { userId: doc.userId, friendId: doc.friendId, remark: doc.remark, friendGroupId: doc.friendGroupId, createdAt: doc.createdAt };
}

export function toFriendGroup(doc: FriendGroupRecord): FriendGroupRecord {
  return { userId: doc.userId, friendGroupId: doc.friendGroupId, name: doc.name, order: doc.order, createdAt: doc.createdAt };
}

export function toJoinRequest(doc: JoinRequestRecord): JoinRequestRecord {
  return {
    requestId: doc.requestId,
    groupId: doc.groupId,
    userId: doc.userId,
    inviterId: doc.inviterId ?? null,
    message: doc.message,
    status: doc.status,
    createdAt: doc.createdAt,
    decidedBy: doc.decidedBy ?? null,
    decidedAt: doc.decidedAt ?? null,
  };
}

export function toFile(doc: FileRecord): FileRecord {
  return {
    fileId: doc.fileId,
    uploaderUserId: doc.uploaderUserId,
    name: doc.name,
    mimeType: doc.mimeType,
    category: doc.category,
    size: doc.size,
    width: doc.width,
    height: doc.height,
    duration: doc.duration,
    thumb: doc.thumb === null ? null : { size: doc.thumb.size, width: doc.thumb.width, height: doc.thumb.height },
    createdAt: doc.createdAt,
  };
}

/** Documents written before group administration lack its fields: they read as the defaults. */
export function toMember(doc: MemberRecord): MemberRecord {
  return {
    userId: doc.userId,
    role: doc.role,
    joinedAt: doc.joinedAt,
    joinIndex: doc.joinIndex,
    nickname: doc.nickname ?? '',
    mutedUntil: doc.mutedUntil ?? null,
  };
}

export function toGroup(doc: GroupRecord): GroupRecord {
  return {
    groupId: doc.groupId,
    name: doc.name,
    avatarUri: doc.avatarUri,
    ownerId: doc.ownerId,
    description: doc.description ?? '',
    announcement: doc.announcement ?? '',
    announcementBy: doc.announcementBy ?? null,
    announcementAt: doc.announcementAt ?? null,
    announcementSeq: doc.announcementSeq ?? null,
    pendingEvents: doc.pendingEvents ?? [],
    mutedAll: doc.mutedAll ?? false,
    joinPolicy: doc.joinPolicy ?? GroupJoinPolicy.INVITE,
    memberCount: doc.memberCount,
    joinCount: doc.joinCount,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The conversation-list summary of a stored message, or a copy of a stored summary: the same fields either way. */
export function lastMessageOf(doc: LastMessageRecord): LastMessageRecord {
  return {
    msgId: doc.msgId,
    seq: doc.seq,
    senderUserId: doc.senderUserId,
    messageType: doc.messageType,
    preview: doc.preview,
    timestamp: doc.timestamp,
  };
}

export function toConversation(doc: ConversationRecord): ConversationRecord {
  return {
    conversationId: doc.conversationId,
    conversationType: doc.conversationType,
    lastSeq: doc.lastSeq,
    lastMessage: doc.lastMessage === null ? null : lastMessageOf(doc.lastMessage),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toMessage(doc: MessageDoc): MessageRecord {
  return {
    msgId: doc.msgId,
    conversationId: doc.conversationId,
    seq: doc.seq,
    conversationType: doc.conversationType,
    senderUserId: doc.senderUserId,
    targetId: doc.targetId,
    messageType: doc.messageType,
    content: parseContent(doc.contentJson),
    clientMsgId: doc.clientMsgId,
    timestamp: doc.timestamp,
    recall: doc.recall === null ? null : { by: doc.recall.by, at: doc.recall.at },
  };
}

/** `MessageDoc.contentJson` of a content. */
export function contentJsonOf(content: MessageRecord['content']): string {
  return JSON.stringify(content);
}

/** Parsed, hence a fresh object every time. Content only ever comes from `contentJsonOf`. */
function parseContent(json: string): MessageRecord['content'] {
  const content: MessageRecord['content'] = JSON.parse(json);
  return content;
}

export function toSession(doc: SessionRecord): SessionRecord {
  return {
    sid: doc.sid,
    userId: doc.userId,
    conversationId: doc.conversationId,
    conversationType: doc.conversationType,
    targetId: doc.targetId,
    readSeq: doc.readSeq,
    // Sessions written before do-not-disturb existed have none; before sessions could end, no end.
    doNotDisturb: doc.doNotDisturb ?? false,
    createdAt: doc.createdAt,
    ended: doc.ended
      ? { msgId: doc.ended.msgId, seq: doc.ended.seq, senderUserId: doc.ended.senderUserId, preview: doc.ended.preview, timestamp: doc.ended.timestamp }
      : null,
  };
}
