import { ConversationType, FileCategory, GroupJoinPolicy, GroupRole, MessageType } from '@parley/sdk/protocol';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { domainSettings } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { newObjectId } from '../src/domain/ids.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { openMongoStore } from '../src/store/mongo/mongo-store.js';
import type { Store } from '../src/store/ports.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { TRANSFER_COLLECTIONS } from '../src/store/transfer.js';
import { exportStore, importStore, TransferError } from '../src/transfer/ndjson.js';
import { serviceUrl } from './support/services.js';
import { groupRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/**
 * `npm run export` / `npm run import` at the level of their files: a deployment moved from the
 * embedded store to MongoDB and back (to the memory store when MONGODB_URL is not set) reads the
 * same through the ports, and exports to the same lines, as where it started.
 */

const mongoUrl = serviceUrl('MONGODB_URL');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-transfer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sqlite(): Promise<Store> {
  const store = await openSqliteStore(scratch());
  cleanups.push(() => store.close());
  return store;
}

async function middle(): Promise<Store> {
  if (!mongoUrl) return new MemoryStore();
  const dbName = `parley_transfer_${randomBytes(4).toString('hex')}`;
  const store = await openMongoStore(mongoUrl, { dbName });
  cleanups.push(async () => {
    await store.close();
    const { MongoClient } = await import('mongodb');
    const admin = new MongoClient(mongoUrl);
    await admin.db(dbName).dropDatabase();
    await admin.close();
  });
  return store;
}

/** An app as a few days of use leave it: users, tokens, a group that changed, chats, a recall, read marks. */
async function fill(store: Store, appId: string, tenantId: string): Promise<{ recalledId: string }> {
  await store.tenants.insert({ tenantId, email: `${tenantId}@example.com`, passwordHash: 'scrypt$hash', createdAt: 1 });
  await store.consoleTokens.insert({ tokenHash: `console-${tenantId}`, tenantId, createdAt: 1, expiresAt: Date.now() + 3_600_000 });
  const settings = { ...domainSettings(loadConfig({})).defaultAppSettings, recallWindowSeconds: 30 };
  await store.apps.insert({ appId, tenantId, appName: 'Moving app', description: 'd', secret: 'secret', previousSecret: 'old', previousSecretValidUntil: 99, settings, createdAt: 2, updatedAt: 3 });
  const scope = store.forApp(appId);
  for (const userId of ['ann', 'ben', 'cat', 'dan']) {
    await scope.users.upsert({ userId, name: `${userId} name`, avatarUri: `https://a/${userId}.png` }, 5);
    await scope.tokens.insert({ tokenHash: `token-${userId}`, userId, createdAt: 5, expiresAt: Date.now() + 3_600_000, revokedAt: null }, 5);
  }
  await scope.tokens.revokeAllForUser('dan', 6);
  await scope.files.insert({ fileId: 'a1'.repeat(16), uploaderUserId: 'ann', name: 'dog.webp', mimeType: 'image/webp', category: FileCategory.IMAGE, size: 2048, width: 800, height: 600, duration: null, thumb: { size: 512, width: 400, height: 300 }, createdAt: 7 });
  await scope.files.insert({ fileId: '0b'.repeat(16), uploaderUserId: null, name: 'clip.mp4', mimeType: 'video/mp4', category: FileCategory.VIDEO, size: 100_000, width: 1280, height: 720, duration: 31.5, thumb: null, createdAt: 8 });
  const members = ['ann', 'ben', 'cat'].map((userId, joinIndex) => memberRecord(userId, joinIndex, joinIndex === 0 ? GroupRole.OWNER : GroupRole.MEMBER, { joinedAt: 10 + joinIndex }));
  await scope.groups.insert(groupRecord('crew', { name: 'Crew', ownerId: 'ann', description: 'Our crew', memberCount: 3, joinCount: 3, createdAt: 10, updatedAt: 10 }), members);
  const group = (await scope.groups.get('crew'))!;
  // ben leaves, dan joins; cat becomes admin with a nickname and is muted; ann posts an announcement.
  const cat = (await scope.groups.getMembers('crew', ['cat'])).get('cat')!;
  await scope.groups.replace(
    { ...group, announcement: 'Dinner at 8 🍝', announcementBy: 'ann', announcementAt: 20, mutedAll: true, joinPolicy: GroupJoinPolicy.FREE, memberCount: 3, joinCount: 4, version: 2, updatedAt: 20 },
    1,
    {
      remove: ['ben'],
      add: [memberRecord('dan', 3, GroupRole.MEMBER, { joinedAt: 20, nickname: 'Danny' })],
      update: [{ ...cat, role: GroupRole.ADMIN, nickname: 'Cat «admin»', mutedUntil: 4_102_444_800_000 }],
    },
  );
  // eve asks to join (pending); fay, invited by ann, was approved by cat.
  await scope.joinRequests.insert({ requestId: 'e1'.repeat(12), groupId: 'crew', userId: 'eve', inviterId: null, message: 'Hi «crew» 👋', status: 'pending', createdAt: 21, decidedBy: null, decidedAt: null });
  await scope.joinRequests.insert({ requestId: 'f2'.repeat(12), groupId: 'crew', userId: 'fay', inviterId: 'ann', message: '', status: 'pending', createdAt: 22, decidedBy: null, decidedAt: null });
  await scope.joinRequests.decide('f2'.repeat(12), { status: 'approved', decidedBy: 'cat', decidedAt: 23 });
  let recalledId = '';
  for (let i = 0; i < 7; i++) {
    const { message } = await scope.conversations.append(
      messageDraft({ conversationId: 'p:ann:ben', senderUserId: i % 2 ? 'ben' : 'ann', targetId: i % 2 ? 'ann' : 'ben', content: { content: `private ${i}` }, preview: `private ${i}`, clientMsgId: `c${i}`, timestamp: 100 + i }),
    );
    if (i === 6) recalledId = message.msgId;
  }
  for (let i = 0; i < 5; i++) {
    await scope.conversations.append(
      messageDraft({
        conversationId: 'g:crew',
        conversationType: ConversationType.GROUP,
        targetId: 'crew',
        messageType: i === 2 ? MessageType.LOCATION : MessageType.TEXT,
        content: i === 2 ? { latitude: 1.5, longitude: 2.25, address: 'Quay 1' } : { content: `group ${i}`, extra: { n: i } },
        preview: `group ${i}`,
        timestamp: 200 + i,
      }),
    );
  }
  await scope.conversations.recall(recalledId, { by: 'ben', at: 150 }, '[Recalled]');
  for (const [userId, conversationId, targetId, readSeq] of [
    ['ann', 'p:ann:ben', 'ben', 7],
    ['ben', 'p:ann:ben', 'ann', 3],
    ['ann', 'g:crew', 'crew', 5],
    ['cat', 'g:crew', 'crew', 2],
  ] as const) {
    const type = conversationId.startsWith('g:') ? ConversationType.GROUP : ConversationType.PRIVATE;
    await scope.sessions.ensure({ sid: newObjectId(), userId, conversationId, conversationType: type, targetId, initialReadSeq: 0, createdAt: 1 });
    await scope.sessions.advanceRead(userId, conversationId, readSeq);
  }
  return { recalledId };
}

/** Every line of an export, by file (line order is the store's key order, which may differ by store). */
function linesOf(directory: string): Record<string, string[]> {
  return Object.fromEntries(
    TRANSFER_COLLECTIONS.map((collection) => [collection, readFileSync(join(directory, `${collection}.ndjson`), 'utf8').split('\n').filter(Boolean).sort()]),
  );
}

describe(`export and import (embedded store -> ${mongoUrl ? 'MongoDB' : 'memory (MONGODB_URL not set)'} -> embedded store)`, () => {
  it('moves a whole deployment there and back, reading and exporting the same', async () => {
    const source = await sqlite();
    const { recalledId } = await fill(source, 'app1', 't1');
    await fill(source, 'app2', 't2');
    const first = join(scratch(), 'first');
    const manifest = await exportStore(source, first, {});
    expect(manifest).toMatchObject({ format: 'parley-export', version: 1, store: 'sqlite', scope: {}, counts: { apps: 2, messages: 24, groupMembers: 6, files: 4, joinRequests: 4 } });

    const there = await middle();
    await importStore(there, first);
    const second = join(scratch(), 'second');
    await exportStore(there, second, {});
    const back = await sqlite();
    await importStore(back, second);
    const third = join(scratch(), 'third');
    await exportStore(back, third, {});
    expect(linesOf(second)).toEqual(linesOf(first));
    expect(linesOf(third)).toEqual(linesOf(first));

    // Through the ports, as the domain reads it.
    for (const store of [there, back]) {
      const scope = store.forApp('app1');
      expect(await store.apps.get('app1')).toEqual(await source.apps.get('app1'));
      expect(await store.tenants.getByEmail('t1@example.com')).toEqual(await source.tenants.getByEmail('t1@example.com'));
      expect(await scope.conversations.listMessages('p:ann:ben', { limit: 100 })).toEqual(await source.forApp('app1').conversations.listMessages('p:ann:ben', { limit: 100 }));
      expect(await scope.conversations.getMessage(recalledId)).toMatchObject({ content: {}, recall: { by: 'ben', at: 150 } });
      expect(await scope.conversations.get('p:ann:ben')).toMatchObject({ lastSeq: 7, lastMessage: { msgId: recalledId, preview: '[Recalled]' } });
      expect((await scope.groups.listMembers('crew')).map((member) => [member.userId, member.role, member.nickname, member.mutedUntil])).toEqual([
        ['ann', GroupRole.OWNER, '', null],
        ['cat', GroupRole.ADMIN, 'Cat «admin»', 4_102_444_800_000],
        ['dan', GroupRole.MEMBER, 'Danny', null],
      ]);
      expect(await scope.groups.listMembers('crew')).toStrictEqual(await source.forApp('app1').groups.listMembers('crew'));
      expect(await scope.groups.get('crew')).toStrictEqual(await source.forApp('app1').groups.get('crew'));
      expect(await scope.groups.get('crew')).toMatchObject({
        description: 'Our crew',
        announcement: 'Dinner at 8 🍝',
        announcementBy: 'ann',
        announcementAt: 20,
        mutedAll: true,
        joinPolicy: GroupJoinPolicy.FREE,
      });
      expect((await scope.sessions.get('ben', 'p:ann:ben'))?.readSeq).toBe(3);
      expect(await scope.tokens.findByHash('token-dan')).toMatchObject({ revokedAt: 6 });
      expect(await scope.files.getMany(['a1'.repeat(16), '0b'.repeat(16)])).toEqual(await source.forApp('app1').files.getMany(['a1'.repeat(16), '0b'.repeat(16)]));
      expect(await scope.files.usage()).toEqual({ files: 2, bytes: 2048 + 512 + 100_000 });
      expect(await scope.joinRequests.listPending('crew', 10)).toStrictEqual(await source.forApp('app1').joinRequests.listPending('crew', 10));
      expect(await scope.joinRequests.get('f2'.repeat(12))).toMatchObject({ userId: 'fay', inviterId: 'ann', status: 'approved', decidedBy: 'cat', decidedAt: 23 });
      expect(await scope.joinRequests.pendingOf('crew', 'eve')).toMatchObject({ requestId: 'e1'.repeat(12), message: 'Hi «crew» 👋' });
      // It goes on where it stopped: the next message is seq 8, a resend is recognised.
      expect((await scope.conversations.append(messageDraft({ conversationId: 'p:ann:ben', clientMsgId: 'c0', senderUserId: 'ann' }))).created).toBe(false);
      expect((await scope.conversations.append(messageDraft({ conversationId: 'p:ann:ben', timestamp: 300 }))).message.seq).toBe(8);
      const group = (await scope.groups.get('crew'))!;
      expect(await scope.groups.replace({ ...group, name: 'Renamed', version: group.version + 1 }, group.version)).toBe(true);
    }
  });

  it('exports one app with its console account and nothing of the others, and imports it beside them', async () => {
    const source = await sqlite();
    await fill(source, 'app1', 't1');
    await fill(source, 'app2', 't2');
    const out = join(scratch(), 'one');
    const manifest = await exportStore(source, out, { appId: 'app2' });
    expect(manifest.counts).toMatchObject({ tenants: 1, consoleTokens: 0, apps: 1, users: 4, messages: 12, files: 2 });
    expect(readFileSync(join(out, 'apps.ndjson'), 'utf8')).not.toContain('app1');

    const destination = await middle();
    await fill(destination, 'app9', 't9');
    await importStore(destination, out);
    expect((await destination.forApp('app2').conversations.get('g:crew'))?.lastSeq).toBe(5);
    expect((await destination.tenants.getByEmail('t2@example.com'))?.tenantId).toBe('t2');
    expect((await destination.forApp('app9').conversations.get('g:crew'))?.lastSeq).toBe(5);
    // Run again, it changes nothing.
    await importStore(destination, out);
    expect(await destination.forApp('app2').users.count()).toBe(4);
    expect(await destination.forApp('app2').files.usage()).toEqual({ files: 2, bytes: 2048 + 512 + 100_000 });
    expect((await destination.forApp('app2').conversations.listAfter('p:ann:ben', 0, 100)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a damaged export before writing anything, naming the file and line', async () => {
    const source = await sqlite();
    await fill(source, 'app1', 't1');
    const out = join(scratch(), 'damaged');
    await exportStore(source, out, {});
    const sessions = join(out, 'sessions.ndjson');
    const good = readFileSync(sessions, 'utf8');

    writeFileSync(sessions, good.replace('"readSeq":3', '"readSeq":"three"'));
    const destination = await sqlite();
    await expect(importStore(destination, out)).rejects.toThrow(new RegExp(`sessions\\.ndjson:\\d+: .*readSeq`));
    expect(await destination.apps.get('app1')).toBeNull();

    writeFileSync(sessions, good.split('\n').slice(0, 2).join('\n'));
    await expect(importStore(destination, out)).rejects.toThrow(/sessions\.ndjson has 2 records, the manifest says 4: the export is incomplete/);
    writeFileSync(sessions, good);
    const files = join(out, 'files.ndjson');
    const goodFiles = readFileSync(files, 'utf8');
    writeFileSync(files, goodFiles.replace('"name":"dog.webp"', '"name":"dog.webp","path":"/etc/passwd"'));
    await expect(importStore(destination, out)).rejects.toThrow(/files\.ndjson:\d+: .*path/);
    writeFileSync(files, goodFiles.replace('a1'.repeat(16), 'A1'.repeat(16)));
    await expect(importStore(destination, out)).rejects.toThrow(/files\.ndjson:\d+: .*fileId/);
    writeFileSync(files, goodFiles);
    appendFileSync(join(out, 'users.ndjson'), '{not json\n');
    await expect(importStore(destination, out)).rejects.toBeInstanceOf(TransferError);
    rmSync(join(out, 'manifest.json'));
    await expect(importStore(destination, out)).rejects.toThrow(/manifest\.json is missing: not an export, or one that did not finish/);
    expect(await destination.tenants.getByEmail('t1@example.com')).toBeNull();
    await expect(exportStore(source, out, {})).rejects.toThrow(/is not empty/);
    await expect(exportStore(source, join(scratch(), 'none'), { appId: 'no-such-app' })).rejects.toThrow('there is no app no-such-app in this store');
  });

  /** An export of a filled SQLite store without `collection`'s file, as a version before that collection wrote it. */
  async function olderExport(collection: string) {
    const source = await sqlite();
    await fill(source, 'app1', 't1');
    const old = join(scratch(), 'old');
    await exportStore(source, old, {});
    const manifestFile = join(old, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    rmSync(join(old, `${collection}.ndjson`));
    return { old, manifestFile, manifest };
  }

  it('imports an export made before join requests existed (no joinRequests.ndjson, no count)', async () => {
    const { old, manifestFile, manifest } = await olderExport('joinRequests');
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, counts: { ...manifest.counts, joinRequests: undefined } }));

    const destination = await sqlite();
    const imported = await importStore(destination, old);
    expect(imported.counts.joinRequests).toBe(0);
    const scope = destination.forApp('app1');
    expect(await scope.users.count()).toBe(4);
    expect(await scope.joinRequests.listPending('crew', 10)).toEqual([]);
    expect(await scope.joinRequests.get('f2'.repeat(12))).toBeNull();
    expect((await scope.groups.listMembers('crew')).map((member) => member.userId)).toEqual(['ann', 'cat', 'dan']);

    writeFileSync(manifestFile, JSON.stringify(manifest));
    await expect(importStore(await sqlite(), old)).rejects.toThrow(/joinRequests\.ndjson is missing/);
  });

  it('imports an export made before file records existed (no files.ndjson, no count, no file settings), and refuses one that lost a files.ndjson it counted', async () => {
    const { old, manifestFile, manifest } = await olderExport('files');
    const appsFile = join(old, 'apps.ndjson');
    const fileSettings = ['maxUploadBytes', 'uploadCategories', 'privateFiles', 'fileUrlTtlSeconds', 'userUploadsPerMinute', 'maxStorageBytes'];
    const olderApps = readFileSync(appsFile, 'utf8').trim().split('\n').map((line) => {
      const app = JSON.parse(line);
      for (const name of fileSettings) delete app.settings[name];
      return JSON.stringify(app);
    });
    writeFileSync(appsFile, `${olderApps.join('\n')}\n`);
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, counts: { ...manifest.counts, files: undefined } }));

    const destination = await sqlite();
    const imported = await importStore(destination, old);
    expect(imported.counts.files).toBe(0);
    expect(await destination.forApp('app1').users.count()).toBe(4);
    expect(await destination.forApp('app1').files.usage()).toEqual({ files: 0, bytes: 0 });
    expect((await destination.apps.get('app1'))?.settings).toMatchObject({ maxUploadBytes: 20 * 1024 * 1024, privateFiles: false, userUploadsPerMinute: 30 });

    writeFileSync(manifestFile, JSON.stringify(manifest));
    await expect(importStore(await sqlite(), old)).rejects.toThrow(/files\.ndjson is missing/);
  });
});
