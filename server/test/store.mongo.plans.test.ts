import { ConversationType, FileCategory, GroupRole, MessageType } from '@parley/sdk/protocol';
import { randomBytes } from 'node:crypto';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../src/domain/ids.js';
import type { AppScope } from '../src/store/ports.js';
import type { FileRecord } from '../src/store/records.js';
import { COLLECTION_NAMES } from '../src/store/mongo/collections.js';
import { INDEXES } from '../src/store/mongo/indexes.js';
import { MongoStore } from '../src/store/mongo/mongo-store.js';
import { serviceUrl } from './support/services.js';
import { groupRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/**
 * The hot paths of the domain use indexes. Each path runs through the real repositories while
 * the driver's command monitor records every command it sends; then
 * - shapes (any server): each recorded filter and sort is served by an index of INDEXES (or
 *   `_id`), judged from the index keys;
 * - plans (servers that report them, i.e. MongoDB): the server's own `explain` of each recorded
 *   command shows an index scan and no collection scan.
 */
const url = serviceUrl('MONGODB_URL');

/** The commands that read or select documents, and so have a plan. */
const PLANNED = new Set(['find', 'update', 'delete', 'findAndModify', 'distinct', 'count', 'aggregate']);

/** Collections of app data: every document carries appId, every filter names it. */
const APP_DATA = new Set<string>([
  COLLECTION_NAMES.users, COLLECTION_NAMES.userTokens, COLLECTION_NAMES.groups, COLLECTION_NAMES.groupMembers, COLLECTION_NAMES.conversations, COLLECTION_NAMES.messages, COLLECTION_NAMES.sessions, COLLECTION_NAMES.files,
  COLLECTION_NAMES.blocks,
  COLLECTION_NAMES.friendRequests,
  COLLECTION_NAMES.friends,
  COLLECTION_NAMES.friendGroups,
  COLLECTION_NAMES.joinRequests,
]);

/** An uploaded image record with the fileId `n` makes. */
const fileRecord = (n: number): FileRecord => ({
  fileId: n.toString(16).padStart(32, '0'),
  uploaderUserId: 'a',
  name: `photo${n}.jpg`,
  mimeType: 'image/jpeg',
  category: FileCategory.IMAGE,
  size: 1000 + n,
  width: 640,
  height: 480,
  duration: null,
  thumb: { size: 100, width: 400, height: 300 },
  createdAt: 1,
});

interface Recorded {
  name: string;
  collection: string;
  command: Document;
}

/** Whether the server answers `explain` with a plan tree (`stage` nodes), and if not, what it says. */
async function probePlans(): Promise<{ reported: boolean; reason: string }> {
  if (!url) return { reported: false, reason: 'MONGODB_URL is not set (run `npm run services` and export the MONGODB_URL it prints)' };
  const client = await new MongoClient(url).connect();
  try {
    const db = client.db(`parley_probe_${randomBytes(4).toString('hex')}`);
    await db.collection('probe').createIndex({ a: 1 }, { name: 'a' });
    await db.collection('probe').insertOne({ a: 1 });
    const explained = await db.collection('probe').find({ a: 1 }).explain('queryPlanner');
    await db.dropDatabase();
    if (stagesOf(explained['queryPlanner']).length > 0) return { reported: true, reason: '' };
    const pushdown = explained['filterPushdown'] === false ? ', filterPushdown: false' : '';
    const version = explained['serverInfo']?.['ferretdbVersion'] !== undefined ? 'FerretDB' : 'the server';
    return {
      reported: false,
      reason: `${version} reports no plan tree (queryPlanner: ${JSON.stringify(explained['queryPlanner']).slice(0, 120)}${pushdown}); the index shapes are still checked`,
    };
  } finally {
    await client.close();
  }
}

/** Every `{stage, indexName?}` node of a plan, at any depth. */
function stagesOf(plan: unknown): { stage: string; indexName?: string }[] {
  if (typeof plan !== 'object' || plan === null) return [];
  const found: { stage: string; indexName?: string }[] = [];
  const node = new Map<string, unknown>(Object.entries(plan));
  const stage = node.get('stage');
  const indexName = node.get('indexName');
  if (typeof stage === 'string') found.push({ stage, ...(typeof indexName === 'string' ? { indexName } : {}) });
  for (const [key, value] of node) {
    if (key !== 'rejectedPlans') found.push(...stagesOf(value));
  }
  return found;
}

const plans = await probePlans();

/** Field names a filter constrains, each `$or` branch merged with the rest. */
function filterShapes(filter: Document): string[][] {
  const fields = Object.keys(filter).filter((key) => !key.startsWith('$'));
  const branches = documents(filter['$or']);
  if (branches.length === 0) return [fields];
  return branches.flatMap((branch) => filterShapes(branch).map((shape) => [...fields, ...shape]));
}

/**
 * The index of INDEXES that serves a filter (and sort) on `collection`: the filter covers a
 * prefix of its key, with at least two fields of a compound key (appId alone would scan a whole
 * app), and the first sort field is the next key field or in that prefix. `_id` serves filters on `_id`.
 */
function servingIndex(collection: string, fields: string[], sort: Document | undefined): string | null {
  if (fields.includes('_id')) return '_id_';
  const sortField = sort ? Object.keys(sort)[0] : undefined;
  for (const spec of INDEXES.filter((index) => COLLECTION_NAMES[index.collection] === collection)) {
    const key = Object.keys(spec.key);
    let prefix = 0;
    while (prefix < key.length && fields.includes(key[prefix]!)) prefix++;
    if (prefix < Math.min(2, key.length)) continue;
    if (sortField !== undefined && sortField !== '_id' && !key.slice(0, prefix + 1).includes(sortField)) continue;
    return spec.name;
  }
  return null;
}

/** The filters (and sort) a recorded command selects documents with. */
function selections(recorded: Recorded): { filter: Document; sort?: Document }[] {
  const c = recorded.command;
  switch (recorded.name) {
    case 'find':
      return [{ filter: c['filter'] ?? {}, ...(c['sort'] ? { sort: c['sort'] } : {}) }];
    case 'findAndModify':
    case 'count':
      return [{ filter: c['query'] ?? {} }];
    case 'distinct':
      return [{ filter: c['query'] ?? {} }];
    case 'update':
      return documents(c['updates']).map((u) => ({ filter: u['q'] }));
    case 'delete':
      return documents(c['deletes']).map((d) => ({ filter: d['q'] }));
    case 'aggregate': {
      const match = documents(c['pipeline']).find((stage) => '$match' in stage);
      return [{ filter: match?.['$match'] ?? {} }];
    }
    default:
      return [];
  }
}

function documents(value: unknown): Document[] {
  return Array.isArray(value) ? value : [];
}

/** The command as `explain` takes it: the recorded one without session and cluster fields. */
function explainable(recorded: Recorded): Document {
  const command: Document = {};
  for (const [key, value] of Object.entries(recorded.command)) {
    if (!key.startsWith('$') && !['lsid', 'txnNumber', 'autocommit', 'startTransaction', 'apiVersion', 'writeConcern'].includes(key)) command[key] = value;
  }
  return command;
}

describe.skipIf(!url)(`MongoDB store: hot queries use indexes${url ? '' : ` — skipped: ${plans.reason}`}`, () => {
  const dbName = `parley_plans_${randomBytes(6).toString('hex')}`;
  let client: MongoClient;
  let store: MongoStore;
  let scope: AppScope;
  let recording: Recorded[] | null = null;
  const sids: string[] = [];

  beforeAll(async () => {
    client = await new MongoClient(url!, { monitorCommands: true, ignoreUndefined: true }).connect();
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (!recording || !(PLANNED.has(event.commandName) || event.commandName === 'insert')) return;
      recording.push({ name: event.commandName, collection: String(event.command[event.commandName]), command: event.command });
    });
    store = new MongoStore(client, client.db(dbName, { ignoreUndefined: true }));
    await store.createIndexes();
    scope = store.forApp('app');
    // Enough data that a scan and an index differ: 3 users, 2 conversations, a group, tokens.
    for (const userId of ['a', 'b', 'c']) {
      await scope.users.upsert({ userId, name: userId, avatarUri: '' }, 1);
      await scope.tokens.insert({ tokenHash: `hash-${userId}`, userId, createdAt: 1, expiresAt: 10 ** 13, revokedAt: null }, 1);
    }
    await scope.groups.insert(
      groupRecord('crew', { memberCount: 3, joinCount: 3 }),
      ['a', 'b', 'c'].map((userId, joinIndex) => memberRecord(userId, joinIndex, joinIndex === 0 ? GroupRole.OWNER : GroupRole.MEMBER)),
    );
    // Other groups, so that a member index and a scan of the members differ.
    for (let g = 0; g < 5; g++) {
      await scope.groups.insert(
        groupRecord(`other${g}`, { name: 'other', ownerId: 'b', memberCount: 2, joinCount: 2 }),
        ['b', 'c'].map((userId, joinIndex) => memberRecord(userId, joinIndex, joinIndex === 0 ? GroupRole.OWNER : GroupRole.MEMBER)),
      );
    }
    for (const [userId, conversationId, conversationType, targetId] of [
      ['a', 'p:a:b', ConversationType.PRIVATE, 'b'],
      ['b', 'p:a:b', ConversationType.PRIVATE, 'a'],
      ['a', 'g:crew', ConversationType.GROUP, 'crew'],
    ] as const) {
      const session = await scope.sessions.ensure({ sid: newObjectId(), userId, conversationId, conversationType, targetId, initialReadSeq: 0, createdAt: 1 });
      sids.push(session.sid);
    }
    // Files, so that the file index and a scan of the collection differ.
    for (let n = 1; n <= 20; n++) await scope.files.insert(fileRecord(n));
    // Block lists of several users, so that the block indexes and a scan of the collection differ.
    for (const userId of ['a', 'b', 'c']) await scope.blocks.add(userId, Array.from({ length: 10 }, (_, i) => `blocked${i}`), 1);
    // Friends and friend requests of several users, so that their indexes and a scan of the collections differ.
    for (const userId of ['a', 'b', 'c']) {
      for (let i = 0; i < 10; i++) {
        await scope.friends.befriend(userId, `friend${i}`, 1 + i);
        await scope.friends.insertRequest({
          requestId: newObjectId(),
          fromUserId: `asker${i}`,
          toUserId: userId,
          message: '',
          status: i % 3 === 0 ? 'rejected' : 'pending',
          createdAt: 1 + i,
          decidedAt: i % 3 === 0 ? 2 + i : null,
          dropped: i % 4 === 1,
        });
      }
    }
    // Join requests to several groups, pending and decided, so that their indexes and a scan of the collection differ.
    for (const groupId of ['crew', 'other0', 'other1']) {
      for (let i = 0; i < 10; i++) {
        const decided = i % 3 === 0;
        await scope.joinRequests.insert({
          requestId: newObjectId(),
          groupId,
          userId: `joinee${i}`,
          inviterId: i % 2 ? 'b' : null,
          message: '',
          status: decided ? 'approved' : 'pending',
          createdAt: 1 + i,
          decidedBy: decided ? 'a' : null,
          decidedAt: decided ? 2 + i : null,
        });
      }
    }
    for (let i = 0; i < 30; i++) {
      for (const [conversationId, conversationType, targetId] of [['p:a:b', ConversationType.PRIVATE, 'b'], ['g:crew', ConversationType.GROUP, 'crew']] as const) {
        await scope.conversations.append({
          msgId: newObjectId(),
          conversationId,
          conversationType,
          senderUserId: 'a',
          targetId,
          messageType: MessageType.TEXT,
          content: { content: `m${i}` },
          clientMsgId: `${conversationId}-${i}`,
          timestamp: 1000 + i,
          preview: `m${i}`,
        });
      }
    }
  });

  afterAll(async () => {
    await client?.db(dbName).dropDatabase().catch(() => undefined);
    await store?.close();
  });

  /** The selecting commands `path` sends. */
  async function record(path: () => Promise<unknown>): Promise<Recorded[]> {
    recording = [];
    try {
      await path();
      return recording;
    } finally {
      recording = null;
    }
  }

  const send = (clientMsgId: string) => async () => {
    await scope.sessions.ensure({ sid: newObjectId(), userId: 'a', conversationId: 'p:a:b', conversationType: ConversationType.PRIVATE, targetId: 'b', initialReadSeq: 0, createdAt: 1 });
    await scope.conversations.findByClientMsgId('a', clientMsgId);
    const { message } = await scope.conversations.append(messageDraft({ content: { content: 'hot' }, clientMsgId, timestamp: 5000, preview: 'hot' }));
    await scope.sessions.advanceRead('a', 'p:a:b', message.seq);
  };

  let joiners = 0;
  const hotPaths: [string, () => Promise<unknown>][] = [
    [
      'group send and typing (the group, every member)',
      async () => {
        await scope.groups.get('crew');
        await scope.groups.listMembers('crew');
      },
    ],
    [
      'membership check (group history, recall)',
      async () => {
        await scope.groups.get('crew');
        await scope.groups.getMembers('crew', ['a']);
      },
    ],
    ['member page', () => scope.groups.listMembers('crew', { offset: 1, limit: 2 })],
    ['a user\'s groups', () => scope.groups.groupIdsOf('b')],
    [
      'join a group',
      async () => {
        const crew = (await scope.groups.get('crew'))!;
        const userId = `joiner${++joiners}`;
        await scope.groups.getMembers('crew', [userId]);
        const next = { ...crew, memberCount: crew.memberCount + 1, joinCount: crew.joinCount + 1, version: crew.version + 1 };
        await scope.groups.replace(next, crew.version, { add: [memberRecord(userId, crew.joinCount, GroupRole.MEMBER, { joinedAt: 2 })] });
      },
    ],
    [
      'mute a member, give them a nickname or a role',
      async () => {
        const crew = (await scope.groups.get('crew'))!;
        const b = (await scope.groups.getMembers('crew', ['b'])).get('b')!;
        await scope.groups.replace({ ...crew, version: crew.version + 1 }, crew.version, { update: [{ ...b, nickname: 'Bee', mutedUntil: 10 ** 13 }] });
      },
    ],
    [
      'owner leaves (hand-over)',
      async () => {
        const crew = (await scope.groups.get('crew'))!;
        await scope.groups.firstMember('crew', { role: GroupRole.ADMIN, excluding: [crew.ownerId] });
        await scope.groups.firstMember('crew', { excluding: [crew.ownerId] });
      },
    ],
    ['history page (first)', () => scope.conversations.listMessages('p:a:b', { limit: 20 })],
    [
      'history page (older than lastmsgId)',
      async () => {
        const anchor = (await scope.conversations.listMessages('p:a:b', { limit: 1 }))[0]!;
        await scope.conversations.getMessage(anchor.msgId);
        await scope.conversations.listMessages('p:a:b', { limit: 20, beforeSeq: anchor.seq });
      },
    ],
    ['sync after a seq', () => scope.conversations.listAfter('g:crew', 10, 100)],
    ['console search, next page', () => scope.conversations.scanMessages({ before: { timestamp: 1020, msgId: 'f'.repeat(24) } }, 50)],
    ['console search in one conversation', () => scope.conversations.scanMessages({ conversationId: 'g:crew', from: 1000, to: 1020 }, 50)],
    ['console search by date', () => scope.conversations.scanMessages({ from: 1005, to: 1010 }, 50)],
    ['console messages per day', () => scope.conversations.countMessages(1000, 1010)],
    ['console message detail (read marks)', () => scope.sessions.readSeqs('p:a:b', ['a', 'b'])],
    ['send', send('hot-1')],
    ['resend (same clientMsgId)', send('hot-1')],
    [
      'session list',
      async () => {
        const sessions = await scope.sessions.listForUser('a');
        await scope.conversations.getMany(sessions.map((s) => s.conversationId));
        await scope.users.getMany(['b']);
        await scope.groups.getMany(['crew']);
      },
    ],
    [
      'mark read',
      async () => {
        const session = (await scope.sessions.getBySid('a', sids[0]!))!;
        await scope.conversations.get(session.conversationId);
        await scope.sessions.advanceRead('a', session.conversationId, 3);
      },
    ],
    [
      'a message\'s files (the file and its cover, then one of them alone)',
      async () => {
        await scope.files.getMany([fileRecord(3).fileId, fileRecord(4).fileId]);
        await scope.files.get(fileRecord(5).fileId);
      },
    ],
    ['blocks check', () => scope.blocks.blocks('b', 'a')],
    ['block list', () => scope.blocks.list('a', 100)],
    ['friend check', () => scope.friends.getFriend('b', 'friend3')],
    ['friend list', () => scope.friends.listFriends('a', 100)],
    ['incoming requests', () => scope.friends.listPending('a', 'incoming', 50)],
    ['incoming requests in any status', () => scope.friends.listRequests('a', 'incoming', 50)],
    ['outgoing requests in any status', () => scope.friends.listRequests('asker2', 'outgoing', 50)],
    ['pending between', () => scope.friends.pendingBetween('asker2', 'a')],
    ['a group\'s pending join requests', () => scope.joinRequests.listPending('crew', 50)],
    ['a user\'s pending join request', () => scope.joinRequests.pendingOf('crew', 'joinee2')],
    [
      'answer a join request',
      async () => {
        const [first] = await scope.joinRequests.listPending('other1', 1);
        await scope.joinRequests.get(first!.requestId);
        await scope.joinRequests.decide(first!.requestId, { status: 'rejected', decidedBy: 'b', decidedAt: 50 });
      },
    ],
    ['a dismissed group\'s join requests', () => scope.joinRequests.deleteForGroup('other0')],
    ['connect (token and app)', () => Promise.all([scope.tokens.findByHash('hash-a'), store.apps.get('app')])],
    [
      'presence scope',
      async () => {
        const groups = await scope.sessions.listForUser('a', ConversationType.GROUP);
        await scope.sessions.usersWithSessionIn(['p:a:b', 'p:a:c', ...groups.map((s) => s.conversationId)], ['b', 'c']);
      },
    ],
  ];

  describe('shapes: every filter and sort of a hot path is served by a declared index', () => {
    it('(the check itself refuses an app-wide scan, an unindexed field and an unindexed sort)', () => {
      expect(servingIndex('messages', ['appId', 'conversationId', 'seq'], { seq: -1 })).toBe('messages_seq');
      expect(servingIndex('messages', ['appId'], undefined)).toBeNull();
      expect(servingIndex('messages', ['appId', 'messageType'], undefined)).toBeNull();
      expect(servingIndex('messages', ['appId', 'conversationId'], { messageType: -1 })).toBeNull();
      expect(servingIndex('apps', ['_id'], undefined)).toBe('_id_');
    });

    for (const [name, path] of hotPaths) {
      it(name, async () => {
        const recorded = await record(path);
        expect(recorded.length).toBeGreaterThan(0);
        for (const command of recorded) {
          for (const { filter, sort } of selections(command)) {
            for (const fields of filterShapes(filter)) {
              const index = servingIndex(command.collection, fields, sort);
              expect(index, `${command.name} on ${command.collection} by ${JSON.stringify(fields)}${sort ? ` sorted ${JSON.stringify(sort)}` : ''}`).not.toBeNull();
            }
          }
        }
      });
    }
  });

  it('every command on app data names its app: filters (each $or branch) and inserted documents', async () => {
    const other = store.forApp('other');
    const recorded = await record(async () => {
      for (const [, path] of hotPaths) await path();
      await scope.conversations.recall((await scope.conversations.listMessages('g:crew', { limit: 1 }))[0]!.msgId, { by: 'a', at: 1 }, '[Recalled]');
      await scope.tokens.revokeAllForUser('c', 2);
      await scope.users.count();
      await scope.groups.count();
      await scope.files.usage();
      await scope.files.delete(fileRecord(20).fileId);
      await other.files.insert(fileRecord(1));
      await scope.blocks.add('c', ['blocked0', 'new'], 2);
      await scope.blocks.count('c');
      await scope.blocks.remove('c', ['new', 'never']);
      await other.blocks.add('x', ['y'], 1);
      const requestId = newObjectId();
      await other.friends.insertRequest({ requestId, fromUserId: 'x', toUserId: 'y', message: '', status: 'pending', createdAt: 1, decidedAt: null, dropped: false });
      await other.friends.getRequest(requestId);
      await other.friends.listPending('x', 'outgoing', 10);
      await other.friends.listRequests('y', 'incoming', 10);
      await other.friends.listRequests('x', 'outgoing', 10);
      await other.friends.decideRequest(requestId, 'accepted', 2);
      await other.friends.befriend('x', 'y', 2);
      await other.friends.countFriends('x');
      const friendGroupId = newObjectId();
      await other.friends.insertFriendGroup({ userId: 'x', friendGroupId, name: 'g', order: 0, createdAt: 2 });
      await other.friends.listFriendGroups('x');
      await other.friends.updateFriendGroup('x', friendGroupId, { name: 'h' });
      await other.friends.updateFriend('x', 'y', { remark: 'Why', friendGroupId });
      await other.friends.deleteFriendGroup('x', friendGroupId);
      await other.friends.unfriend('y', 'x');
      const joinRequestId = newObjectId();
      await other.joinRequests.insert({ requestId: joinRequestId, groupId: 'g', userId: 'x', inviterId: null, message: '', status: 'pending', createdAt: 1, decidedBy: null, decidedAt: null });
      await other.joinRequests.get(joinRequestId);
      await other.joinRequests.pendingOf('g', 'x');
      await other.joinRequests.listPending('g', 10);
      await other.joinRequests.decide(joinRequestId, { status: 'approved', decidedBy: 'y', decidedAt: 2 });
      await other.joinRequests.deleteForGroup('g');
      const crew = (await scope.groups.get('crew'))!;
      await scope.groups.replace({ ...crew, version: crew.version + 1 }, crew.version);
      await other.users.upsert({ userId: 'x', name: 'x', avatarUri: '' }, 1);
      await other.groups.insert({ ...crew, groupId: 'tmp' }, [memberRecord('x', 0, GroupRole.OWNER)]);
      await other.conversations.append({
        msgId: newObjectId(),
        conversationId: 'g:tmp',
        conversationType: ConversationType.GROUP,
        senderUserId: 'x',
        targetId: 'tmp',
        messageType: MessageType.TEXT,
        content: { content: 'x' },
        clientMsgId: null,
        timestamp: 1,
        preview: 'x',
      });
      await other.sessions.deleteForConversation('g:tmp', ['x']);
      await other.sessions.deleteForConversation('g:tmp');
      await other.conversations.delete('g:tmp');
      await other.groups.delete('tmp');
      await other.purge();
    });
    const onAppData = recorded.filter((command) => APP_DATA.has(command.collection));
    expect(new Set(onAppData.map((command) => command.collection))).toEqual(APP_DATA);
    for (const command of onAppData) {
      if (command.name === 'insert') {
        for (const doc of documents(command.command['documents'])) expect(typeof doc['appId'], `insert into ${command.collection}`).toBe('string');
        continue;
      }
      for (const { filter } of selections(command)) {
        for (const fields of filterShapes(filter)) expect(fields, `${command.name} on ${command.collection}`).toContain('appId');
      }
    }
  });

  describe.skipIf(!plans.reported)(`plans: the server's explain shows index scans${plans.reported ? '' : ` — skipped: ${plans.reason}`}`, () => {
    const known = new Set(['_id_', ...INDEXES.map((spec) => spec.name)]);
    for (const [name, path] of hotPaths) {
      it(name, async () => {
        const recorded = await record(path);
        for (const command of recorded) {
          const explained = await client.db(dbName).command({ explain: explainable(command), verbosity: 'queryPlanner' });
          const stages = stagesOf(explained['queryPlanner']);
          const label = `${command.name} on ${command.collection}: ${JSON.stringify(stages)}`;
          expect(stages.some((s) => s.stage === 'COLLSCAN'), label).toBe(false);
          const scans = stages.filter((s) => s.indexName !== undefined || s.stage === 'IDHACK' || s.stage === 'EXPRESS_IXSCAN' || s.stage === 'EXPRESS_CLUSTERED_IXSCAN');
          expect(scans.length, label).toBeGreaterThan(0);
          for (const scan of scans) if (scan.indexName !== undefined) expect(known.has(scan.indexName), label).toBe(true);
        }
      });
    }
  });
});
