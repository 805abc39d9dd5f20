import type { AppSettings, ConversationType, GroupRole } from '@parley/sdk/protocol';
import type {
  AppRecord,
  BlockRecord,
  FriendGroupRecord,
  FriendRecord,
  FriendRequestRecord,
  ConsoleTokenRecord,
  ConversationRecord,
  FileRecord,
  GroupRecord,
  JoinRequestRecord,
  MemberRecord,
  MessageRecord,
  NewSession,
  RecallRecord,
  SessionEnd,
  SessionRecord,
  TenantRecord,
  UserRecord,
  UserTokenRecord,
} from './records.js';
import type { StoreTransfer } from './transfer.js';

/**
 * Persistence ports. The domain talks only to these interfaces; `memory/` and (later) `mongo/`
 * implement them and pass the same contract suite (test/store.contract.ts).
 *
 * Every method is atomic on its own: adapters guarantee that one call is applied entirely or not
 * at all, and say in their doc comment what they guarantee across calls. An adapter without
 * multi-document transactions may write one call in steps, provided that whatever a crash between
 * the steps leaves reads through the port as the call applied or not applied, or is completed by
 * the next call that meets it; its doc comment says which.
 */

/** A unique key (email, appId, groupId, ...) is already taken. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
}

/**
 * The database cannot be reached (refused, timed out, no primary): nothing was done, or the
 * adapter cannot tell, and the same call may succeed later. Callers answer `UNAVAILABLE`.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface TenantRepo {
  /** @throws DuplicateKeyError when the email is taken. */
  insert(tenant: TenantRecord): Promise<void>;
  get(tenantId: string): Promise<TenantRecord | null>;
  getByEmail(email: string): Promise<TenantRecord | null>;
  /** Replaces the password hash; returns false when the tenant does not exist. */
  setPasswordHash(tenantId: string, passwordHash: string): Promise<boolean>;
}

export interface ConsoleTokenRepo {
  insert(token: ConsoleTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<ConsoleTokenRecord | null>;
  /** Forgets one token (logout). */
  delete(tokenHash: string): Promise<void>;
  /** Forgets every token of the tenant (password change); returns how many there were. */
  deleteAllForTenant(tenantId: string): Promise<number>;
}

/** Fields of an app that its owner may change. */
export interface AppPatch {
  appName?: string;
  description?: string;
  secret?: string;
  previousSecret?: string | null;
  previousSecretValidUntil?: number | null;
  settings?: AppSettings;
  updatedAt: number;
}

export interface AppRepo {
  /** @throws DuplicateKeyError when the appId is taken. */
  insert(app: AppRecord): Promise<void>;
  get(appId: string): Promise<AppRecord | null>;
  listByTenant(tenantId: string): Promise<AppRecord[]>;
  /** Applies `patch` and returns the result, or null when the app does not exist. */
  update(appId: string, patch: AppPatch): Promise<AppRecord | null>;
  /** Returns false when the app did not exist. */
  delete(appId: string): Promise<boolean>;
}

export interface UserRepo {
  /** Creates the user, or updates name and avatar of an existing one (keeping `createdAt`). */
  upsert(user: { userId: string; name: string; avatarUri: string }, now: number): Promise<UserRecord>;
  get(userId: string): Promise<UserRecord | null>;
  /** The users that exist among `userIds`, keyed by id. */
  getMany(userIds: readonly string[]): Promise<Map<string, UserRecord>>;
  /** How many users the app has (for its quota). */
  count(): Promise<number>;
}

export interface UserTokenRepo {
  /** Stores a new token and forgets this user's tokens that expired before `now`. */
  insert(token: UserTokenRecord, now: number): Promise<void>;
  findByHash(tokenHash: string): Promise<UserTokenRecord | null>;
  /** Revokes every live token of the user; returns how many were live. */
  revokeAllForUser(userId: string, now: number): Promise<number>;
}

/** What a group write does to its members, applied together with the group's new state. */
export interface MembershipChange {
  /** Users joining (none of them a member now). */
  add?: readonly MemberRecord[];
  /** Members leaving. */
  remove?: readonly string[];
  /** New records of members who stay (a role, a nickname, a mute), replacing their old ones. */
  update?: readonly MemberRecord[];
}

/** A slice of a group's members in join order. */
export interface MemberPage {
  /** Members to skip from the start. */
  offset: number;
  /** Most members to return; all from `offset` when omitted. */
  limit?: number;
}

/**
 * Groups and their members. The group record carries a `version`, and every change of a group
 * or its members is one compare-and-set on it ({@link GroupRepo.replace}), so concurrent writers
 * (in any process) are serialised: a writer reads the group, decides, and writes only if nobody
 * wrote in between. Members are stored one record each, so a membership check, a page of
 * members and a user's groups are indexed reads whatever the group's size.
 */
export interface GroupRepo {
  /**
   * Stores a new group with its first members.
   * @throws DuplicateKeyError when the groupId is taken.
   */
  insert(group: GroupRecord, members: readonly MemberRecord[]): Promise<void>;
  get(groupId: string): Promise<GroupRecord | null>;
  getMany(groupIds: readonly string[]): Promise<Map<string, GroupRecord>>;
  /** How many groups the app has (for its quota). */
  count(): Promise<number>;
  /**
   * Writes `next` and applies `change` to the members, only if the stored version still equals
   * `expectedVersion` (compare-and-set). Returns false when another writer got there first (or
   * the group is gone); the caller reloads and decides again.
   */
  replace(next: GroupRecord, expectedVersion: number, change?: MembershipChange): Promise<boolean>;
  /** Deletes the group and its members; returns false when the group did not exist. */
  delete(groupId: string): Promise<boolean>;
  /** Which of `userIds` are members, with their records, keyed by id. */
  getMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, MemberRecord>>;
  /** Members in join order; all of them without `page`. */
  listMembers(groupId: string, page?: MemberPage): Promise<MemberRecord[]>;
  /** The earliest-joined member with `role` (any role when omitted), leaving out `excluding`. */
  firstMember(groupId: string, options: { role?: GroupRole; excluding: readonly string[] }): Promise<MemberRecord | null>;
  /** The ids of the groups `userId` is a member of, in no particular order. */
  groupIdsOf(userId: string): Promise<string[]>;
}

/** What the domain asks the store to append to a conversation. */
export interface MessageDraft {
  msgId: string;
  conversationId: string;
  conversationType: MessageRecord['conversationType'];
  senderUserId: string;
  targetId: string;
  messageType: MessageRecord['messageType'];
  content: MessageRecord['content'];
  clientMsgId: string | null;
  timestamp: number;
  /** Text for the conversation list (`lastMsg.content`). */
  preview: string;
}

export interface AppendResult {
  message: MessageRecord;
  /** False when `clientMsgId` matched an earlier message of the same sender, which is returned instead. */
  created: boolean;
}

export interface MessagePage {
  /** Only messages with `seq` below this. */
  beforeSeq?: number;
  limit: number;
}

/** Which of an app's messages a scan reads; every field given must match. */
export interface MessageScanFilter {
  conversationId?: string;
  /** Sent at or after (ms epoch). */
  from?: number;
  /** Sent before (ms epoch). */
  to?: number;
  /** Only messages strictly older than this one in scan order (the previous page's last). */
  before?: { timestamp: number; msgId: string };
}

export interface ConversationRepo {
  get(conversationId: string): Promise<ConversationRecord | null>;
  getMany(conversationIds: readonly string[]): Promise<Map<string, ConversationRecord>>;
  /**
   * Stores a message as the next `seq` of its conversation (creating the conversation on the
   * first message) and makes it the conversation's last message.
   *
   * Idempotent per sender: when `clientMsgId` is set and the same sender already used it, the
   * earlier message is returned with `created: false` and nothing is written.
   *
   * Never leaves a hole: the stored seqs are consecutive in every state a crash can leave (a seq
   * exists only together with its stored message), so `listAfter` never skips one and a client
   * waiting for seq n + 1 never waits for a message that will not come.
   */
  append(draft: MessageDraft): Promise<AppendResult>;
  /** Newest first. */
  listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]>;
  /** Up to `limit` messages with `seq` above `afterSeq`, oldest first (gap fill after a reconnect). */
  listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessageRecord[]>;
  /**
   * Marks the message recalled and empties its content; when it is the conversation's last
   * message, its preview becomes `preview`. A message already recalled is returned unchanged.
   * Returns null when the message does not exist.
   */
  recall(msgId: string, recall: RecallRecord, preview: string): Promise<MessageRecord | null>;
  getMessage(msgId: string): Promise<MessageRecord | null>;
  findByClientMsgId(senderUserId: string, clientMsgId: string): Promise<MessageRecord | null>;
  /** Removes the conversation with all its messages. */
  delete(conversationId: string): Promise<void>;
  /**
   * Up to `limit` of the app's messages matching `filter`, newest first: by `timestamp`, then
   * `msgId`, both descending (the console's message search). One indexed range read, over the
   * app or one conversation. (By sender is not a filter here: an index for it would be one more
   * write on every send for a console search, so the domain matches senders as it reads.)
   */
  scanMessages(filter: MessageScanFilter, limit: number): Promise<MessageRecord[]>;
  /** How many of the app's messages were sent at or after `from` and before `to` (ms epoch): an indexed count. */
  countMessages(from: number, to: number): Promise<number>;
}

export interface SessionRepo {
  /**
   * Returns the user's session for the conversation, creating it with `initialReadSeq` when
   * missing. An existing session is returned unchanged.
   */
  ensure(session: NewSession): Promise<SessionRecord>;
  /**
   * {@link ensure} for many users of one conversation at once (members joining a group): each
   * session in `sessions` that is missing is created; an ended one is opened again (not ended,
   * read up to `initialReadSeq` when that is further); others are left as they are. A few round
   * trips whatever the number of users.
   */
  ensureMany(sessions: readonly NewSession[]): Promise<void>;
  /**
   * Ends the sessions of these users (all users when omitted) for the conversation at `end`,
   * those not ended already (an earlier end stays: that is where the user left).
   */
  end(conversationId: string, end: SessionEnd, userIds?: readonly string[]): Promise<void>;
  get(userId: string, conversationId: string): Promise<SessionRecord | null>;
  getBySid(userId: string, sid: string): Promise<SessionRecord | null>;
  /** The user's sessions, in no particular order; only those of one kind when `conversationType` is given. */
  listForUser(userId: string, conversationType?: ConversationType): Promise<SessionRecord[]>;
  /**
   * Which of `userIds` have a session, not ended, in at least one of `conversationIds`. One read whatever the
   * number of ids: the domain asks about a few hundred users against their private conversations
   * with one user plus that user's groups (presence scope), never once per id.
   */
  usersWithSessionIn(conversationIds: readonly string[], userIds: readonly string[]): Promise<Set<string>>;
  /** The read seq of each of `userIds` that has a session in the conversation: one read. */
  readSeqs(conversationId: string, userIds: readonly string[]): Promise<Map<string, number>>;
  /** Moves `readSeq` up to `seq`; never moves it down. Returns the session, or null if missing. */
  advanceRead(userId: string, conversationId: string, seq: number): Promise<SessionRecord | null>;
  /** Sets the session's do-not-disturb flag; returns the session after, or null when there is none. */
  setDoNotDisturb(userId: string, conversationId: string, doNotDisturb: boolean): Promise<SessionRecord | null>;
  /** Removes the sessions of these users (all users when omitted) for the conversation. */
  deleteForConversation(conversationId: string, userIds?: readonly string[]): Promise<void>;
}

/** How many files an app has and the bytes they take. */
export interface FileUsage {
  files: number;
  /** The sum of every file's `size` and its thumbnail's `thumb.size`. */
  bytes: number;
}

/**
 * The records of an app's uploaded files. The store keeps what a file is, never its bytes: the
 * domain writes and deletes those through the file storage port, under the same (appId, fileId).
 */
export interface FileRepo {
  /**
   * Records a stored file.
   * @throws DuplicateKeyError when the fileId is already recorded in this app; nothing is written.
   */
  insert(file: FileRecord): Promise<void>;
  get(fileId: string): Promise<FileRecord | null>;
  /** Several at once (a message may point at a file and its cover): one read. Missing ids are absent from the map. */
  getMany(fileIds: readonly string[]): Promise<Map<string, FileRecord>>;
  /** How many files the app has and the bytes they take (for the console and quotas). One aggregate read, indexed. */
  usage(): Promise<FileUsage>;
  /** Removes the record; nothing happens when there is none. */
  delete(fileId: string): Promise<void>;
}

/**
 * Users' block lists. Each block is one record keyed by (userId, blockedUserId), so "does A block
 * B" is one indexed read however long A's list is.
 */
export interface BlockRepo {
  /**
   * Records that `userId` blocks each of `blockedUserIds` (those already blocked keep their
   * `createdAt`). Returns the ids that were not blocked before, in the order given.
   */
  add(userId: string, blockedUserIds: readonly string[], now: number): Promise<string[]>;
  /** Lifts the blocks; returns the ids that were blocked, in the order given. */
  remove(userId: string, blockedUserIds: readonly string[]): Promise<string[]>;
  /** Whether `userId` blocks `otherUserId`: one indexed read. */
  blocks(userId: string, otherUserId: string): Promise<boolean>;
  /** The users `userId` blocks, oldest block first (then by blockedUserId), at most `limit`. */
  list(userId: string, limit: number): Promise<BlockRecord[]>;
  /** How many users `userId` blocks (for the per-user limit). */
  count(userId: string): Promise<number>;
}

/**
 * Friend requests, friendships and friend groups. A friendship is two records, one per side
 * (each with its own remark and friend group), written and removed together: an adapter that
 * writes them in two steps says what a crash between them leaves, and `befriend`/`unfriend`
 * complete a half-written pair when called again.
 */
export interface FriendRepo {
  /** @throws DuplicateKeyError when the requestId is taken. */
  insertRequest(request: FriendRequestRecord): Promise<void>;
  getRequest(requestId: string): Promise<FriendRequestRecord | null>;
  /**
   * The pending request from `fromUserId` to `toUserId`, if there is one (the newest, should there
   * be several). A dropped one too: the domain reads its `dropped` flag.
   */
  pendingBetween(fromUserId: string, toUserId: string): Promise<FriendRequestRecord | null>;
  /**
   * Pending requests to `userId` (`incoming`) or from `userId` (`outgoing`), newest first (then
   * by requestId, descending), at most `limit`. Incoming leaves out dropped requests, which the
   * recipient never sees; outgoing includes them (the requester sees them pending).
   */
  listPending(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]>;
  /**
   * Requests to `userId` (`incoming`) or from `userId` (`outgoing`) in any status, answered ones
   * with their outcome, newest first (then by requestId, descending), at most `limit` (none when
   * `limit` <= 0). Incoming leaves out dropped requests; outgoing includes them.
   */
  listRequests(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]>;
  /**
   * Answers a pending request (compare-and-set on `status: 'pending'`). Returns the answered
   * record, or null when there is no such request or it was answered already.
   */
  decideRequest(requestId: string, status: 'accepted' | 'rejected', at: number): Promise<FriendRequestRecord | null>;
  /**
   * Makes `userId` and `friendId` friends: both sides' records, with empty remarks and no friend
   * group. Returns false (and changes nothing that exists) when both sides already were.
   */
  befriend(userId: string, friendId: string, now: number): Promise<boolean>;
  /** Removes both sides. Returns false when neither existed. */
  unfriend(userId: string, friendId: string): Promise<boolean>;
  /** `userId`'s side of the friendship, or null. */
  getFriend(userId: string, friendId: string): Promise<FriendRecord | null>;
  /** `userId`'s friends, oldest friendship first (then by friendId), at most `limit`. */
  listFriends(userId: string, limit: number): Promise<FriendRecord[]>;
  countFriends(userId: string): Promise<number>;
  /** Changes `userId`'s side only. Returns the record, or null when they are not friends. */
  updateFriend(userId: string, friendId: string, patch: { remark?: string; friendGroupId?: string | null }): Promise<FriendRecord | null>;
  /** @throws DuplicateKeyError when the user already has a friend group with this id. */
  insertFriendGroup(group: FriendGroupRecord): Promise<void>;
  /** `userId`'s friend groups by `order`, then `createdAt`, then id. */
  listFriendGroups(userId: string): Promise<FriendGroupRecord[]>;
  /** Renames or moves one friend group. Returns it, or null when the user has none with this id. */
  updateFriendGroup(userId: string, friendGroupId: string, patch: { name?: string; order?: number }): Promise<FriendGroupRecord | null>;
  /** Deletes the friend group; its friends stay friends, with `friendGroupId: null`. Returns false when there was none. */
  deleteFriendGroup(userId: string, friendGroupId: string): Promise<boolean>;
}

/** Repositories already bound to one app: a handler cannot read or write another app's data. */
/**
 * Requests to join groups. At most one pending request per group and user: a second insert while
 * one is pending fails with DuplicateKeyError.
 */
export interface JoinRequestRepo {
  /** @throws DuplicateKeyError when the requestId is taken, or `userId` has a pending request to the group. */
  insert(request: JoinRequestRecord): Promise<void>;
  get(requestId: string): Promise<JoinRequestRecord | null>;
  /** The pending request of `userId` to the group, if any. */
  pendingOf(groupId: string, userId: string): Promise<JoinRequestRecord | null>;
  /** The group's pending requests, oldest first (then by requestId): `limit` of them after skipping `offset`. */
  listPending(groupId: string, limit: number, offset?: number): Promise<JoinRequestRecord[]>;
  /** The pending requests for `userId` to join groups (asked or invited), oldest first (then by requestId), at most `limit`. */
  listPendingOfUser(userId: string, limit: number): Promise<JoinRequestRecord[]>;
  /**
   * Moves a pending request to `approved` or `rejected`, only if it is still pending
   * (compare-and-set: two admins answering at once decide it once). Returns the decided request,
   * or null when it was not pending (or does not exist).
   */
  decide(requestId: string, decision: { status: 'approved' | 'rejected'; decidedBy: string | null; decidedAt: number }): Promise<JoinRequestRecord | null>;
  /** Deletes every request to the group (it was dismissed). */
  deleteForGroup(groupId: string): Promise<void>;
}

export interface AppScope {
  readonly appId: string;
  readonly users: UserRepo;
  readonly tokens: UserTokenRepo;
  readonly groups: GroupRepo;
  readonly conversations: ConversationRepo;
  readonly sessions: SessionRepo;
  readonly files: FileRepo;
  readonly blocks: BlockRepo;
  readonly friends: FriendRepo;
  readonly joinRequests: JoinRequestRepo;
  /**
   * Deletes every record of this app (users, tokens, groups, join requests, conversations,
   * sessions, file records, blocks, friend requests, friends and friend groups). The files' bytes are the file storage's: the domain deletes those itself.
   */
  purge(): Promise<void>;
}

export interface Store {
  /** Short name for logs: `memory`, `sqlite`, `mongodb`. */
  readonly kind: string;
  readonly tenants: TenantRepo;
  readonly consoleTokens: ConsoleTokenRepo;
  readonly apps: AppRepo;
  forApp(appId: string): AppScope;
  /** Every record read out and written in, for export, import and moving between stores. */
  readonly transfer: StoreTransfer;
  /** Resolves when the database answers now; rejects otherwise (the readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
