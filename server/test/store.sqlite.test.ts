import { ConversationType, FileCategory, GroupJoinPolicy, GroupRole } from '@parley/sdk/protocol';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError, StoreUnavailableError } from '../src/store/ports.js';
import { DataDirectoryInUseError } from '../src/store/sqlite/lock.js';
import { SCHEMA_VERSION } from '../src/store/sqlite/schema.js';
import { DataDirectoryError, openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { storeContract } from './store.contract.js';
import { transferContract } from './store.transfer.contract.js';
import { groupRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/** Every test gets a data directory of its own, closed and removed after it. */
const opened: { store: SqliteStore; dir: string }[] = [];

afterEach(async () => {
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function freshStore(): Promise<SqliteStore> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
  const store = await openSqliteStore(dir);
  opened.push({ store, dir });
  return store;
}

/** Takes back migration 7 (group administration): the columns it added to groups and members. */
const UNDO_MIGRATION_7 = ['description', 'announcement', 'announcement_by', 'announcement_at', 'muted_all', 'join_policy']
  .map((column) => `ALTER TABLE chat_groups DROP COLUMN ${column};`)
  .concat(['nickname', 'muted_until'].map((column) => `ALTER TABLE group_members DROP COLUMN ${column};`))
  .join(' ');

/** Takes back migration 8 (join requests): its table, with its indexes. */
const UNDO_MIGRATION_8 = 'DROP TABLE join_requests;';

/** How to take back the migrations after 6, for a test to make the database an older version wrote. */
const UNDO: Readonly<Record<number, string>> = {
  7: UNDO_MIGRATION_7,
  8: UNDO_MIGRATION_8,
  9: 'ALTER TABLE sessions DROP COLUMN do_not_disturb;',
  10: 'DROP INDEX join_requests_of_user;',
  11: ['ended_msg_id', 'ended_seq', 'ended_sender', 'ended_preview', 'ended_at'].map((column) => `ALTER TABLE sessions DROP COLUMN ${column};`).join(' '),
  12: 'ALTER TABLE chat_groups DROP COLUMN announcement_seq;',
  13: 'ALTER TABLE chat_groups DROP COLUMN pending_events_json;',
};

/**
 * Makes `store`'s database what schema `version` left: the migrations after it taken back, newest
 * first (those up to 6 by `older`, the test's own SQL), and the records of them gone.
 */
function rewindTo(store: SqliteStore, version: number, older = ''): void {
  for (let undone = SCHEMA_VERSION; undone > Math.max(version, 6); undone--) store.db.exec(UNDO[undone]!);
  store.db.exec(`${older} DELETE FROM schema_migrations WHERE version > ${version}`);
  store.db.pragma(`user_version = ${version}`);
}

/** Closes `store` and opens its directory again (at time 42): the migrations after `version` run, and are recorded. */
async function reopened(store: SqliteStore, version: number): Promise<SqliteStore> {
  const { dataDir } = store;
  await store.close();
  opened.splice(0);
  const migrated = await openSqliteStore(dataDir, { now: () => 42 });
  opened.push({ store: migrated, dir: dataDir });
  expect(migrated.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(migrated.db.prepare(`SELECT version, applied_at FROM schema_migrations WHERE version > ${version}`).all()).toEqual(
    Array.from({ length: SCHEMA_VERSION - version }, (_, i) => ({ version: i + version + 1, applied_at: 42 })),
  );
  return migrated;
}

storeContract('sqlite', freshStore);
transferContract('sqlite', freshStore);

describe('SQLite store', () => {
  it('keeps what it stored across a close and a reopen of its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
    try {
      const first = await openSqliteStore(dir);
      await first.tenants.insert({ tenantId: 't1', email: 'a@x.io', passwordHash: 'h', createdAt: 1 });
      const { message } = await first.forApp('app').conversations.append(messageDraft({ clientMsgId: 'k' }));
      await first.close();
      const second = await openSqliteStore(dir);
      opened.push({ store: second, dir });
      expect(await second.tenants.getByEmail('a@x.io')).toMatchObject({ tenantId: 't1' });
      expect(await second.forApp('app').conversations.findByClientMsgId('a', 'k')).toEqual(message);
      expect((await second.forApp('app').conversations.append(messageDraft())).message.seq).toBe(2);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  });

  it('records its schema version once, and refuses a database from a newer Parley', async () => {
    const store = await freshStore();
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.prepare('SELECT version FROM schema_migrations').all()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    const { dataDir } = store;
    await store.close();
    opened.splice(0);
    try {
      await expect(openSqliteStore(dataDir)).rejects.toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this Parley knows`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('migrates a database of schema version 1 (before file records, the time indexes, blocks and friends) to the current version, keeping its data', async () => {
    const store = await freshStore();
    const { message } = await store.forApp('app').conversations.append(messageDraft({ clientMsgId: 'k' }));
    // What version 1 left: everything but the tables of later migrations, and their records.
    rewindTo(store, 1, 'DROP TABLE files; DROP INDEX messages_time; DROP INDEX messages_conversation_time; DROP TABLE blocks; DROP TABLE friend_requests; DROP TABLE friends; DROP TABLE friend_groups;');
    const migrated = await reopened(store, 1);
    const scope = migrated.forApp('app');
    expect(await scope.conversations.findByClientMsgId('a', 'k')).toEqual(message);
    expect(await scope.files.usage()).toEqual({ files: 0, bytes: 0 });
    const file = { fileId: 'ab'.repeat(16), uploaderUserId: 'a', name: 'a.txt', mimeType: 'text/plain', category: FileCategory.FILE, size: 3, width: null, height: null, duration: null, thumb: null, createdAt: 1 };
    await scope.files.insert(file);
    expect(await scope.files.get(file.fileId)).toEqual(file);
    expect(await scope.conversations.scanMessages({ conversationId: 'p:a:b' }, 5)).toEqual([message]);
    expect(await scope.blocks.count('a')).toBe(0);
    expect(await scope.blocks.add('a', ['b'], 7)).toEqual(['b']);
    expect(await scope.blocks.list('a', 10)).toEqual([{ userId: 'a', blockedUserId: 'b', createdAt: 7 }]);
    expect(await scope.friends.befriend('a', 'b', 8)).toBe(true);
    expect(await scope.friends.listFriends('b', 10)).toEqual([{ userId: 'b', friendId: 'a', remark: '', friendGroupId: null, createdAt: 8 }]);
  });

  it('migrates a database of schema version 5 (before dropped friend requests): its requests read as not dropped', async () => {
    const store = await freshStore();
    // What version 5 left: friend requests without the dropped flag or the indexes of any status.
    rewindTo(store, 5, 'DROP INDEX friend_requests_received; DROP INDEX friend_requests_sent; ALTER TABLE friend_requests DROP COLUMN dropped;');
    const requestId = 'ab'.repeat(12);
    store.db
      .prepare(`INSERT INTO friend_requests (app_id, request_id, from_user_id, to_user_id, message, status, created_at, decided_at) VALUES ('app', ?, 'a', 'b', 'hi', 'pending', 10, NULL)`)
      .run(requestId);
    const migrated = await reopened(store, 5);
    const scope = migrated.forApp('app');
    const stored = { requestId, fromUserId: 'a', toUserId: 'b', message: 'hi', status: 'pending', createdAt: 10, decidedAt: null, dropped: false } as const;
    expect(await scope.friends.getRequest(requestId)).toStrictEqual(stored);
    expect(await scope.friends.listPending('b', 'incoming', 10)).toStrictEqual([stored]);
    expect(await scope.friends.listRequests('b', 'incoming', 10)).toStrictEqual([stored]);
    await scope.friends.insertRequest({ ...stored, requestId: 'cd'.repeat(12), fromUserId: 'c', createdAt: 20, dropped: true });
    expect(await scope.friends.listRequests('b', 'incoming', 10)).toStrictEqual([stored]);
    expect((await scope.friends.listRequests('c', 'outgoing', 10)).map((request) => request.dropped)).toEqual([true]);
  });

  it('migrates a database of schema version 6 (before group administration): its groups and members read with the defaults', async () => {
    const store = await freshStore();
    // What version 6 left: groups and members without the columns of migration 7, rows written then.
    rewindTo(store, 6);
    store.db
      .prepare(`INSERT INTO chat_groups (app_id, group_id, name, avatar_uri, owner_id, member_count, join_count, version, created_at, updated_at) VALUES ('app', 'crew', 'Crew', 'https://x.io/crew.png', 'a', 2, 3, 4, 10, 20)`)
      .run();
    const insertMember = store.db.prepare(`INSERT INTO group_members (app_id, group_id, user_id, role, joined_at, join_index) VALUES ('app', 'crew', ?, ?, ?, ?)`);
    insertMember.run('a', GroupRole.OWNER, 10, 0);
    insertMember.run('c', GroupRole.ADMIN, 15, 2);
    const migrated = await reopened(store, 6);

    const scope = migrated.forApp('app');
    const crew = groupRecord('crew', { name: 'Crew', avatarUri: 'https://x.io/crew.png', memberCount: 2, joinCount: 3, version: 4, createdAt: 10, updatedAt: 20 });
    expect(crew).toMatchObject({ description: '', announcement: '', announcementBy: null, announcementAt: null, mutedAll: false, joinPolicy: GroupJoinPolicy.INVITE });
    expect(await scope.groups.get('crew')).toStrictEqual(crew);
    expect(await scope.groups.getMany(['crew'])).toStrictEqual(new Map([['crew', crew]]));
    const owner = memberRecord('a', 0, GroupRole.OWNER, { joinedAt: 10 });
    const admin = memberRecord('c', 2, GroupRole.ADMIN, { joinedAt: 15 });
    expect(owner).toMatchObject({ nickname: '', mutedUntil: null });
    expect(await scope.groups.listMembers('crew')).toStrictEqual([owner, admin]);
    expect(await scope.groups.getMembers('crew', ['c', 'a'])).toStrictEqual(new Map([['c', admin], ['a', owner]]));
    expect(await scope.groups.firstMember('crew', { role: GroupRole.ADMIN, excluding: [] })).toStrictEqual(admin);
    const exported = [];
    for await (const batch of migrated.transfer.read('groupMembers', { appId: 'app' })) exported.push(...batch);
    expect(exported).toStrictEqual([{ appId: 'app', groupId: 'crew', ...owner }, { appId: 'app', groupId: 'crew', ...admin }]);

    // The migrated rows take the new fields like any other.
    const announced = { ...crew, announcement: 'Hello', announcementBy: 'a', announcementAt: 50, mutedAll: true, joinPolicy: GroupJoinPolicy.FREE, version: 5, updatedAt: 50 };
    const nicknamed = { ...admin, nickname: 'Cee', mutedUntil: 1_000 };
    expect(await scope.groups.replace(announced, 4, { update: [nicknamed] })).toBe(true);
    expect(await scope.groups.get('crew')).toStrictEqual(announced);
    expect(await scope.groups.listMembers('crew')).toStrictEqual([owner, nicknamed]);
  });

  it('migrates a database of schema version 7 (before join requests): it takes join requests, one pending per group and user', async () => {
    const store = await freshStore();
    const { message } = await store.forApp('app').conversations.append(messageDraft({ clientMsgId: 'k' }));
    rewindTo(store, 7);
    const migrated = await reopened(store, 7);
    const scope = migrated.forApp('app');
    expect(await scope.conversations.findByClientMsgId('a', 'k')).toEqual(message);
    expect(await scope.joinRequests.listPending('crew', 10)).toEqual([]);
    const asked = { requestId: 'ab'.repeat(12), groupId: 'crew', userId: 'u', inviterId: null, message: 'hi', status: 'pending', createdAt: 1, decidedBy: null, decidedAt: null } as const;
    await scope.joinRequests.insert(asked);
    await expect(scope.joinRequests.insert({ ...asked, requestId: 'cd'.repeat(12) })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(asked);
    // The table's CHECK refuses a status the port does not know, written behind the store's back.
    expect(() =>
      migrated.db.prepare(`INSERT INTO join_requests (app_id, request_id, group_id, user_id, message, status, created_at) VALUES ('app', 'ef', 'crew', 'v', '', 'maybe', 1)`).run(),
    ).toThrow(/CHECK constraint failed/);
  });

  it('migrates a database of schema version 8 (before do not disturb and ended sessions): its sessions read with notifications on, not ended', async () => {
    const store = await freshStore();
    rewindTo(store, 8);
    store.db
      .prepare(`INSERT INTO sessions (app_id, user_id, conversation_id, sid, conversation_type, target_id, read_seq, created_at) VALUES ('app', 'u', 'g:crew', ?, 2, 'crew', 3, 10)`)
      .run('ab'.repeat(12));
    const scope = (await reopened(store, 8)).forApp('app');
    const before = { sid: 'ab'.repeat(12), userId: 'u', conversationId: 'g:crew', conversationType: 2, targetId: 'crew', readSeq: 3, doNotDisturb: false, createdAt: 10, ended: null };
    expect(await scope.sessions.get('u', 'g:crew')).toStrictEqual(before);
    expect(await scope.sessions.setDoNotDisturb('u', 'g:crew', true)).toStrictEqual({ ...before, doNotDisturb: true });
  });

  it('serves one process per data directory: a second store on it is refused, and may open once the first closed', async () => {
    const store = await freshStore();
    const refusal = openSqliteStore(store.dataDir);
    await expect(refusal).rejects.toBeInstanceOf(DataDirectoryInUseError);
    await expect(refusal).rejects.toThrow(new RegExp(`in use by another Parley process \\(pid ${process.pid}\\).*MONGODB_URL`));
    await store.close();
    const next = await openSqliteStore(store.dataDir);
    opened.push({ store: next, dir: store.dataDir });
    expect(await next.ping()).toBeUndefined();
  });

  it('says so when the data directory cannot be created', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
    try {
      writeFileSync(join(parent, 'a-file'), '');
      await expect(openSqliteStore(join(parent, 'a-file', 'data'))).rejects.toBeInstanceOf(DataDirectoryError);
      await expect(openSqliteStore(join(parent, 'a-file', 'data'))).rejects.toThrow(/cannot be created or written.*set DATA_DIR/);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('says so when the data directory exists but nothing can be written in it', async () => {
    // Permission bits do not bind root, so as root a directory of sysfs (which takes no new files)
    // stands in for a read-only one.
    const asRoot = process.getuid?.() === 0;
    const parent = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
    const directory = asRoot ? '/sys/kernel' : join(parent, 'read-only');
    if (!asRoot) {
      mkdirSync(directory);
      chmodSync(directory, 0o555);
    }
    try {
      if (asRoot && !existsSync(directory)) return;
      await expect(openSqliteStore(directory)).rejects.toThrow(new RegExp(`the data directory ${directory} cannot be created or written \\(.+\\); set DATA_DIR to a writable directory`));
    } finally {
      if (!asRoot) chmodSync(directory, 0o755);
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('purges a large app in batches, leaving other apps whole', async () => {
    const store = await freshStore();
    const big = store.forApp('big');
    for (let i = 0; i < 2500; i++) await big.conversations.append(messageDraft({ conversationId: `p:a:${i % 3}` }));
    await store.forApp('other').conversations.append(messageDraft());
    await big.purge();
    expect(await big.conversations.listMessages('p:a:0', { limit: 10 })).toEqual([]);
    expect(await store.forApp('other').conversations.listMessages('p:a:b', { limit: 10 })).toHaveLength(1);
  });

  it('folds the write-ahead log back into the database off the event loop, so the log stays bounded while writes go on', async () => {
    const store = await freshStore();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const scope = store.forApp('app');
    const databaseBytes = () => statSync(store.file).size;
    const before = databaseBytes();
    const logFrames = () => (store.db.pragma('wal_checkpoint(NOOP)') as { log: number }[])[0]!.log;
    let written = 0;
    // Writes keep coming (turns of the event loop between them, as in a server) until the
    // checkpoints have moved pages into the database file and started the log again.
    await expect
      .poll(
        async () => {
          for (let i = 0; i < 200; i++) await scope.conversations.append(messageDraft({ conversationId: `p:a:${written++ % 50}` }));
          return databaseBytes() > before && logFrames() < written;
        },
        { timeout: 20_000, interval: 1 },
      )
      .toBe(true);
    expect((await scope.conversations.listAfter('p:a:0', 0, 1000)).length).toBe(Math.ceil(written / 50));
  }, 30_000);

  it('reports a full disk as unavailable (retryable), rolls the write back whole, and keeps reading', async () => {
    const store = await freshStore();
    const scope = store.forApp('app');
    await scope.conversations.append(messageDraft());
    // A database that may not grow: what a full disk looks like to SQLite.
    store.db.pragma(`max_page_count = ${Number(store.db.pragma('page_count', { simple: true }))}`);
    const big = { content: 'x'.repeat(64 * 1024) };
    await expect(scope.conversations.append(messageDraft({ content: big }))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await scope.conversations.get('p:a:b'))?.lastSeq).toBe(1);
    expect(await scope.conversations.listAfter('p:a:b', 0, 10)).toHaveLength(1);
    store.db.pragma('max_page_count = 1073741823');
    expect((await scope.conversations.append(messageDraft({ content: big }))).message.seq).toBe(2);
  });

  it('answers the hot queries from an index, never a scan of a table', async () => {
    const store = await freshStore();
    const plans: string[] = [];
    const original = store.db.prepare.bind(store.db);
    // Every statement the repositories prepare is explained, with placeholder parameters.
    store.db.prepare = ((source: string) => {
      if (/^\s*(SELECT|UPDATE|DELETE)/i.test(source) && (!/count\(\*\)/i.test(source) || /app_id = @appId/.test(source))) {
        const rows = original(`EXPLAIN QUERY PLAN ${source}`).all(placeholders(source)) as { detail: string }[];
        plans.push(...rows.map((row) => `${row.detail}  <-  ${source.replace(/\s+/g, ' ').slice(0, 90)}`));
      }
      return original(source);
    }) as typeof store.db.prepare;
    const scope = store.forApp('app');
    await scope.conversations.append(messageDraft({ clientMsgId: 'k' }));
    await scope.conversations.listMessages('p:a:b', { limit: 20, beforeSeq: 5 });
    await scope.conversations.listAfter('p:a:b', 0, 20);
    await scope.conversations.getMany(['p:a:b']);
    await scope.conversations.recall((await scope.conversations.listAfter('p:a:b', 0, 1))[0]!.msgId, { by: 'a', at: 2 }, 'r');
    await scope.sessions.ensure({ sid: 's', userId: 'a', conversationId: 'p:a:b', conversationType: ConversationType.PRIVATE, targetId: 'b', initialReadSeq: 0, createdAt: 1 });
    await scope.sessions.listForUser('a');
    await scope.sessions.usersWithSessionIn(['p:a:b'], ['a', 'b']);
    await scope.sessions.advanceRead('a', 'p:a:b', 1);
    await scope.sessions.readSeqs('p:a:b', ['a', 'b']);
    // The console's message search and daily counts.
    await scope.conversations.scanMessages({}, 20);
    await scope.conversations.scanMessages({ before: { timestamp: 5, msgId: 'f' } }, 20);
    await scope.conversations.scanMessages({ conversationId: 'p:a:b', from: 1, to: 2 }, 20);
    await scope.conversations.scanMessages({ from: 1, to: 2 }, 20);
    await scope.conversations.countMessages(1, 2);
    await scope.groups.insert(groupRecord('g'), [memberRecord('a', 0, GroupRole.OWNER)]);
    await scope.groups.getMembers('g', ['a']);
    await scope.groups.listMembers('g', { offset: 0, limit: 50 });
    await scope.groups.groupIdsOf('a');
    // A member's new role, nickname or mute: one row by the primary key.
    await scope.groups.replace(groupRecord('g', { version: 2 }), 1, { update: [memberRecord('a', 0, GroupRole.OWNER, { nickname: 'Ann', mutedUntil: 5 })] });
    await scope.tokens.insert({ tokenHash: 'h', userId: 'a', createdAt: 1, expiresAt: 100, revokedAt: null }, 1);
    await scope.tokens.revokeAllForUser('a', 2);
    const fileId = 'cd'.repeat(16);
    await scope.files.insert({ fileId, uploaderUserId: 'a', name: 'a.png', mimeType: 'image/png', category: FileCategory.IMAGE, size: 10, width: 1, height: 1, duration: null, thumb: { size: 1, width: 1, height: 1 }, createdAt: 1 });
    await scope.files.get(fileId);
    await scope.files.getMany([fileId, 'ef'.repeat(16)]);
    await scope.files.usage();
    await scope.files.delete(fileId);
    // Block lists: the check on a send, a page of the list, the count, block and unblock.
    await scope.blocks.add('a', ['b', 'c'], 1);
    await scope.blocks.blocks('b', 'a');
    await scope.blocks.list('a', 100);
    await scope.blocks.count('a');
    await scope.blocks.remove('a', ['c']);
    // Friends: requests (pending between two users, pending to and from one, answered once), the
    // friendship check, a page of the list, the count, remarks, and friend groups.
    const requestId = 'ab'.repeat(12);
    await scope.friends.insertRequest({ requestId, fromUserId: 'a', toUserId: 'b', message: '', status: 'pending', createdAt: 1, decidedAt: null, dropped: false });
    await scope.friends.getRequest(requestId);
    await scope.friends.pendingBetween('a', 'b');
    await scope.friends.listPending('b', 'incoming', 50);
    await scope.friends.listPending('a', 'outgoing', 50);
    await scope.friends.listRequests('b', 'incoming', 50);
    await scope.friends.listRequests('a', 'outgoing', 50);
    await scope.friends.decideRequest(requestId, 'accepted', 2);
    await scope.friends.befriend('a', 'b', 2);
    await scope.friends.getFriend('a', 'b');
    await scope.friends.listFriends('a', 100);
    await scope.friends.countFriends('a');
    await scope.friends.insertFriendGroup({ userId: 'a', friendGroupId: 'cd'.repeat(12), name: 'g', order: 0, createdAt: 1 });
    await scope.friends.listFriendGroups('a');
    await scope.friends.updateFriendGroup('a', 'cd'.repeat(12), { name: 'h' });
    await scope.friends.updateFriend('a', 'b', { remark: 'Bee', friendGroupId: 'cd'.repeat(12) });
    await scope.friends.deleteFriendGroup('a', 'cd'.repeat(12));
    await scope.friends.unfriend('a', 'b');
    // Join requests: by id, a user's pending one, a group's pending ones in order, the decision
    // (by the primary key), and a dismissed group's removal.
    const joinRequestId = 'ef'.repeat(12);
    await scope.joinRequests.insert({ requestId: joinRequestId, groupId: 'g', userId: 'b', inviterId: 'a', message: '', status: 'pending', createdAt: 1, decidedBy: null, decidedAt: null });
    await scope.joinRequests.get(joinRequestId);
    await scope.joinRequests.pendingOf('g', 'b');
    await scope.joinRequests.listPending('g', 50);
    await scope.joinRequests.decide(joinRequestId, { status: 'approved', decidedBy: 'a', decidedAt: 2 });
    await scope.joinRequests.deleteForGroup('g');
    // get, getMany, usage (the app's range of the key) and delete.
    expect(plans.filter((plan) => plan.startsWith('SEARCH files USING PRIMARY KEY (app_id=? AND file_id=?)'))).toHaveLength(3);
    expect(plans.filter((plan) => plan.startsWith('SEARCH files USING PRIMARY KEY (app_id=?)  <-  SELECT count(*)'))).toHaveLength(1);
    // blocks, remove: one pair by the primary key; list: the user's range of blocks_order, in its order.
    expect(plans.filter((plan) => plan.startsWith('SEARCH blocks USING PRIMARY KEY (app_id=? AND user_id=? AND blocked_user_id=?)'))).toHaveLength(2);
    expect(plans.filter((plan) => /^SEARCH blocks USING (COVERING )?INDEX blocks_order \(app_id=\? AND user_id=\?\)  <-  SELECT \* FROM blocks/.test(plan))).toHaveLength(1);
    // Friend requests: pendingBetween, listPending and listRequests each by their index, in its order.
    for (const index of ['friend_requests_between', 'friend_requests_incoming', 'friend_requests_outgoing', 'friend_requests_received', 'friend_requests_sent']) {
      expect(plans.filter((plan) => new RegExp(`^SEARCH friend_requests USING (COVERING )?INDEX ${index} `).test(plan)), index).toHaveLength(1);
    }
    // getFriend, updateFriend and unfriend's two deletes: one side by the primary key; listFriends: friends_order.
    expect(plans.filter((plan) => plan.startsWith('SEARCH friends USING PRIMARY KEY (app_id=? AND user_id=? AND friend_id=?)')).length).toBeGreaterThanOrEqual(3);
    expect(plans.filter((plan) => /^SEARCH friends USING (COVERING )?INDEX friends_order \(app_id=\? AND user_id=\?\)  <-  SELECT \* FROM friends/.test(plan))).toHaveLength(1);
    // listFriendGroups: friend_groups_order, in its order; updateFriendGroup, deleteFriendGroup: the primary key.
    expect(plans.filter((plan) => /^SEARCH friend_groups USING (COVERING )?INDEX friend_groups_order \(app_id=\? AND user_id=\?\)/.test(plan))).toHaveLength(1);
    expect(plans.filter((plan) => plan.startsWith('SEARCH friend_groups USING PRIMARY KEY (app_id=? AND user_id=? AND friend_group_id=?)'))).toHaveLength(2);
    // Join requests: get and decide by the primary key; pendingOf by the partial index of pending
    // ones; listPending by join_requests_order, in its order; deleteForGroup the group's range of it.
    expect(plans.filter((plan) => plan.startsWith('SEARCH join_requests USING PRIMARY KEY (app_id=? AND request_id=?)'))).toHaveLength(2);
    expect(plans.filter((plan) => /^SEARCH join_requests USING INDEX join_requests_pending \(app_id=\? AND group_id=\? AND user_id=\?\)/.test(plan))).toHaveLength(1);
    expect(
      plans.filter((plan) => /^SEARCH join_requests USING (COVERING )?INDEX join_requests_order \(app_id=\? AND group_id=\? AND status=\?\)  <-  SELECT \* FROM join_requests/.test(plan)),
    ).toHaveLength(1);
    expect(plans.filter((plan) => /^SEARCH join_requests USING (COVERING )?INDEX join_requests_order \(app_id=\? AND group_id=\?\)  <-  DELETE/.test(plan))).toHaveLength(1);
    for (const index of ['messages_time', 'messages_conversation_time']) {
      expect(plans.some((plan) => plan.includes(`USING INDEX ${index} `) || plan.includes(`USING COVERING INDEX ${index} `))).toBe(true);
    }
    expect(plans.filter((plan) => plan.includes('USE TEMP B-TREE FOR ORDER BY'))).toEqual([]);
    expect(plans.length).toBeGreaterThan(10);
    expect(plans.filter((plan) => /^SCAN (?!json_each)/.test(plan))).toEqual([]);
  });
});

/** A null for every named parameter of `source`: enough for the planner. */
function placeholders(source: string): Record<string, null> {
  return Object.fromEntries([...source.matchAll(/@(\w+)/g)].map((match) => [match[1]!, null]));
}
