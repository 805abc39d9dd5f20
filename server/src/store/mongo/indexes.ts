import { MongoServerError, type Document } from 'mongodb';
import type { Collections } from './collections.js';

/**
 * Every index the MongoDB adapter needs, with the queries it serves. `docs/guides/deployment.md`
 * ("MongoDB indexes") lists the same entries, and a test checks the two agree with what the
 * server reports.
 *
 * Rules: every index of app data starts with `appId` (every query of app data filters by it, and
 * a unique key is unique within one app); the global collections (tenants, console tokens, apps)
 * use their own key as `_id`, which MongoDB indexes by itself.
 */
export interface IndexSpec {
  collection: keyof Collections;
  name: string;
  key: Record<string, 1 | -1>;
  unique?: true;
  /** The port methods whose queries use it. */
  serves: string;
}

export const INDEXES: readonly IndexSpec[] = [
  { collection: 'tenants', name: 'tenants_email', key: { email: 1 }, unique: true, serves: 'tenants.getByEmail; one account per email' },
  { collection: 'consoleTokens', name: 'console_tokens_tenant', key: { tenantId: 1 }, serves: 'consoleTokens.deleteAllForTenant' },
  { collection: 'consoleTokens', name: 'console_tokens_expiry', key: { expiresAt: 1 }, serves: 'consoleTokens.insert (sweeps expired tokens)' },
  { collection: 'apps', name: 'apps_tenant', key: { tenantId: 1, createdAt: 1 }, serves: 'apps.listByTenant (in creation order)' },
  { collection: 'users', name: 'users_id', key: { appId: 1, userId: 1 }, unique: true, serves: 'users.upsert, get, getMany, count; purge' },
  { collection: 'userTokens', name: 'user_tokens_hash', key: { appId: 1, tokenHash: 1 }, unique: true, serves: 'tokens.findByHash; purge' },
  {
    collection: 'userTokens',
    name: 'user_tokens_user',
    key: { appId: 1, userId: 1, expiresAt: 1 },
    serves: 'tokens.insert (sweeps the user\'s expired tokens), tokens.revokeAllForUser',
  },
  { collection: 'groups', name: 'groups_id', key: { appId: 1, groupId: 1 }, unique: true, serves: 'groups.insert, get, getMany, replace, delete; purge' },
  { collection: 'groups', name: 'groups_live', key: { appId: 1, dismissed: 1 }, serves: 'groups.count (the app\'s groups, for its quota)' },
  {
    collection: 'groupMembers',
    name: 'group_members_id',
    key: { appId: 1, groupId: 1, userId: 1 },
    unique: true,
    serves: 'groups.getMembers (membership checks), the member writes of insert, replace and delete; purge',
  },
  {
    collection: 'groupMembers',
    name: 'group_members_order',
    key: { appId: 1, groupId: 1, active: 1, joinIndex: 1 },
    serves: 'groups.listMembers (member pages and delivery, in join order), firstMember (ownership hand-over)',
  },
  { collection: 'groupMembers', name: 'group_members_user', key: { appId: 1, userId: 1, active: 1 }, serves: 'groups.groupIdsOf (a user\'s groups)' },
  {
    collection: 'joinRequests',
    name: 'join_requests_id',
    key: { appId: 1, requestId: 1 },
    unique: true,
    serves: 'joinRequests.insert (a taken requestId fails here), get, decide; purge',
  },
  {
    collection: 'joinRequests',
    name: 'join_requests_pending',
    // Stands in for a partial unique index on (appId, groupId, userId) where the status is pending,
    // which FerretDB v1 does not implement: see JoinRequestDoc.pendingKey.
    key: { appId: 1, groupId: 1, userId: 1, pendingKey: 1 },
    unique: true,
    serves: 'joinRequests.pendingOf, insert (one pending request per group and user: a second fails here), deleteForGroup',
  },
  {
    collection: 'joinRequests',
    name: 'join_requests_order',
    key: { appId: 1, groupId: 1, status: 1, createdAt: 1, requestId: 1 },
    serves: 'joinRequests.listPending (a group\'s pending requests, oldest first)',
  },
  {
    collection: 'joinRequests',
    name: 'join_requests_of_user',
    key: { appId: 1, userId: 1, status: 1, createdAt: 1, requestId: 1 },
    serves: 'joinRequests.listPendingOfUser (a user\'s own pending requests, oldest first)',
  },
  {
    collection: 'conversations',
    name: 'conversations_id',
    key: { appId: 1, conversationId: 1 },
    unique: true,
    serves: 'conversations.get, getMany, append (raising lastSeq), recall (preview), delete; purge',
  },
  {
    collection: 'messages',
    name: 'messages_seq',
    key: { appId: 1, conversationId: 1, seq: 1 },
    unique: true,
    serves: 'append (next seq: newest by seq; a taken seq fails here), listMessages (history page), listAfter (sync after a seq), get/getMany (lag check), delete; purge',
  },
  { collection: 'messages', name: 'messages_id', key: { appId: 1, msgId: 1 }, unique: true, serves: 'getMessage (lastmsgId anchor, recall), recall' },
  {
    collection: 'messages',
    name: 'messages_client_key',
    // Stands in for a partial unique index on (appId, senderUserId, clientMsgId), which FerretDB v1
    // does not implement: see MessageDoc.clientKey.
    key: { appId: 1, senderUserId: 1, clientKey: 1 },
    unique: true,
    serves: 'findByClientMsgId, append (idempotent resend: a second insert with the same key fails here)',
  },
  {
    collection: 'messages',
    name: 'messages_time',
    key: { appId: 1, timestamp: 1, msgId: 1 },
    serves: 'scanMessages over the app (console message search by date, sender and text), countMessages (console usage per day)',
  },
  {
    collection: 'messages',
    name: 'messages_conversation_time',
    key: { appId: 1, conversationId: 1, timestamp: 1, msgId: 1 },
    serves: 'scanMessages by conversation (console message search)',
  },
  {
    collection: 'sessions',
    name: 'sessions_user',
    key: { appId: 1, userId: 1, conversationId: 1 },
    unique: true,
    serves: 'sessions.listForUser (session list, a user\'s groups), get, ensure (one session per user and conversation), advanceRead',
  },
  {
    collection: 'sessions',
    name: 'sessions_conversation',
    key: { appId: 1, conversationId: 1, userId: 1 },
    serves: 'sessions.usersWithSessionIn (presence scope), readSeqs (console message detail), deleteForConversation',
  },
  { collection: 'sessions', name: 'sessions_sid', key: { appId: 1, sid: 1 }, unique: true, serves: 'sessions.getBySid' },
  {
    collection: 'files',
    name: 'files_id',
    key: { appId: 1, fileId: 1 },
    unique: true,
    serves: 'files.insert (a taken fileId fails here), get, getMany, delete, usage (the app\'s range of it); purge',
  },
  {
    collection: 'blocks',
    name: 'blocks_id',
    key: { appId: 1, userId: 1, blockedUserId: 1 },
    unique: true,
    serves: 'blocks.blocks (does A block B), add (one record per pair: a second insert fails here), remove, count; purge',
  },
  {
    collection: 'blocks',
    name: 'blocks_order',
    key: { appId: 1, userId: 1, createdAt: 1, blockedUserId: 1 },
    serves: 'blocks.list (a user\'s blocks, oldest first)',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_id',
    key: { appId: 1, requestId: 1 },
    unique: true,
    serves: 'friends.insertRequest (a taken requestId fails here), getRequest, decideRequest; purge',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_between',
    key: { appId: 1, fromUserId: 1, toUserId: 1, status: 1, createdAt: 1, requestId: 1 },
    serves: 'friends.pendingBetween (the newest pending request from A to B)',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_incoming',
    key: { appId: 1, toUserId: 1, status: 1, createdAt: 1, requestId: 1 },
    serves: 'friends.listPending incoming (requests to a user, newest first)',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_outgoing',
    key: { appId: 1, fromUserId: 1, status: 1, createdAt: 1, requestId: 1 },
    serves: 'friends.listPending outgoing (requests from a user, newest first)',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_received',
    key: { appId: 1, toUserId: 1, createdAt: 1, requestId: 1 },
    serves: 'friends.listRequests incoming (requests to a user in any status, newest first)',
  },
  {
    collection: 'friendRequests',
    name: 'friend_requests_sent',
    key: { appId: 1, fromUserId: 1, createdAt: 1, requestId: 1 },
    serves: 'friends.listRequests outgoing (requests from a user in any status, newest first)',
  },
  {
    collection: 'friends',
    name: 'friends_id',
    key: { appId: 1, userId: 1, friendId: 1 },
    unique: true,
    serves: 'friends.getFriend (are A and B friends), befriend (one record per side: upserts by it), unfriend, updateFriend, countFriends, deleteFriendGroup (the user\'s friends in the group); purge',
  },
  {
    collection: 'friends',
    name: 'friends_order',
    key: { appId: 1, userId: 1, createdAt: 1, friendId: 1 },
    serves: 'friends.listFriends (a user\'s friends, oldest friendship first)',
  },
  {
    collection: 'friendGroups',
    name: 'friend_groups_id',
    key: { appId: 1, userId: 1, friendGroupId: 1 },
    unique: true,
    serves: 'friends.insertFriendGroup (a taken id fails here), updateFriendGroup, deleteFriendGroup; purge',
  },
  {
    collection: 'friendGroups',
    name: 'friend_groups_order',
    key: { appId: 1, userId: 1, order: 1, createdAt: 1, friendGroupId: 1 },
    serves: 'friends.listFriendGroups (a user\'s friend groups in their order)',
  },
];

/** The server's answer to listIndexes on a collection that does not exist. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * Creates every index of `INDEXES` that is missing. Idempotent, so every process runs it at start.
 * An index that exists under the same name with another key or uniqueness fails the start with
 * a message naming it, rather than the server silently serving queries without the index the
 * code relies on (a unique one above all).
 *
 * One `createIndexes` command per missing index: FerretDB v1.24 drops the connection when one
 * command lists several indexes that all exist already on a collection that has documents.
 */
export async function createIndexes(collections: Collections): Promise<void> {
  const existingOf = new Map<keyof Collections, Document[]>();
  for (const spec of INDEXES) {
    const collection = collections[spec.collection];
    let existing = existingOf.get(spec.collection);
    if (!existing) {
      existing = await listIndexes(collection);
      existingOf.set(spec.collection, existing);
    }
    const found = existing.find((index) => index['name'] === spec.name);
    if (!found) {
      await collection.createIndex(spec.key, { name: spec.name, ...(spec.unique ? { unique: true } : {}) });
      continue;
    }
    if (!sameKey(found['key'], spec.key) || Boolean(found['unique']) !== Boolean(spec.unique)) {
      throw new Error(
        `MongoDB index ${collection.collectionName}.${spec.name} exists as ${JSON.stringify(found['key'])}${found['unique'] ? ' unique' : ''}; ` +
          `Parley needs ${JSON.stringify(spec.key)}${spec.unique ? ' unique' : ''}. Drop it and start again to have it created.`,
      );
    }
  }
}

/** The collection's indexes; none when the collection does not exist yet. */
async function listIndexes(collection: Collections[keyof Collections]): Promise<Document[]> {
  try {
    return await collection.listIndexes().toArray();
  } catch (error) {
    if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return [];
    throw error;
  }
}

/** Same fields in the same order with the same directions (a key's order matters to an index). */
function sameKey(actual: unknown, expected: IndexSpec['key']): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const a = Object.entries(actual);
  const e = Object.entries(expected);
  return a.length === e.length && a.every(([field, direction], i) => field === e[i]![0] && Number(direction) === e[i]![1]);
}
