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
  MemberRecord,
  MessageRecord,
  SessionRecord,
  TenantRecord,
  UserRecord,
  UserTokenRecord,
} from './records.js';

/**
 * The transfer port: every record of a store read out, and written in, in the records' own
 * shape, so that `npm run export` and `npm run import` move a deployment between any two
 * adapters (SQLite to MongoDB and back) without either knowing the other's layout.
 *
 * Collections are read and written in this order, which is also the order an import writes
 * them in: a record is written after those it refers to.
 */
export const TRANSFER_COLLECTIONS = [
  'tenants',
  'consoleTokens',
  'apps',
  'users',
  'userTokens',
  // After the users they name.
  'blocks',
  'friendRequests',
  // Before the friends that name them.
  'friendGroups',
  'friends',
  // Before messages and groups, whose content and avatars may point at a file.
  'files',
  'groups',
  'groupMembers',
  // After the groups they ask to join.
  'joinRequests',
  'conversations',
  'messages',
  'sessions',
] as const;

export type TransferCollection = (typeof TRANSFER_COLLECTIONS)[number];

interface InApp {
  appId: string;
}

/** One record of each collection as a transfer carries it: app data says which app it belongs to. */
export interface TransferRecords {
  tenants: TenantRecord;
  consoleTokens: ConsoleTokenRecord;
  apps: AppRecord;
  users: UserRecord & InApp;
  userTokens: UserTokenRecord & InApp;
  blocks: BlockRecord & InApp;
  friendRequests: FriendRequestRecord & InApp;
  friendGroups: FriendGroupRecord & InApp;
  friends: FriendRecord & InApp;
  files: FileRecord & InApp;
  groups: GroupRecord & InApp;
  groupMembers: MemberRecord & InApp & { groupId: string };
  joinRequests: JoinRequestRecord & InApp;
  conversations: ConversationRecord & InApp;
  messages: MessageRecord & InApp;
  sessions: SessionRecord & InApp;
}

/**
 * What `write` takes: the records `read` gives, and each message's conversation-list text
 * (`preview`, computed by the domain), which an adapter may keep beside the message.
 */
export type TransferInput = Omit<TransferRecords, 'messages'> & { messages: TransferRecords['messages'] & { preview: string } };

/** Which records a read covers. */
export interface TransferScope {
  /**
   * One app: its record, its tenant (so its console account moves with it) and its data;
   * no console tokens (the tenant logs in again). Everything when omitted.
   */
  appId?: string;
}

/** Largest batch `read` yields. */
export const TRANSFER_BATCH = 500;

export interface StoreTransfer {
  /**
   * The records of `collection` within `scope`, in batches of at most {@link TRANSFER_BATCH},
   * each a fresh copy. Reads a consistent view where the adapter can (SQLite: one read
   * transaction per collection); a store that keeps taking writes meanwhile may give a record
   * written during the read or not.
   */
  read<C extends TransferCollection>(collection: C, scope: TransferScope): AsyncIterable<TransferRecords[C][]>;
  /**
   * Writes `rows`, replacing any stored record with the same key (tenant id, app id, or the
   * app and the record's own id), so an interrupted import is finished by running it again.
   * Rows are complete records as `read` gives them: the adapter trusts them to be consistent
   * with each other (seqs, counts, versions) as they were in the store they came from.
   */
  write<C extends TransferCollection>(collection: C, rows: readonly TransferInput[C][]): Promise<void>;
}
