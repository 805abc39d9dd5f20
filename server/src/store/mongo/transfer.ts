import { MongoBulkWriteError, type Collection, type Document, type Filter, type FindCursor, type OptionalUnlessRequiredId, type WithoutId } from 'mongodb';
import { DuplicateKeyError } from '../ports.js';
import {
  TRANSFER_BATCH,
  type StoreTransfer,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../transfer.js';
import type { Collections } from './collections.js';
import { MongoConversationRepo } from './conversations.js';
import {
  clientKeyOf,
  contentJsonOf,
  fileDocOf,
  joinRequestDocOf,
  toApp,
  toBlock,
  toConsoleToken,
  toConversation,
  toFile,
  toFriend,
  toFriendGroup,
  toFriendRequest,
  toGroup,
  toJoinRequest,
  toMember,
  toMessage,
  toSession,
  toTenant,
  toUser,
  toUserToken,
  type MessageDoc,
  type TenantDoc,
} from './documents.js';
import { failedOnDuplicateKeysOnly } from './errors.js';
import { MongoGroupRepo } from './groups.js';

type Readers = { [C in TransferCollection]: (scope: TransferScope) => AsyncIterable<TransferRecords[C][]> };
type Writers = { [C in TransferCollection]: (rows: readonly TransferInput[C][]) => Promise<void> };

/** One document to store, and how to replace the stored one with its unique key. */
interface Upsert<D> {
  document: OptionalUnlessRequiredId<D>;
  filter: Filter<D>;
  replacement: WithoutId<D>;
}

/**
 * Most replaces per `update` command. FerretDB v1 slows down sharply with the statements of one
 * command: 150 replaces of stored documents took over 4 minutes in one command, 2.7 s in three of
 * 50 and 5.5 s in fifteen of 10 (FerretDB 1.24 on SQLite, 500 documents). MongoDB does not mind.
 */
const REPLACES_PER_COMMAND = 50;

/**
 * The transfer port of the MongoDB store.
 *
 * Reads walk each collection with one cursor sorted by its unique key, and give what the port
 * methods would read: no dismissed group (its document is only a marker), a group's pending
 * membership change completed first, only active members, no conversation summary left by an
 * interrupted delete, and lagging summaries raised. Without transactions a read is no snapshot:
 * a write landing meanwhile may or may not be in it.
 *
 * Writes store the documents the repositories would have written for the rows, replacing those
 * with the same unique key (as indexes.ts declares it), so writing the same rows again changes
 * nothing: one unordered insert of them all, then replace-with-upsert by key of those already
 * stored (see `upsertAll`).
 */
export class MongoStoreTransfer implements StoreTransfer {
  readonly #c: Collections;

  constructor(collections: Collections) {
    this.#c = collections;
  }

  read<C extends TransferCollection>(collection: C, scope: TransferScope): AsyncIterable<TransferRecords[C][]> {
    return this.#readers[collection](scope);
  }

  async write<C extends TransferCollection>(collection: C, rows: readonly TransferInput[C][]): Promise<void> {
    if (rows.length > 0) await this.#writers[collection](rows);
  }

  readonly #readers: Readers = {
    tenants: (scope) => this.#tenants(scope),
    // One app's export leaves console logins behind: its tenant logs in again where it lands.
    consoleTokens: (scope) => (scope.appId === undefined ? mapped(this.#c.consoleTokens.find({}).sort({ _id: 1 }), toConsoleToken) : none()),
    apps: (scope) => mapped(this.#c.apps.find(scope.appId === undefined ? {} : { _id: scope.appId }).sort({ _id: 1 }), toApp),
    users: (scope) => mapped(this.#c.users.find(inApp(scope)).sort({ appId: 1, userId: 1 }), (doc) => ({ appId: doc.appId, ...toUser(doc) })),
    userTokens: (scope) =>
      mapped(this.#c.userTokens.find(inApp(scope)).sort({ appId: 1, tokenHash: 1 }), (doc) => ({ appId: doc.appId, ...toUserToken(doc) })),
    blocks: (scope) =>
      mapped(this.#c.blocks.find(inApp(scope)).sort({ appId: 1, userId: 1, blockedUserId: 1 }), (doc) => ({ appId: doc.appId, ...toBlock(doc) })),
    friendRequests: (scope) =>
      mapped(this.#c.friendRequests.find(inApp(scope)).sort({ appId: 1, requestId: 1 }), (doc) => ({ appId: doc.appId, ...toFriendRequest(doc) })),
    friendGroups: (scope) =>
      mapped(this.#c.friendGroups.find(inApp(scope)).sort({ appId: 1, userId: 1, friendGroupId: 1 }), (doc) => ({ appId: doc.appId, ...toFriendGroup(doc) })),
    friends: (scope) =>
      mapped(this.#c.friends.find(inApp(scope)).sort({ appId: 1, userId: 1, friendId: 1 }), (doc) => ({ appId: doc.appId, ...toFriend(doc) })),
    files: (scope) => mapped(this.#c.files.find(inApp(scope)).sort({ appId: 1, fileId: 1 }), (doc) => ({ appId: doc.appId, ...toFile(doc) })),
    groups: (scope) => this.#groups(scope),
    groupMembers: (scope) => this.#groupMembers(scope),
    joinRequests: (scope) =>
      mapped(this.#c.joinRequests.find(inApp(scope)).sort({ appId: 1, requestId: 1 }), (doc) => ({ appId: doc.appId, ...toJoinRequest(doc) })),
    conversations: (scope) => this.#conversations(scope),
    messages: (scope) =>
      mapped(this.#c.messages.find(inApp(scope)).sort({ appId: 1, conversationId: 1, seq: 1 }), (doc) => ({ appId: doc.appId, ...toMessage(doc) })),
    sessions: (scope) =>
      mapped(this.#c.sessions.find(inApp(scope)).sort({ appId: 1, userId: 1, conversationId: 1 }), (doc) => ({ appId: doc.appId, ...toSession(doc) })),
  };

  readonly #writers: Writers = {
    tenants: (rows) =>
      upsertAll(
        this.#c.tenants,
        rows.map((row) => {
          const fields = { email: row.email, passwordHash: row.passwordHash, createdAt: row.createdAt };
          return { filter: { _id: row.tenantId }, document: { _id: row.tenantId, ...fields }, replacement: fields };
        }),
      ),
    consoleTokens: (rows) =>
      upsertAll(
        this.#c.consoleTokens,
        rows.map((row) => {
          const fields = { tenantId: row.tenantId, createdAt: row.createdAt, expiresAt: row.expiresAt };
          return { filter: { _id: row.tokenHash }, document: { _id: row.tokenHash, ...fields }, replacement: fields };
        }),
      ),
    apps: (rows) =>
      upsertAll(
        this.#c.apps,
        rows.map(({ appId, ...fields }) => ({ filter: { _id: appId }, document: { _id: appId, ...structuredClone(fields) }, replacement: structuredClone(fields) })),
      ),
    users: (rows) =>
      upsertAll(
        this.#c.users,
        rows.map((row) => ({ appId: row.appId, ...toUser(row) })).map((doc) => ({ filter: { appId: doc.appId, userId: doc.userId }, document: doc, replacement: doc })),
      ),
    userTokens: (rows) =>
      upsertAll(
        this.#c.userTokens,
        rows
          .map((row) => ({ appId: row.appId, ...toUserToken(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, tokenHash: doc.tokenHash }, document: doc, replacement: doc })),
      ),
    blocks: (rows) =>
      upsertAll(
        this.#c.blocks,
        rows
          .map((row) => ({ appId: row.appId, ...toBlock(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, userId: doc.userId, blockedUserId: doc.blockedUserId }, document: doc, replacement: doc })),
      ),
    friendRequests: (rows) =>
      upsertAll(
        this.#c.friendRequests,
        rows
          .map((row) => ({ appId: row.appId, ...toFriendRequest(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, requestId: doc.requestId }, document: doc, replacement: doc })),
      ),
    friendGroups: (rows) =>
      upsertAll(
        this.#c.friendGroups,
        rows
          .map((row) => ({ appId: row.appId, ...toFriendGroup(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, userId: doc.userId, friendGroupId: doc.friendGroupId }, document: doc, replacement: doc })),
      ),
    friends: (rows) =>
      upsertAll(
        this.#c.friends,
        rows
          .map((row) => ({ appId: row.appId, ...toFriend(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, userId: doc.userId, friendId: doc.friendId }, document: doc, replacement: doc })),
      ),
    files: (rows) =>
      upsertAll(
        this.#c.files,
        rows.map((row) => fileDocOf(row.appId, row)).map((doc) => ({ filter: { appId: doc.appId, fileId: doc.fileId }, document: doc, replacement: doc })),
      ),
    groups: (rows) =>
      upsertAll(
        this.#c.groups,
        rows
          .map((row) => ({ appId: row.appId, ...toGroup(row), dismissed: false }))
          .map((doc) => ({ filter: { appId: doc.appId, groupId: doc.groupId }, document: doc, replacement: doc })),
      ),
    groupMembers: async (rows) => {
      const versionOf = await this.#groupVersions(rows);
      await upsertAll(
        this.#c.groupMembers,
        rows
          // Marked as written by the group's current version, as its last change would have left
          // it; a group not written yet gives 0, which its next change overwrites all the same.
          .map((row) => ({ appId: row.appId, groupId: row.groupId, ...toMember(row), active: true, v: versionOf.get(groupKey(row)) ?? 0 }))
          .map((doc) => ({ filter: { appId: doc.appId, groupId: doc.groupId, userId: doc.userId }, document: doc, replacement: doc })),
      );
    },
    joinRequests: (rows) =>
      upsertAll(
        this.#c.joinRequests,
        rows.map((row) => joinRequestDocOf(row.appId, row)).map((doc) => ({ filter: { appId: doc.appId, requestId: doc.requestId }, document: doc, replacement: doc })),
      ),
    conversations: (rows) =>
      upsertAll(
        this.#c.conversations,
        rows
          .map((row) => ({ appId: row.appId, ...toConversation(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, conversationId: doc.conversationId }, document: doc, replacement: doc })),
      ),
    // A message written before its conversation is not lost: the conversation's readers create
    // the summary from the newest message (see conversations.ts).
    messages: (rows) =>
      upsertAll(
        this.#c.messages,
        rows.map(messageDocOf).map((doc) => ({ filter: { appId: doc.appId, conversationId: doc.conversationId, seq: doc.seq }, document: doc, replacement: doc })),
      ),
    sessions: (rows) =>
      upsertAll(
        this.#c.sessions,
        rows
          .map((row) => ({ appId: row.appId, ...toSession(row) }))
          .map((doc) => ({ filter: { appId: doc.appId, userId: doc.userId, conversationId: doc.conversationId }, document: doc, replacement: doc })),
      ),
  };

  async *#tenants(scope: TransferScope): AsyncGenerator<TransferRecords['tenants'][]> {
    let filter: Filter<TenantDoc> = {};
    if (scope.appId !== undefined) {
      const app = await this.#c.apps.findOne({ _id: scope.appId }, { projection: { tenantId: 1 } });
      if (!app) return;
      filter = { _id: app.tenantId };
    }
    yield* mapped(this.#c.tenants.find(filter).sort({ _id: 1 }), toTenant);
  }

  async *#groups(scope: TransferScope): AsyncGenerator<TransferRecords['groups'][]> {
    for await (const docs of batchesOf(this.#c.groups.find({ ...inApp(scope), dismissed: false }).sort({ appId: 1, groupId: 1 }))) {
      const groups: TransferRecords['groups'][] = [];
      for (const doc of docs) {
        // A change whose member writes have not all landed: the repo's read completes it (and
        // gives the group as it is then, or nothing if it was dismissed meanwhile).
        const group = doc.pending ? await this.#groupRepo(doc.appId).get(doc.groupId) : toGroup(doc);
        if (group) groups.push({ appId: doc.appId, ...group });
      }
      if (groups.length > 0) yield groups;
    }
  }

  async *#groupMembers(scope: TransferScope): AsyncGenerator<TransferRecords['groupMembers'][]> {
    // Member documents are right only once their group's pending change is written.
    for (const group of await this.#c.groups.find({ ...inApp(scope), dismissed: false, pending: { $exists: true } }).toArray()) {
      await this.#groupRepo(group.appId).get(group.groupId);
    }
    const cursor = this.#c.groupMembers.find({ ...inApp(scope), active: true }).sort({ appId: 1, groupId: 1, userId: 1 });
    for await (const docs of batchesOf(cursor)) {
      // A dismissal interrupted before its member writes leaves members marked active in a
      // group that no longer exists: only members of live groups are exported.
      const live = await this.#liveGroups(docs);
      const members = docs.filter((doc) => live.has(groupKey(doc))).map((doc) => ({ appId: doc.appId, groupId: doc.groupId, ...toMember(doc) }));
      if (members.length > 0) yield members;
    }
  }

  async *#conversations(scope: TransferScope): AsyncGenerator<TransferRecords['conversations'][]> {
    for await (const docs of batchesOf(this.#c.conversations.find(inApp(scope)).sort({ appId: 1, conversationId: 1 }))) {
      const conversations: TransferRecords['conversations'][] = [];
      for (const [appId, ids] of idsByApp(docs, (doc) => doc.conversationId)) {
        // Read through the repo: a summary behind its messages (an append interrupted between
        // its two writes) is raised first, as every reader of the port sees it.
        const found = await new MongoConversationRepo(appId, this.#c.conversations, this.#c.messages).getMany(ids);
        const withLastMessage = await this.#existingMessageIds(appId, [...found.values()].flatMap((c) => (c.lastMessage ? [c.lastMessage.msgId] : [])));
        for (const conversation of found.values()) {
          // A summary whose last message is gone was left by an interrupted delete: the port reads it as absent.
          if (conversation.lastMessage && withLastMessage.has(conversation.lastMessage.msgId)) conversations.push({ appId, ...conversation });
        }
      }
      if (conversations.length > 0) yield conversations;
    }
  }

  #groupRepo(appId: string): MongoGroupRepo {
    return new MongoGroupRepo(appId, this.#c.groups, this.#c.groupMembers);
  }

  /** The `groupKey`s of the live groups among those of `members`. */
  async #liveGroups(members: readonly { appId: string; groupId: string }[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (const [appId, groupIds] of idsByApp(members, (member) => member.groupId)) {
      const groups = await this.#c.groups.find({ appId, groupId: { $in: groupIds }, dismissed: false }, { projection: { groupId: 1 } }).toArray();
      for (const group of groups) live.add(groupKey({ appId, groupId: group.groupId }));
    }
    return live;
  }

  /** The stored version of each group the rows belong to, by `groupKey`. */
  async #groupVersions(rows: readonly { appId: string; groupId: string }[]): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    for (const [appId, groupIds] of idsByApp(rows, (row) => row.groupId)) {
      const groups = await this.#c.groups.find({ appId, groupId: { $in: groupIds } }, { projection: { groupId: 1, version: 1 } }).toArray();
      for (const group of groups) versions.set(groupKey({ appId, groupId: group.groupId }), group.version);
    }
    return versions;
  }

  async #existingMessageIds(appId: string, msgIds: readonly string[]): Promise<Set<string>> {
    if (msgIds.length === 0) return new Set();
    const docs = await this.#c.messages.find({ appId, msgId: { $in: [...msgIds] } }, { projection: { msgId: 1 } }).toArray();
    return new Set(docs.map((doc) => doc.msgId));
  }
}

/** The message document `append` would have written for this row (and `recall` made of it). */
function messageDocOf(row: TransferInput['messages']): WithoutId<MessageDoc> {
  return {
    appId: row.appId,
    msgId: row.msgId,
    conversationId: row.conversationId,
    seq: row.seq,
    conversationType: row.conversationType,
    senderUserId: row.senderUserId,
    targetId: row.targetId,
    messageType: row.messageType,
    contentJson: contentJsonOf(row.content),
    clientMsgId: row.clientMsgId,
    timestamp: row.timestamp,
    recall: row.recall === null ? null : { by: row.recall.by, at: row.recall.at },
    preview: row.preview,
    clientKey: clientKeyOf(row),
  };
}

/** Only the app's documents, or every app's. */
function inApp(scope: TransferScope): { appId?: string } {
  return scope.appId === undefined ? {} : { appId: scope.appId };
}

function groupKey(member: { appId: string; groupId: string }): string {
  return `${member.appId}\n${member.groupId}`;
}

/** The distinct ids of `docs` grouped by app: one query per app (a batch rarely spans two). */
function idsByApp<D extends { appId: string }>(docs: readonly D[], idOf: (doc: D) => string): Map<string, string[]> {
  const byApp = new Map<string, Set<string>>();
  for (const doc of docs) {
    let ids = byApp.get(doc.appId);
    if (!ids) byApp.set(doc.appId, (ids = new Set()));
    ids.add(idOf(doc));
  }
  return new Map([...byApp].map(([appId, ids]) => [appId, [...ids]]));
}

/** The cursor's documents in batches of at most TRANSFER_BATCH; the cursor is closed when the reader stops early. */
async function* batchesOf<D>(cursor: FindCursor<D>): AsyncGenerator<D[]> {
  let batch: D[] = [];
  for await (const doc of cursor.batchSize(TRANSFER_BATCH)) {
    batch.push(doc);
    if (batch.length === TRANSFER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* mapped<D, R>(cursor: FindCursor<D>, map: (doc: D) => R): AsyncGenerator<R[]> {
  for await (const docs of batchesOf(cursor)) yield docs.map(map);
}

async function* none<R>(): AsyncGenerator<R[]> {}

/**
 * Stores every document of `upserts`, replacing the one with its key. First one unordered insert
 * of them all: what a fresh import meets, one cheap command. Those a unique index refuses (already
 * stored, most likely) are then replaced by key, with upsert (in case one was deleted meanwhile).
 * A replace refused again meets another unique index than its key's (a tenant's email, a
 * message's msgId or clientMsgId, a session's sid): the row contradicts a stored record.
 * @throws DuplicateKeyError for such a row; the others are written.
 */
async function upsertAll<D extends Document>(collection: Collection<D>, upserts: readonly Upsert<D>[]): Promise<void> {
  const stored = await insertNew(collection, upserts);
  let contradicted: unknown = null;
  for (let start = 0; start < stored.length; start += REPLACES_PER_COMMAND) {
    const replaces = stored.slice(start, start + REPLACES_PER_COMMAND).map(({ filter, replacement }) => ({ replaceOne: { filter, replacement, upsert: true } }));
    try {
      await collection.bulkWrite(replaces, { ordered: false });
    } catch (error) {
      if (!failedOnDuplicateKeysOnly(error)) throw error;
      contradicted = error;
    }
  }
  if (contradicted !== null) throw new DuplicateKeyError(`a unique key of ${collection.collectionName} is taken`, { cause: contradicted });
}

/** Inserts the documents that are new; returns the upserts whose document a unique index refused. */
async function insertNew<D extends Document>(collection: Collection<D>, upserts: readonly Upsert<D>[]): Promise<Upsert<D>[]> {
  try {
    // Copies: the driver adds an `_id` to what it inserts, which the replacement must not carry.
    await collection.insertMany(
      upserts.map(({ document }) => ({ ...document })),
      { ordered: false },
    );
    return [];
  } catch (error) {
    if (!failedOnDuplicateKeysOnly(error)) throw error;
    return error instanceof MongoBulkWriteError ? [error.writeErrors].flat().map((failure) => upserts[failure.index]!) : [...upserts];
  }
}
