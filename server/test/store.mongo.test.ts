import { ConversationType, FileCategory, GroupRole, MessageType } from '@parley/sdk/protocol';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../src/domain/ids.js';
import type { AppScope, MessageDraft } from '../src/store/ports.js';
import type { GroupRecord, MemberRecord } from '../src/store/records.js';
import { COLLECTION_NAMES, collectionsOf, type Collections } from '../src/store/mongo/collections.js';
import { clientKeyOf, contentJsonOf, type MessageDoc } from '../src/store/mongo/documents.js';
import { INDEXES } from '../src/store/mongo/indexes.js';
import { openMongoStore, type MongoStore } from '../src/store/mongo/mongo-store.js';
import { storeContract } from './store.contract.js';
import { fill, load, readEverything, transferContract } from './store.transfer.contract.js';
import { isFerretDb, serviceUrl } from './support/services.js';
import { groupRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/**
 * The MongoDB adapter against a real server: `MONGODB_URL` (CI and `npm run services` start
 * FerretDB v1 and set it). Every test gets its own database, dropped afterwards.
 */
const url = serviceUrl('MONGODB_URL');
const SKIP_REASON = 'skipped: MONGODB_URL is not set (run `npm run services` and export the MONGODB_URL it prints)';
/** FerretDB lets several writers win one compare-and-set (docs/guides/services.md). */
const atomicUpdates = url ? !(await isFerretDb(url)) : false;

/** Stores opened by the current test, with their database names, dropped and closed after it. */
const opened: { store: MongoStore; dbName: string }[] = [];
let admin: MongoClient | undefined;

async function freshStore(): Promise<MongoStore> {
  const dbName = `parley_test_${randomBytes(6).toString('hex')}`;
  const store = await openMongoStore(url!, { dbName });
  opened.push({ store, dbName });
  return store;
}

/** A second store on the same database as `first`: another server process. */
async function sameDatabase(first: MongoStore): Promise<MongoStore> {
  const entry = opened.find((o) => o.store === first)!;
  const store = await openMongoStore(url!, { dbName: entry.dbName });
  opened.push({ store, dbName: entry.dbName });
  return store;
}

/** Raw typed collections of a store's database, to arrange states only a crash can make. */
function rawCollections(store: MongoStore): Collections {
  const entry = opened.find((o) => o.store === store)!;
  return collectionsOf(admin!.db(entry.dbName));
}

const draft = messageDraft;

/** A message document as `append` writes it, for inserting behind the store's back. */
const messageDoc = (appId: string, seq: number, overrides: Partial<MessageDraft> = {}): MessageDoc => {
  const { preview, content, ...fields } = draft({ timestamp: 1000 + seq, preview: `m${seq}`, ...overrides });
  return { appId, ...fields, contentJson: contentJsonOf(content), seq, recall: null, preview, clientKey: clientKeyOf(fields) };
};

describe.skipIf(!url)(`MongoDB store (MONGODB_URL)${url ? '' : ` — ${SKIP_REASON}`}`, () => {
  beforeAll(async () => {
    admin = await new MongoClient(url!).connect();
  });
  afterEach(async () => {
    for (const { store, dbName } of opened.splice(0)) {
      await store.close();
      await admin!.db(dbName).dropDatabase().catch(() => undefined);
    }
  });
  afterAll(async () => {
    await admin?.close();
  });

  storeContract('mongo', freshStore);
  transferContract('mongo', freshStore);

  describe('seq allocation across processes, crashes and deletes', () => {
    it('two processes appending to one conversation get one gapless sequence', async () => {
      const one = await freshStore();
      const two = await sameDatabase(one);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? one : two).forApp('app').conversations.append(draft({ timestamp: 1000 + i }))),
      );
      expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect((await one.forApp('app').conversations.get('p:a:b'))?.lastSeq).toBe(30);
      expect((await two.forApp('app').conversations.listAfter('p:a:b', 0, 100)).map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('a crash after storing a message and before updating its conversation leaves no hole, and readers see the message', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      for (let i = 0; i < 2; i++) await scope.conversations.append(draft());
      // "Crash": message 3 is stored, the conversation summary still says 2.
      const orphan = messageDoc('app', 3);
      await rawCollections(store).messages.insertOne({ ...orphan });
      expect((await rawCollections(store).conversations.findOne({ appId: 'app', conversationId: 'p:a:b' }))?.lastSeq).toBe(2);

      // A client that saw seq 2 syncs and gets 3: nothing to wait for.
      expect((await scope.conversations.listAfter('p:a:b', 2, 10)).map((m) => m.msgId)).toEqual([orphan.msgId]);
      // The session list and the read mark see the message (unread = lastSeq - readSeq stays exact).
      const many = await scope.conversations.getMany(['p:a:b']);
      expect(many.get('p:a:b')).toMatchObject({ lastSeq: 3, updatedAt: 1003, lastMessage: { msgId: orphan.msgId, seq: 3, preview: 'm3' } });
      // The next send continues after it.
      expect((await scope.conversations.append(draft())).message.seq).toBe(4);
      expect((await scope.conversations.listAfter('p:a:b', 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
      expect((await scope.conversations.get('p:a:b'))?.lastSeq).toBe(4);
    });

    it('the session list repairs a lagging summary however many conversations it reads', async () => {
      const store = await freshStore();
      const raw = rawCollections(store);
      const ids = Array.from({ length: 450 }, (_, i) => `p:a:u${i}`);
      const messages = ids.map((conversationId) => messageDoc('app', 1, { conversationId }));
      await raw.messages.insertMany(messages.map((doc) => ({ ...doc })));
      // Every summary is up to date except the last one (its append "crashed" before raising it).
      await raw.conversations.insertMany(
        messages.slice(0, -1).map((doc) => ({
          appId: 'app',
          conversationId: doc.conversationId,
          conversationType: ConversationType.PRIVATE,
          lastSeq: 1,
          lastMessage: { msgId: doc.msgId, seq: 1, senderUserId: 'a', messageType: MessageType.TEXT, preview: 'm1', timestamp: 1001 },
          createdAt: 1001,
          updatedAt: 1001,
        })),
      );
      const many = await store.forApp('app').conversations.getMany(ids);
      expect(many.size).toBe(450);
      expect([...many.values()].every((conversation) => conversation.lastSeq === 1)).toBe(true);
      expect(many.get(ids[449]!)?.lastMessage?.msgId).toBe(messages[449]!.msgId);
    });

    it('a crash before a conversation\'s first summary: get creates it from the message', async () => {
      const store = await freshStore();
      const orphan = messageDoc('app', 1);
      await rawCollections(store).messages.insertOne({ ...orphan });
      expect(await store.forApp('app').conversations.get('p:a:b')).toEqual({
        conversationId: 'p:a:b',
        conversationType: ConversationType.PRIVATE,
        lastSeq: 1,
        lastMessage: { msgId: orphan.msgId, seq: 1, senderUserId: 'a', messageType: MessageType.TEXT, preview: 'm1', timestamp: 1001 },
        createdAt: 1001,
        updatedAt: 1001,
      });
    });

    it('the resend of a message whose first attempt crashed returns it and repairs the summary', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.conversations.append(draft());
      const orphan = messageDoc('app', 2, { clientMsgId: 'k' });
      await rawCollections(store).messages.insertOne({ ...orphan });
      const resent = await scope.conversations.append(draft({ clientMsgId: 'k', content: { content: 'again' } }));
      expect(resent).toMatchObject({ created: false, message: { msgId: orphan.msgId, seq: 2, content: { content: 'hi' } } });
      expect((await rawCollections(store).conversations.findOne({ appId: 'app', conversationId: 'p:a:b' }))?.lastSeq).toBe(2);
    });

    it('a summary left by an interrupted delete is not the new conversation\'s', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      for (let i = 0; i < 3; i++) await scope.conversations.append(draft({ conversationId: 'g:crew' }));
      // "Crash" inside delete: the messages are gone, the summary (lastSeq 3) is not.
      await rawCollections(store).messages.deleteMany({ appId: 'app', conversationId: 'g:crew' });
      expect(await scope.conversations.get('g:crew')).toBeNull();

      for (let i = 0; i < 3; i++) await scope.conversations.append(draft({ conversationId: 'g:crew' }));
      await rawCollections(store).messages.deleteMany({ appId: 'app', conversationId: 'g:crew' });
      // The next message (a new group with the same id) starts at 1 and is the last message.
      const { message } = await scope.conversations.append(draft({ conversationId: 'g:crew', preview: 'new' }));
      expect(message.seq).toBe(1);
      expect(await scope.conversations.get('g:crew')).toMatchObject({ lastSeq: 1, lastMessage: { msgId: message.msgId, preview: 'new' } });
    });
  });

  describe('group members across processes and crashes', () => {
    const member = (userId: string, joinIndex: number): MemberRecord => memberRecord(userId, joinIndex);
    const crew: GroupRecord = groupRecord('crew');

    /** Adds `userId` as the domain does: read, decide, compare-and-set, and again when another writer won. */
    async function join(scope: AppScope, userId: string): Promise<void> {
      for (;;) {
        const current = (await scope.groups.get('crew'))!;
        const next = { ...current, memberCount: current.memberCount + 1, joinCount: current.joinCount + 1, version: current.version + 1 };
        if (await scope.groups.replace(next, current.version, { add: [member(userId, current.joinCount)] })) return;
      }
    }

    it.runIf(atomicUpdates)('two processes adding members to one group at once: every member stored once, the count exact (MongoDB only: FerretDB\'s updates are not atomic)', async () => {
      const first = await freshStore();
      const second = await sameDatabase(first);
      await first.forApp('app').groups.insert(crew, [{ ...member('a', 0), role: GroupRole.OWNER }]);
      const joiners = Array.from({ length: 12 }, (_, i) => `u${i}`);
      await Promise.all(joiners.map((userId, i) => join((i % 2 ? first : second).forApp('app'), userId)));
      const members = await second.forApp('app').groups.listMembers('crew');
      expect(members.map((m) => m.userId).sort()).toEqual(['a', ...joiners].sort());
      expect(new Set(members.map((m) => m.joinIndex)).size).toBe(members.length);
      expect(await first.forApp('app').groups.get('crew')).toMatchObject({ memberCount: 13, joinCount: 13 });
    });

    it('a crash after a change\'s compare-and-set: the next read of the group writes its members first', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.groups.insert(crew, [{ ...member('a', 0), role: GroupRole.OWNER }]);
      // What the group document holds when the writer died before writing any member document.
      await rawCollections(store).groups.updateOne(
        { appId: 'app', groupId: 'crew' },
        {
          $set: {
            version: 2,
            memberCount: 2,
            joinCount: 2,
            pending: { version: 2, add: [member('b', 1)], remove: [], update: [], removeAll: false },
          },
        },
      );
      expect(await scope.groups.getMembers('crew', ['b'])).toEqual(new Map());
      expect(await scope.groups.get('crew')).toMatchObject({ version: 2, memberCount: 2 });
      expect((await scope.groups.listMembers('crew')).map((m) => m.userId)).toEqual(['a', 'b']);
      expect(await scope.groups.groupIdsOf('b')).toEqual(['crew']);
      expect((await rawCollections(store).groups.findOne({ appId: 'app', groupId: 'crew' }))?.pending).toBeUndefined();
    });

    it('a crash after an update\'s compare-and-set: the next read writes the staying members\' new records, and creates nobody', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.groups.insert({ ...crew, memberCount: 2, joinCount: 2 }, [{ ...member('a', 0), role: GroupRole.OWNER }, member('b', 1)]);
      const b: MemberRecord = { ...member('b', 1), role: GroupRole.ADMIN, nickname: 'Bee', mutedUntil: 9_000 };
      await rawCollections(store).groups.updateOne(
        { appId: 'app', groupId: 'crew' },
        { $set: { version: 2, announcement: 'Hi', pending: { version: 2, add: [], remove: [], update: [b, member('x', 5)], removeAll: false } } },
      );
      expect(await scope.groups.get('crew')).toMatchObject({ version: 2, announcement: 'Hi' });
      expect(await scope.groups.getMembers('crew', ['b', 'x'])).toStrictEqual(new Map([['b', b]]));
      expect((await scope.groups.listMembers('crew')).map((m) => m.userId)).toEqual(['a', 'b']);
      expect(await scope.groups.groupIdsOf('x')).toEqual([]);
      expect((await rawCollections(store).groups.findOne({ appId: 'app', groupId: 'crew' }))?.pending).toBeUndefined();
    });

    it('a change pending from before `update` existed (role changes in `roles`) is completed as it was meant', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.groups.insert({ ...crew, memberCount: 2, joinCount: 2 }, [{ ...member('a', 0), role: GroupRole.OWNER }, member('b', 1)]);
      // Written by a Parley before `update`: no `update`, the role change in `roles`.
      await rawCollections(store).groups.updateOne(
        { appId: 'app', groupId: 'crew' },
        { $set: { version: 2, pending: { version: 2, add: [member('c', 2)], remove: [], roles: [{ userId: 'b', role: GroupRole.ADMIN }], removeAll: false } } },
      );
      expect(await scope.groups.get('crew')).toMatchObject({ version: 2 });
      expect(await scope.groups.listMembers('crew')).toStrictEqual([{ ...member('a', 0), role: GroupRole.OWNER }, { ...member('b', 1), role: GroupRole.ADMIN }, member('c', 2)]);
      expect((await rawCollections(store).groups.findOne({ appId: 'app', groupId: 'crew' }))?.pending).toBeUndefined();
    });

    it('a late write of an older change does not bring back a member who left since', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.groups.insert(crew, [{ ...member('a', 0), role: GroupRole.OWNER }]);
      await join(scope, 'b');
      const current = (await scope.groups.get('crew'))!;
      expect(await scope.groups.replace({ ...current, memberCount: 1, version: current.version + 1 }, current.version, { remove: ['b'] })).toBe(true);
      // A process that stalled while writing the join wakes up and writes it again: the group
      // document says the join is pending at its old version, as that process last saw it.
      await rawCollections(store).groups.updateOne(
        { appId: 'app', groupId: 'crew' },
        { $set: { version: current.version, pending: { version: current.version, add: [member('b', 1)], remove: [], update: [], removeAll: false } } },
      );
      await scope.groups.get('crew');
      expect(await scope.groups.getMembers('crew', ['b'])).toEqual(new Map());
      expect(await scope.groups.groupIdsOf('b')).toEqual([]);
    });
  });

  describe('transfer', () => {
    it('an import writes the documents the repositories wrote in the source, internal fields included', async () => {
      const source = await freshStore();
      await fill(source);
      const target = await freshStore();
      await load(target, await readEverything(source, {}));
      for (const name of Object.keys(COLLECTION_NAMES) as (keyof Collections)[]) {
        // Documents the port reads as absent are not carried: a dismissed group's marker, members who left.
        const carried = name === 'groups' ? { dismissed: false } : name === 'groupMembers' ? { active: true } : {};
        const expected = await documentsOf(source, name, carried);
        expect(expected.length, name).toBeGreaterThan(0);
        if (name !== 'groupMembers') {
          expect(await documentsOf(target, name, {}), name).toEqual(expected);
          continue;
        }
        // A member's `v` is the version of the change that wrote it last; an import writes them all at the group's version.
        const withoutVersion = (docs: Document[]) => docs.map(({ v: _v, ...doc }) => doc);
        const imported = await documentsOf(target, name, {});
        expect(withoutVersion(imported)).toEqual(withoutVersion(expected));
        const versionOf = new Map((await rawCollections(target).groups.find({}).toArray()).map((group) => [group.groupId, group.version]));
        expect(imported.every((doc) => doc['v'] === versionOf.get(doc['groupId']))).toBe(true);
      }
    });

    it('reads what the port reads after a crash: a pending group change applied, an interrupted dismissal and delete left out', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      const raw = rawCollections(store);
      const member = memberRecord;
      const group = (groupId: string, memberCount: number): GroupRecord => groupRecord(groupId, { memberCount, joinCount: memberCount });
      await scope.groups.insert(group('crew', 1), [member('a', 0, GroupRole.OWNER)]);
      // The writer adding b died after the group's compare-and-set, before b's member document.
      await raw.groups.updateOne(
        { appId: 'app', groupId: 'crew' },
        { $set: { version: 2, memberCount: 2, joinCount: 2, pending: { version: 2, add: [member('b', 1)], remove: [], update: [], removeAll: false } } },
      );
      // The dismissal of "gone" died after marking the group, before its members left.
      await scope.groups.insert(group('gone', 2), [member('a', 0, GroupRole.OWNER), member('c', 1)]);
      await raw.groups.updateOne(
        { appId: 'app', groupId: 'gone' },
        { $set: { version: 2, memberCount: 0, dismissed: true, pending: { version: 2, add: [], remove: [], update: [], removeAll: true } } },
      );
      // The delete of g:old died after removing its messages, before its summary.
      for (let i = 0; i < 2; i++) await scope.conversations.append(draft({ conversationId: 'g:old' }));
      await raw.messages.deleteMany({ appId: 'app', conversationId: 'g:old' });
      // The append of p:a:b's second message died before raising the summary.
      await scope.conversations.append(draft());
      await raw.messages.insertOne(messageDoc('app', 2));

      const rows = await readEverything(store, {});
      expect(rows.groups).toEqual([{ appId: 'app', ...group('crew', 2), version: 2, joinCount: 2 }]);
      expect(rows.groupMembers.map((m) => [m.groupId, m.userId])).toEqual([['crew', 'a'], ['crew', 'b']]);
      expect(rows.conversations.map((c) => [c.conversationId, c.lastSeq])).toEqual([['p:a:b', 2]]);
      expect(rows.messages.map((m) => [m.conversationId, m.seq])).toEqual([['p:a:b', 1], ['p:a:b', 2]]);
    });
  });

  describe('documents', () => {
    it('every document of app data carries appId, and returned records carry neither _id nor appId', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      await scope.users.upsert({ userId: 'u', name: 'u', avatarUri: '' }, 1);
      await scope.sessions.ensure({ sid: newObjectId(), userId: 'u', conversationId: 'p:a:b', conversationType: ConversationType.PRIVATE, targetId: 'b', initialReadSeq: 0, createdAt: 1 });
      const { message } = await scope.conversations.append(draft());
      await scope.files.insert({ fileId: 'ab'.repeat(16), uploaderUserId: 'u', name: 'a.png', mimeType: 'image/png', category: FileCategory.IMAGE, size: 1, width: 1, height: 1, duration: null, thumb: null, createdAt: 1 });
      const raw = rawCollections(store);
      for (const name of ['users', 'sessions', 'conversations', 'messages', 'files'] as const) {
        const docs: Document[] = await raw[name].find({}).toArray();
        expect(docs.length, name).toBeGreaterThan(0);
        expect(docs.every((doc) => doc['appId'] === 'app'), name).toBe(true);
      }
      expect(Object.keys(message)).not.toContain('_id');
      expect(Object.keys((await scope.users.get('u'))!)).not.toContain('appId');
      expect(Object.keys((await scope.files.get('ab'.repeat(16)))!).sort()).toEqual(
        ['fileId', 'uploaderUserId', 'name', 'mimeType', 'category', 'size', 'width', 'height', 'duration', 'thumb', 'createdAt'].sort(),
      );
    });

    it('a join request document carries pendingKey \'pending\' while pending and d:<requestId> once decided; records carry neither', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      const raw = rawCollections(store);
      const asked = { requestId: 'ab'.repeat(12), groupId: 'crew', userId: 'u', inviterId: null, message: '', status: 'pending', createdAt: 1, decidedBy: null, decidedAt: null } as const;
      await scope.joinRequests.insert(asked);
      expect(await raw.joinRequests.findOne({ requestId: asked.requestId }, { projection: { _id: 0 } })).toStrictEqual({ appId: 'app', ...asked, pendingKey: 'pending' });
      const decided = await scope.joinRequests.decide(asked.requestId, { status: 'approved', decidedBy: 'a', decidedAt: 2 });
      expect(decided).toStrictEqual({ ...asked, status: 'approved', decidedBy: 'a', decidedAt: 2 });
      expect(await raw.joinRequests.findOne({ requestId: asked.requestId })).toMatchObject({ status: 'approved', pendingKey: `d:${asked.requestId}` });
      expect(Object.keys((await scope.joinRequests.get(asked.requestId))!).sort()).toEqual(Object.keys(asked).sort());
      // Decided requests of one user to one group each have a key of their own; the pending one shares it.
      await scope.joinRequests.insert({ ...asked, requestId: 'cd'.repeat(12), status: 'rejected', decidedBy: null, decidedAt: 3 });
      await scope.joinRequests.insert({ ...asked, requestId: 'ef'.repeat(12) });
      expect((await raw.joinRequests.find({ groupId: 'crew', userId: 'u' }).sort({ requestId: 1 }).toArray()).map((doc) => doc.pendingKey)).toEqual([
        `d:${'ab'.repeat(12)}`,
        `d:${'cd'.repeat(12)}`,
        'pending',
      ]);
    });

    it.runIf(atomicUpdates)('two processes deciding one join request at once: one of them decides it (MongoDB only: FerretDB\'s updates are not atomic)', async () => {
      const first = await freshStore();
      const second = await sameDatabase(first);
      const requestId = 'ab'.repeat(12);
      await first.forApp('app').joinRequests.insert({ requestId, groupId: 'crew', userId: 'u', inviterId: null, message: '', status: 'pending', createdAt: 1, decidedBy: null, decidedAt: null });
      const decisions = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? first : second).forApp('app').joinRequests.decide(requestId, { status: i % 3 ? 'approved' : 'rejected', decidedBy: `admin${i}`, decidedAt: 10 + i }),
        ),
      );
      const decided = decisions.filter((decision) => decision !== null);
      expect(decided).toHaveLength(1);
      expect(await first.forApp('app').joinRequests.get(requestId)).toStrictEqual(decided[0]);
    });

    it('a friend request document written before `dropped` existed reads as not dropped, in every read and export', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      const requestId = newObjectId();
      const older = { requestId, fromUserId: 'a', toUserId: 'b', message: 'hi', status: 'pending', createdAt: 10, decidedAt: null } as const;
      await rawCollections(store).friendRequests.insertOne({ appId: 'app', ...older });
      const record = { ...older, dropped: false };
      expect(await scope.friends.getRequest(requestId)).toStrictEqual(record);
      expect(await scope.friends.pendingBetween('a', 'b')).toStrictEqual(record);
      expect(await scope.friends.listPending('b', 'incoming', 10)).toStrictEqual([record]);
      expect(await scope.friends.listRequests('b', 'incoming', 10)).toStrictEqual([record]);
      expect(await scope.friends.listRequests('a', 'outgoing', 10)).toStrictEqual([record]);
      expect((await readEverything(store, { appId: 'app' })).friendRequests).toStrictEqual([{ appId: 'app', ...record }]);
      // Stored from now on, the flag is written with every request.
      await scope.friends.insertRequest({ ...record, requestId: newObjectId(), fromUserId: 'c', createdAt: 20, dropped: true });
      expect((await rawCollections(store).friendRequests.find({ fromUserId: 'c' }).toArray()).map((doc) => doc.dropped)).toEqual([true]);
      expect(await scope.friends.listRequests('b', 'incoming', 10)).toStrictEqual([record]);
    });

    it('group and member documents written before group administration read with its defaults, in every read and export', async () => {
      const store = await freshStore();
      const scope = store.forApp('app');
      const crew = groupRecord('crew', { memberCount: 2, joinCount: 2 });
      const members = [memberRecord('a', 0, GroupRole.OWNER), memberRecord('b', 1, GroupRole.ADMIN, { joinedAt: 5 })];
      await scope.groups.insert(crew, members);
      // What an older Parley wrote: the documents without the fields.
      const raw = rawCollections(store);
      await raw.groups.updateMany({}, { $unset: { description: '', announcement: '', announcementBy: '', announcementAt: '', mutedAll: '', joinPolicy: '' } });
      await raw.groupMembers.updateMany({}, { $unset: { nickname: '', mutedUntil: '' } });
      const older = await raw.groups.findOne({ groupId: 'crew' });
      expect(Object.keys(older!)).not.toContain('joinPolicy');
      expect(Object.keys((await raw.groupMembers.findOne({ userId: 'b' }))!)).not.toContain('nickname');

      expect(await scope.groups.get('crew')).toStrictEqual(crew);
      expect(await scope.groups.getMany(['crew'])).toStrictEqual(new Map([['crew', crew]]));
      expect(await scope.groups.listMembers('crew')).toStrictEqual(members);
      expect(await scope.groups.getMembers('crew', ['b'])).toStrictEqual(new Map([['b', members[1]!]]));
      expect(await scope.groups.firstMember('crew', { role: GroupRole.ADMIN, excluding: [] })).toStrictEqual(members[1]);
      const rows = await readEverything(store, { appId: 'app' });
      expect(rows.groups).toStrictEqual([{ appId: 'app', ...crew }]);
      expect(rows.groupMembers).toStrictEqual(members.map((member) => ({ appId: 'app', groupId: 'crew', ...member })));
      // A write from now on stores them.
      const b: MemberRecord = { ...members[1]!, nickname: 'Bee', mutedUntil: 70 };
      expect(await scope.groups.replace({ ...crew, mutedAll: true, version: 2 }, 1, { update: [b] })).toBe(true);
      expect(await raw.groups.findOne({ groupId: 'crew' })).toMatchObject({ mutedAll: true, joinPolicy: 'invite', announcement: '' });
      expect(await raw.groupMembers.findOne({ userId: 'b' })).toMatchObject({ nickname: 'Bee', mutedUntil: 70 });
      expect(await scope.groups.listMembers('crew')).toStrictEqual([members[0], b]);
    });

    it('opening again on an existing database keeps the indexes and the data (idempotent start)', async () => {
      const store = await freshStore();
      await store.forApp('app').conversations.append(draft());
      const again = await sameDatabase(store);
      expect((await again.forApp('app').conversations.get('p:a:b'))?.lastSeq).toBe(1);
    });
  });

  describe('indexes', () => {
    it('creates every index of INDEXES, with its key and options', async () => {
      const store = await freshStore();
      const entry = opened.find((o) => o.store === store)!;
      const db = admin!.db(entry.dbName);
      for (const spec of INDEXES) {
        const existing = await db.collection(COLLECTION_NAMES[spec.collection]).listIndexes().toArray();
        const found = existing.find((index) => index['name'] === spec.name);
        expect(found, `${spec.collection}.${spec.name}`).toBeDefined();
        expect(found!['key'], spec.name).toEqual(spec.key);
        expect(Boolean(found!['unique']), `${spec.name} unique`).toBe(Boolean(spec.unique));
      }
    });

    it('the deployment guide lists exactly these indexes', () => {
      expect(documentedIndexes()).toEqual(
        INDEXES.map((spec) => ({ collection: COLLECTION_NAMES[spec.collection], name: spec.name, key: spec.key, unique: Boolean(spec.unique) })),
      );
    });
  });
});

/**
 * The documents of a store's collection matching `filter`, without the `_id` the driver picks for
 * app data, in the order of the collection's first unique index (or `_id`).
 */
async function documentsOf(store: MongoStore, name: keyof Collections, filter: Document): Promise<Document[]> {
  const entry = opened.find((o) => o.store === store)!;
  const key = INDEXES.find((spec) => spec.collection === name && spec.unique)?.key ?? { _id: 1 };
  const ownIds = name === 'tenants' || name === 'consoleTokens' || name === 'apps';
  return admin!.db(entry.dbName).collection(COLLECTION_NAMES[name]).find(filter, { projection: ownIds ? {} : { _id: 0 } }).sort(key).toArray();
}

/** The rows of the "MongoDB indexes" table in docs/guides/deployment.md. */
function documentedIndexes(): { collection: string; name: string; key: Record<string, number>; unique: boolean }[] {
  const guide = readFileSync(new URL('../../docs/guides/deployment.md', import.meta.url), 'utf8');
  const section = guide.split(/^## /m).find((part) => part.startsWith('MongoDB indexes'));
  if (!section) throw new Error('docs/guides/deployment.md has no "## MongoDB indexes" section');
  const rows = section.split('\n').filter((line) => /^\| `[a-z_]+` \| `[a-z_]+` \|/.test(line));
  return rows.map((row) => {
    const [collection, name, key, options] = row.split('|').slice(1).map((cell) => cell.trim());
    return {
      collection: collection!.replaceAll('`', ''),
      name: name!.replaceAll('`', ''),
      key: Object.fromEntries([...key!.matchAll(/(\w+): (-?1)/g)].map((m) => [m[1]!, Number(m[2])])),
      unique: options!.includes('unique'),
    };
  });
}
