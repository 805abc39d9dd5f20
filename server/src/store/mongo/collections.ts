import type { Collection, Db } from 'mongodb';
import type {
  AppDoc,
  BlockDoc,
  ConsoleTokenDoc,
  ConversationDoc,
  FileDoc,
  FriendDoc,
  FriendGroupDoc,
  FriendRequestDoc,
  GroupDoc,
  JoinRequestDoc,
  MemberDoc,
  MessageDoc,
  SessionDoc,
  TenantDoc,
  UserDoc,
  UserTokenDoc,
} from './documents.js';

/** Every collection the adapter uses, typed by its documents. */
export interface Collections {
  readonly tenants: Collection<TenantDoc>;
  readonly consoleTokens: Collection<ConsoleTokenDoc>;
  readonly apps: Collection<AppDoc>;
  readonly users: Collection<UserDoc>;
  readonly userTokens: Collection<UserTokenDoc>;
  readonly groups: Collection<GroupDoc>;
  readonly groupMembers: Collection<MemberDoc>;
  readonly joinRequests: Collection<JoinRequestDoc>;
  readonly conversations: Collection<ConversationDoc>;
  readonly messages: Collection<MessageDoc>;
  readonly sessions: Collection<SessionDoc>;
  readonly files: Collection<FileDoc>;
  readonly blocks: Collection<BlockDoc>;
  readonly friendRequests: Collection<FriendRequestDoc>;
  readonly friends: Collection<FriendDoc>;
  readonly friendGroups: Collection<FriendGroupDoc>;
}

/** Collection names in the database, by role. */
export const COLLECTION_NAMES = {
  tenants: 'tenants',
  consoleTokens: 'console_tokens',
  apps: 'apps',
  users: 'users',
  userTokens: 'user_tokens',
  groups: 'groups',
  groupMembers: 'group_members',
  joinRequests: 'join_requests',
  conversations: 'conversations',
  messages: 'messages',
  sessions: 'sessions',
  files: 'files',
  blocks: 'blocks',
  friendRequests: 'friend_requests',
  friends: 'friends',
  friendGroups: 'friend_groups',
} as const satisfies Record<keyof Collections, string>;

/** The collections of app data: each document has `appId`, and `purge` empties them per app. */
export const APP_COLLECTIONS = [
  'users',
  'userTokens',
  'groups',
  'groupMembers',
  'joinRequests',
  'conversations',
  'messages',
  'sessions',
  'files',
  'blocks',
  'friendRequests',
  'friends',
  'friendGroups',
] as const satisfies readonly (keyof Collections)[];

export function collectionsOf(db: Db): Collections {
  return {
    tenants: db.collection<TenantDoc>(COLLECTION_NAMES.tenants),
    consoleTokens: db.collection<ConsoleTokenDoc>(COLLECTION_NAMES.consoleTokens),
    apps: db.collection<AppDoc>(COLLECTION_NAMES.apps),
    users: db.collection<UserDoc>(COLLECTION_NAMES.users),
    userTokens: db.collection<UserTokenDoc>(COLLECTION_NAMES.userTokens),
    groups: db.collection<GroupDoc>(COLLECTION_NAMES.groups),
    groupMembers: db.collection<MemberDoc>(COLLECTION_NAMES.groupMembers),
    joinRequests: db.collection<JoinRequestDoc>(COLLECTION_NAMES.joinRequests),
    conversations: db.collection<ConversationDoc>(COLLECTION_NAMES.conversations),
    messages: db.collection<MessageDoc>(COLLECTION_NAMES.messages),
    sessions: db.collection<SessionDoc>(COLLECTION_NAMES.sessions),
    files: db.collection<FileDoc>(COLLECTION_NAMES.files),
    blocks: db.collection<BlockDoc>(COLLECTION_NAMES.blocks),
    friendRequests: db.collection<FriendRequestDoc>(COLLECTION_NAMES.friendRequests),
    friends: db.collection<FriendDoc>(COLLECTION_NAMES.friends),
    friendGroups: db.collection<FriendGroupDoc>(COLLECTION_NAMES.friendGroups),
  };
}
