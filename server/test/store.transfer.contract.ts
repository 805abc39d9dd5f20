import { ConversationType, FileCategory, GroupEventKind, GroupJoinPolicy, GroupRole, MessageType } from '@parley/sdk/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { domainSettings } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { newObjectId } from '../src/domain/ids.js';
import { previewOf, RECALLED_PREVIEW } from '../src/domain/messages/preview.js';
import { DuplicateKeyError, type AppScope, type MessageDraft, type Store } from '../src/store/ports.js';
import type { AppRecord, ConsoleTokenRecord, FileRecord, GroupRecord, JoinRequestRecord, PendingGroupEvent, TenantRecord } from '../src/store/records.js';
import {
  TRANSFER_BATCH,
  TRANSFER_COLLECTIONS,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../src/store/transfer.js';
import { TRANSFER_SCHEMAS } from '../src/transfer/schemas.js';
import { documentFileRecord, groupRecord, imageFileRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/** Every collection's rows, as one read of the transfer port gives them. */
type Rows = { [C in TransferCollection]: TransferRecords[C][] };
/** What an import writes: the rows, each message with its conversation-list text. */
type Input = { [C in TransferCollection]: TransferInput[C][] };

const EVERYTHING: TransferScope = {};
const APP_A: TransferScope = { appId: 'appA' };

const tenantOne: TenantRecord = { tenantId: 't1', email: 'one@x.io', passwordHash: 'hash-1', createdAt: 1 };
const tenantTwo: TenantRecord = { tenantId: 't2', email: 'two@x.io', passwordHash: 'hash-2', createdAt: 2 };
const consoleToken: ConsoleTokenRecord = { tokenHash: 'console-1', tenantId: 't1', createdAt: 10, expiresAt: 10_000_000 };
/** The collections of app data, every row of which names its app. */
const APP_DATA = ['users', 'userTokens', 'blocks', 'friendRequests', 'friendGroups', 'friends', 'files', 'groups', 'groupMembers', 'joinRequests', 'conversations', 'messages', 'sessions'] as const;
const USERS = ['a', 'b', 'c'] as const;
const CONVERSATIONS = ['p:a:b', 'g:crew'] as const;
/** File ids of the fixture; the last one is never stored. */
const FILE_IDS = ['0a1b2c3d4e5f60718293a4b5c6d7e8f9', '1f0e2d3c4b5a69788796a5b4c3d2e1f0', 'ffffffffffffffffffffffffffffffff', '00000000000000000000000000000000'] as const;
/** Ids of friend requests and friend groups of the fixture. */
const REQUEST_IDS = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3', 'aaaaaaaaaaaaaaaaaaaaaaa4'] as const;
const FRIEND_GROUP_IDS = ['bbbbbbbbbbbbbbbbbbbbbbb1', 'bbbbbbbbbbbbbbbbbbbbbbb2'] as const;
/** Ids of join requests of the fixture; the last one is never stored. */
/** A group event written with its change and not yet in the conversation. */
const WAITING_EVENT: PendingGroupEvent = {
  eventId: 'event-1',
  facts: { event: GroupEventKind.JOINED, operatorId: 'b', userIds: ['c'] },
  answering: null,
  endsGroup: false,
};
const JOIN_REQUEST_IDS = ['ccccccccccccccccccccccc1', 'ccccccccccccccccccccccc2', 'ccccccccccccccccccccccc3', 'ccccccccccccccccccccccc4'] as const;
/** Who asks to join crew in the fixture (none of them a member). */
const JOINERS = ['d', 'e'] as const;
/** d asks to join crew (pending); e, invited by b, was approved by a; d's first request was rejected by the tenant's backend. */
const joinRequests: readonly JoinRequestRecord[] = [
  { requestId: JOIN_REQUEST_IDS[0], groupId: 'crew', userId: 'd', inviterId: null, message: 'Let me in «please» 😀', status: 'pending', createdAt: 332, decidedBy: null, decidedAt: null },
  { requestId: JOIN_REQUEST_IDS[1], groupId: 'crew', userId: 'e', inviterId: 'b', message: '', status: 'approved', createdAt: 331, decidedBy: 'a', decidedAt: 341 },
  { requestId: JOIN_REQUEST_IDS[2], groupId: 'crew', userId: 'd', inviterId: null, message: 'first try', status: 'rejected', createdAt: 325, decidedBy: null, decidedAt: 326 },
];
const photo = imageFileRecord(FILE_IDS[0], {
  uploaderUserId: 'b',
  name: 'cat.png',
  mimeType: 'image/png',
  width: 1024,
  height: 768,
  thumb: { size: 3_000, width: 400, height: 300 },
  createdAt: 1500,
});
/** Uploaded by the app's backend: every optional field null. */
const report = documentFileRecord(FILE_IDS[1], { name: 'Report – Q3 😀.pdf', createdAt: 1501 });
const voice: FileRecord = { ...report, fileId: FILE_IDS[2], uploaderUserId: 'a', name: 'voice.m4a', mimeType: 'audio/mp4', category: FileCategory.AUDIO, size: 9_999, duration: 4.25 };

/**
 * The conformance suite of the transfer port (export, import and moving between stores): what
 * one store reads out and another writes in must read back through the ports exactly as it
 * did in the first, and carry on from there (seqs, idempotent resends, group versions).
 */
export function transferContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store transfer`, () => {
    let source: Store;
    beforeEach(async () => {
      source = await open();
      await fill(source);
    });

    it('a store filled from another\'s rows reads back through every port method as the source does', async () => {
      const expected = await portView(source);
      // Not a comparison of two empty stores: the fixture's history is there to compare.
      expect(expected.appA.members.map((member) => [member.userId, member.joinIndex])).toEqual([['a', 0], ['b', 1], ['c', 3]]);
      expect(expected.appA.members.map((member) => [member.role, member.nickname, member.mutedUntil])).toEqual([
        [GroupRole.OWNER, '', null],
        [GroupRole.ADMIN, 'Bee «admin» 🐝', 9_000_000],
        [GroupRole.MEMBER, 'Cee', null],
      ]);
      expect(expected.appA.groups.get('crew')).toMatchObject({
        description: 'The crew 🚀',
        announcement: 'Meet on Friday «18:00» 😀',
        announcementBy: 'b',
        announcementAt: 320,
        mutedAll: true,
        joinPolicy: GroupJoinPolicy.APPROVAL,
      });
      expect(expected.appA.conversations.get('p:a:b')).toMatchObject({ lastSeq: 3, lastMessage: { preview: RECALLED_PREVIEW } });
      expect(expected.appA.byClientMsgId?.seq).toBe(1);
      expect(expected.appA.fileUsage).toEqual({ files: 3, bytes: 48_000 + 3_000 + 0 + 9_999 });
      expect(expected.appB.file[0]).toMatchObject({ name: 'same id, other app.png', size: 7 });
      expect(expected.appA.blockLists.map((list) => list.map((block) => block.blockedUserId))).toEqual([['c', 'b'], [], ['a']]);
      // b's dropped request to c: b's, and not c's.
      expect(expected.appA.requestsIn.map((list) => list.map((request) => request.requestId))).toEqual([[REQUEST_IDS[1], REQUEST_IDS[0]], [REQUEST_IDS[2]], []]);
      expect(expected.appA.requestsOut[1]?.map((request) => [request.requestId, request.dropped])).toEqual([[REQUEST_IDS[3], true], [REQUEST_IDS[1], false]]);
      expect(expected.appA.joinRequests).toStrictEqual([...joinRequests, null]);
      expect(expected.appA.pendingJoinList).toStrictEqual([joinRequests[0]]);
      expect(expected.appB.pendingJoins[0]).toMatchObject({ requestId: JOIN_REQUEST_IDS[0], userId: 'a' });

      const target = await open();
      // Rows in reverse: adapters read in their own order (by key, by join order), so a writer
      // must not depend on getting them in the order it would have stored them.
      await load(target, await readEverything(source, EVERYTHING), { reversed: true });
      expect(await portView(target)).toEqual(expected);
    });

    it('an imported store carries on: the next message takes lastSeq + 1, a resend finds its original, the group its version', async () => {
      const target = await open();
      await load(target, await readEverything(source, EVERYTHING));
      const scope = target.forApp('appA');
      const original = await source.forApp('appA').conversations.findByClientMsgId('a', 'k1');

      expect((await send(scope, { conversationId: 'p:a:b' })).message.seq).toBe(4);
      expect((await scope.conversations.get('p:a:b'))?.lastSeq).toBe(4);
      expect((await send(scope, groupMessage('a', { content: 'still here' }))).message.seq).toBe(4);

      const resent = await send(scope, { clientMsgId: 'k1', content: { content: 'hello again' } });
      expect(resent).toMatchObject({ created: false, message: { msgId: original?.msgId, seq: 1, content: { content: 'hello' } } });
      // The key is the sender's: another sender's k1 is a new message.
      expect((await send(scope, { senderUserId: 'b', targetId: 'a', clientMsgId: 'k1' })).created).toBe(true);

      const crew = (await scope.groups.get('crew'))!;
      expect(await scope.groups.replace({ ...crew, memberCount: 2, version: crew.version + 1 }, crew.version, { remove: ['c'] })).toBe(true);
      expect((await scope.groups.listMembers('crew')).map((member) => member.userId)).toEqual(['a', 'b']);
      expect(await scope.groups.groupIdsOf('c')).toEqual([]);
    });

    it('writing the same rows again changes nothing, so an interrupted import is finished by running it again', async () => {
      const rows = await readEverything(source, EVERYTHING);
      const target = await open();
      await load(target, rows);
      await load(target, rows);
      expect(sortedRows(await readEverything(target, EVERYTHING))).toEqual(sortedRows(rows));
      expect(await portView(target)).toEqual(await portView(source));
    });

    it('reading an imported store gives the rows it was written with', async () => {
      const rows = await readEverything(source, EVERYTHING);
      const target = await open();
      await load(target, rows);
      expect(sortedRows(await readEverything(target, EVERYTHING))).toEqual(sortedRows(rows));
    });

    it('reads file records whole, each app\'s in fileId order', async () => {
      const rows = await readEverything(source, EVERYTHING);
      expect(rows.files).toEqual([
        { appId: 'appA', ...photo },
        { appId: 'appA', ...report },
        { appId: 'appA', ...voice },
        { appId: 'appB', ...photo, uploaderUserId: 'a', name: 'same id, other app.png', size: 7 },
      ]);
      expect((await readEverything(source, APP_A)).files).toEqual(rows.files.slice(0, 3));
    });

    it('reads blocks whole, each app\'s by blocker then blocked user', async () => {
      const rows = await readEverything(source, EVERYTHING);
      expect(rows.blocks).toEqual([
        { appId: 'appA', userId: 'a', blockedUserId: 'b', createdAt: 410 },
        { appId: 'appA', userId: 'a', blockedUserId: 'c', createdAt: 400 },
        { appId: 'appA', userId: 'c', blockedUserId: 'a', createdAt: 420 },
        { appId: 'appB', userId: 'a', blockedUserId: 'b', createdAt: 100 },
      ]);
      expect((await readEverything(source, APP_A)).blocks).toEqual(rows.blocks.slice(0, 3));
    });

    it('reads friend requests, friend groups and both sides of each friendship whole, each app\'s by key', async () => {
      const rows = await readEverything(source, EVERYTHING);
      expect(rows.friendRequests).toEqual([
        { appId: 'appA', requestId: REQUEST_IDS[0], fromUserId: 'c', toUserId: 'a', message: 'Hi, it\'s c 😀', status: 'accepted', createdAt: 430, decidedAt: 440, dropped: false },
        { appId: 'appA', requestId: REQUEST_IDS[1], fromUserId: 'b', toUserId: 'a', message: '', status: 'pending', createdAt: 431, decidedAt: null, dropped: false },
        { appId: 'appA', requestId: REQUEST_IDS[2], fromUserId: 'a', toUserId: 'b', message: 'b?', status: 'rejected', createdAt: 432, decidedAt: 441, dropped: false },
        { appId: 'appA', requestId: REQUEST_IDS[3], fromUserId: 'b', toUserId: 'c', message: 'c?', status: 'pending', createdAt: 433, decidedAt: null, dropped: true },
      ]);
      expect(rows.friendGroups).toEqual([
        { appId: 'appA', userId: 'a', friendGroupId: FRIEND_GROUP_IDS[0], name: 'Book club', order: 2, createdAt: 450 },
        { appId: 'appA', userId: 'a', friendGroupId: FRIEND_GROUP_IDS[1], name: 'Work', order: 1, createdAt: 451 },
      ]);
      expect(rows.friends).toEqual([
        { appId: 'appA', userId: 'a', friendId: 'c', remark: 'Cee', friendGroupId: FRIEND_GROUP_IDS[0], createdAt: 440 },
        { appId: 'appA', userId: 'c', friendId: 'a', remark: '', friendGroupId: null, createdAt: 440 },
        { appId: 'appB', userId: 'a', friendId: 'b', remark: '', friendGroupId: null, createdAt: 100 },
        { appId: 'appB', userId: 'b', friendId: 'a', remark: '', friendGroupId: null, createdAt: 100 },
      ]);
      const one = await readEverything(source, APP_A);
      expect(one.friends).toEqual(rows.friends.slice(0, 2));
      expect(one.friendRequests).toEqual(rows.friendRequests);
    });

    it('a friend request of an export made before requests could be dropped (no `dropped`) is imported as not dropped', async () => {
      const { dropped: _dropped, ...older } = (await readEverything(source, APP_A)).friendRequests.find((row) => row.requestId === REQUEST_IDS[1])!;
      const parsed = TRANSFER_SCHEMAS.friendRequests.safeParse(older);
      expect(parsed.success).toBe(true);
      const target = await open();
      await target.transfer.write('friendRequests', [parsed.data!]);
      const scope = target.forApp('appA');
      const { appId: _appId, ...record } = older;
      expect(await scope.friends.getRequest(REQUEST_IDS[1])).toStrictEqual({ ...record, dropped: false });
      expect(requestIdsOf(await scope.friends.listPending('a', 'incoming', 10))).toEqual([REQUEST_IDS[1]]);
      expect(requestIdsOf(await scope.friends.listRequests('a', 'incoming', 10))).toEqual([REQUEST_IDS[1]]);
      expect(await readAll(target, 'friendRequests', EVERYTHING)).toEqual([{ ...older, dropped: false }]);
      expect(TRANSFER_SCHEMAS.friendRequests.safeParse({ ...older, dropped: 'yes' }).success).toBe(false);
    });

    it('reads join requests whole, pending and decided, each app\'s by key', async () => {
      const rows = await readEverything(source, EVERYTHING);
      expect(rows.joinRequests).toStrictEqual([
        ...joinRequests.map((request) => ({ appId: 'appA', ...request })),
        { appId: 'appB', ...joinRequests[0]!, userId: 'a', message: 'same id, other app' },
      ]);
      expect((await readEverything(source, APP_A)).joinRequests).toStrictEqual(rows.joinRequests.slice(0, 3));
    });

    it('an imported join request keeps its place: a pending one holds the user\'s pending place, a decided one frees it', async () => {
      const target = await open();
      await load(target, await readEverything(source, EVERYTHING));
      const scope = target.forApp('appA');
      const asked = { ...joinRequests[0]!, requestId: JOIN_REQUEST_IDS[3], createdAt: 900 };
      // d's imported pending request is d's one pending request to crew, in the store and in a row.
      await expect(scope.joinRequests.insert(asked)).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(target.transfer.write('joinRequests', [{ appId: 'appA', ...asked }])).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await scope.joinRequests.get(JOIN_REQUEST_IDS[3])).toBeNull();
      expect(await scope.joinRequests.pendingOf('crew', 'd')).toStrictEqual(joinRequests[0]);
      // e's request was approved: e may ask again.
      await scope.joinRequests.insert({ ...asked, requestId: 'ccccccccccccccccccccccc5', userId: 'e' });
      expect((await scope.joinRequests.listPending('crew', 10)).map((request) => request.userId)).toEqual(['d', 'e']);
      // A row deciding the pending request (an import of a later export) frees d's place.
      const decided = { ...joinRequests[0]!, status: 'rejected', decidedBy: 'a', decidedAt: 950 } as const;
      await target.transfer.write('joinRequests', [{ appId: 'appA', ...decided }]);
      expect(await scope.joinRequests.get(JOIN_REQUEST_IDS[0])).toStrictEqual(decided);
      expect(await scope.joinRequests.pendingOf('crew', 'd')).toBeNull();
      expect(await scope.joinRequests.decide(JOIN_REQUEST_IDS[0], { status: 'approved', decidedBy: 'b', decidedAt: 960 })).toBeNull();
      await scope.joinRequests.insert(asked);
      expect(await scope.joinRequests.pendingOf('crew', 'd')).toStrictEqual(asked);
      expect(await target.forApp('appB').joinRequests.pendingOf('crew', 'a')).toMatchObject({ requestId: JOIN_REQUEST_IDS[0], status: 'pending' });
    });

    it('reads the group\'s administration and its members\' nicknames and mutes whole', async () => {
      const rows = await readEverything(source, APP_A);
      expect(rows.groups).toStrictEqual([
        {
          appId: 'appA',
          ...groupRecord('crew', {
            name: 'Crew',
            description: 'The crew 🚀',
            announcement: 'Meet on Friday «18:00» 😀',
            announcementBy: 'b',
            announcementAt: 320,
            mutedAll: true,
            joinPolicy: GroupJoinPolicy.APPROVAL,
            pendingEvents: [WAITING_EVENT],
            memberCount: 3,
            joinCount: 4,
            version: 3,
            createdAt: 300,
            updatedAt: 320,
          }),
        },
      ]);
      expect(sortedBy([...rows.groupMembers], (member) => member.userId)).toStrictEqual([
        { appId: 'appA', groupId: 'crew', ...memberRecord('a', 0, GroupRole.OWNER, { joinedAt: 300 }) },
        { appId: 'appA', groupId: 'crew', ...memberRecord('b', 1, GroupRole.ADMIN, { joinedAt: 300, nickname: 'Bee «admin» 🐝', mutedUntil: 9_000_000 }) },
        { appId: 'appA', groupId: 'crew', ...memberRecord('c', 3, GroupRole.MEMBER, { joinedAt: 320, nickname: 'Cee' }) },
      ]);
    });

    it('groups and members of an export made before group administration are imported with its defaults', async () => {
      const rows = await readEverything(source, APP_A);
      const { description: _d, announcement: _a, announcementBy: _by, announcementAt: _at, mutedAll: _m, joinPolicy: _j, ...olderGroup } = rows.groups[0]!;
      const olderMembers = rows.groupMembers.map(({ nickname: _n, mutedUntil: _u, ...member }) => member);
      const group = TRANSFER_SCHEMAS.groups.safeParse(olderGroup);
      const members = olderMembers.map((member) => TRANSFER_SCHEMAS.groupMembers.safeParse(member));
      expect([group.success, ...members.map((member) => member.success)]).toEqual([true, true, true, true]);
      const target = await open();
      await target.transfer.write('groups', [group.data!]);
      await target.transfer.write('groupMembers', members.map((member) => member.data!));
      const scope = target.forApp('appA');
      const { appId: _appId, ...record } = olderGroup;
      const defaults = { description: '', announcement: '', announcementBy: null, announcementAt: null, mutedAll: false, joinPolicy: GroupJoinPolicy.INVITE };
      expect(await scope.groups.get('crew')).toStrictEqual({ ...record, ...defaults });
      const listed = await scope.groups.listMembers('crew');
      expect(listed.map((member) => [member.userId, member.role, member.nickname, member.mutedUntil])).toEqual([
        ['a', GroupRole.OWNER, '', null],
        ['b', GroupRole.ADMIN, '', null],
        ['c', GroupRole.MEMBER, '', null],
      ]);
      expect(await readAll(target, 'groups', EVERYTHING)).toStrictEqual([{ ...olderGroup, ...defaults }]);
      expect(TRANSFER_SCHEMAS.groups.safeParse({ ...olderGroup, joinPolicy: 'anyone' }).success).toBe(false);
      expect(TRANSFER_SCHEMAS.groupMembers.safeParse({ ...olderMembers[0], mutedUntil: 'soon' }).success).toBe(false);
    });

    it('leaves out what the port reads as absent: a dismissed group and its members', async () => {
      const rows = await readEverything(source, EVERYTHING);
      expect(rows.groups.map((group) => group.groupId)).toEqual(['crew']);
      expect(rows.groupMembers.every((member) => member.groupId === 'crew')).toBe(true);
    });

    it('one app\'s read holds the app, its tenant and its data, and nothing of another app or any console login', async () => {
      const whole = await readEverything(source, EVERYTHING);
      const one = await readEverything(source, APP_A);
      expect(one.tenants).toEqual([tenantOne]);
      expect(one.consoleTokens).toEqual([]);
      expect(one.apps.map((app) => app.appId)).toEqual(['appA']);
      for (const collection of APP_DATA) {
        const appA = whole[collection].filter((row: { appId: string }) => row.appId === 'appA');
        expect(appA.length, collection).toBeGreaterThan(0);
        expect(sortedBy([...one[collection]], canonical), collection).toEqual(sortedBy(appA, canonical));
      }

      const target = await open();
      await load(target, one);
      expect((await portView(target)).appA).toEqual((await portView(source)).appA);
      expect(await target.apps.get('appB')).toBeNull();
      expect(await target.tenants.get('t2')).toBeNull();
      expect(await target.consoleTokens.findByHash(consoleToken.tokenHash)).toBeNull();
      expect(await target.forApp('appB').users.count()).toBe(0);
      expect(await target.forApp('appB').conversations.get('p:a:b')).toBeNull();
    });

    it('an app that does not exist reads as nothing at all', async () => {
      const rows = await readEverything(source, { appId: 'nope' });
      expect(TRANSFER_COLLECTIONS.filter((collection) => rows[collection].length > 0)).toEqual([]);
    });

    it('reads in batches of at most TRANSFER_BATCH, and an import writing batch by batch gets every row', async () => {
      // Written in one call: as many upserts one by one take seconds on a database.
      const extra = Array.from({ length: TRANSFER_BATCH + 1 }, (_, i) => ({ appId: 'appB', userId: `u${i}`, name: `u${i}`, avatarUri: '', createdAt: 1, updatedAt: 1 }));
      await source.transfer.write('users', extra);
      const many = source.forApp('appB');
      const target = await open();
      const sizes: number[] = [];
      for await (const batch of source.transfer.read('users', EVERYTHING)) {
        sizes.push(batch.length);
        await target.transfer.write('users', batch);
      }
      expect(sizes.length).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(TRANSFER_BATCH);
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(USERS.length + 1 + TRANSFER_BATCH + 1);
      expect(await target.forApp('appB').users.count()).toBe(TRANSFER_BATCH + 2);
      expect(await target.forApp('appB').users.get(`u${TRANSFER_BATCH}`)).toEqual(await many.users.get(`u${TRANSFER_BATCH}`));
    });

    it('messages written before their conversation make it readable, and its row then replaces the summary', async () => {
      const rows = await readEverything(source, EVERYTHING);
      const input = inputOf(rows);
      const target = await open();
      for (const collection of ['tenants', 'apps', 'users', 'messages'] as const) await writeRows(target, input, collection);
      expect(await target.forApp('appA').conversations.get('p:a:b')).toMatchObject({
        lastSeq: 3,
        lastMessage: { seq: 3, preview: RECALLED_PREVIEW },
      });
      expect((await target.forApp('appA').conversations.listAfter('p:a:b', 0, 10)).map((message) => message.seq)).toEqual([1, 2, 3]);

      await load(target, rows);
      expect(await portView(target)).toEqual(await portView(source));
    });

    it('one write replaces the stored records with the rows\' keys and adds the rest', async () => {
      const rows = await readEverything(source, EVERYTHING);
      const target = await open();
      await load(target, rows);
      const scope = target.forApp('appA');

      const user = (userId: string, name: string) => ({ appId: 'appA', userId, name, avatarUri: '', createdAt: 1, updatedAt: 9 });
      await target.transfer.write('users', [user('a', 'A again'), user('d', 'new'), user('c', 'C again')]);
      expect([...(await scope.users.getMany(['a', 'b', 'c', 'd'])).values()].map((u) => u.name)).toEqual(['A again', 'User b', 'C again', 'new']);
      expect(await scope.users.count()).toBe(4);

      const renamed = { ...photo, name: 'renamed.png', thumb: null, size: 40_000 };
      const added: FileRecord = { ...report, fileId: FILE_IDS[3], size: 5 };
      await target.transfer.write('files', [{ appId: 'appA', ...renamed }, { appId: 'appA', ...added }]);
      expect(await scope.files.get(photo.fileId)).toStrictEqual(renamed);
      expect(await scope.files.get(added.fileId)).toStrictEqual(added);
      expect(await scope.files.usage()).toEqual({ files: 4, bytes: 40_000 + 0 + 9_999 + 5 });
      expect((await target.forApp('appB').files.get(photo.fileId))?.size).toBe(7);

      const second = rows.messages.find((message) => message.appId === 'appA' && message.conversationId === 'p:a:b' && message.seq === 2)!;
      const recalled = { ...second, content: {}, recall: { by: null, at: 5000 } };
      await target.transfer.write('messages', [{ ...recalled, preview: RECALLED_PREVIEW }]);
      const { appId: _appId, ...stored } = recalled;
      expect(await scope.conversations.getMessage(second.msgId)).toEqual(stored);
      expect((await scope.conversations.listAfter('p:a:b', 0, 10)).map((message) => [message.seq, message.recall !== null])).toEqual([
        [1, false],
        [2, true],
        [3, true],
      ]);
    });

    it('a tenant row replaces the tenant with its id, and is refused when another tenant has its email', async () => {
      const target = await open();
      await load(target, await readEverything(source, EVERYTHING));

      await target.transfer.write('tenants', [{ ...tenantOne, email: 'moved@x.io' }]);
      expect((await target.tenants.getByEmail('moved@x.io'))?.tenantId).toBe('t1');
      expect(await target.tenants.getByEmail(tenantOne.email)).toBeNull();

      await expect(target.transfer.write('tenants', [{ ...tenantTwo, tenantId: 't9' }])).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await target.tenants.get('t9')).toBeNull();
      expect((await target.tenants.getByEmail(tenantTwo.email))?.tenantId).toBe('t2');
    });
  });
}

/** Two tenants with an app each; in appA a history with every kind of record the transfer carries. */
export async function fill(store: Store): Promise<void> {
  await store.tenants.insert(tenantOne);
  await store.tenants.insert(tenantTwo);
  await store.consoleTokens.insert(consoleToken);
  await store.apps.insert(app('appA', 't1'));
  await store.apps.insert(app('appB', 't2'));

  const scope = store.forApp('appA');
  for (const [i, userId] of USERS.entries()) await scope.users.upsert({ userId, name: `User ${userId}`, avatarUri: `https://x.io/${userId}.png` }, 100 + i);
  await scope.users.upsert({ userId: 'a', name: 'Renamed', avatarUri: '' }, 150);
  await scope.tokens.insert({ tokenHash: 'user-a', userId: 'a', createdAt: 100, expiresAt: 10_000_000, revokedAt: null }, 100);
  await scope.tokens.insert({ tokenHash: 'user-b', userId: 'b', createdAt: 100, expiresAt: 10_000_000, revokedAt: null }, 100);
  await scope.tokens.revokeAllForUser('b', 200);
  // a blocks c, then b (b listed second: blocked later); c blocks a back; a's block of d is lifted.
  await scope.blocks.add('a', ['c', 'd'], 400);
  await scope.blocks.add('a', ['b', 'c'], 410);
  await scope.blocks.add('c', ['a'], 420);
  await scope.blocks.remove('a', ['d']);
  // c asks a (accepted: friends, a files c under "Book club" with a remark), b asks a (pending),
  // a asks b (rejected), b asks c (dropped: pending for b, unseen by c); a has a second, empty
  // friend group listed first.
  await scope.friends.insertRequest({ requestId: REQUEST_IDS[0], fromUserId: 'c', toUserId: 'a', message: 'Hi, it\'s c 😀', status: 'pending', createdAt: 430, decidedAt: null, dropped: false });
  await scope.friends.insertRequest({ requestId: REQUEST_IDS[1], fromUserId: 'b', toUserId: 'a', message: '', status: 'pending', createdAt: 431, decidedAt: null, dropped: false });
  await scope.friends.insertRequest({ requestId: REQUEST_IDS[2], fromUserId: 'a', toUserId: 'b', message: 'b?', status: 'pending', createdAt: 432, decidedAt: null, dropped: false });
  await scope.friends.insertRequest({ requestId: REQUEST_IDS[3], fromUserId: 'b', toUserId: 'c', message: 'c?', status: 'pending', createdAt: 433, decidedAt: null, dropped: true });
  await scope.friends.decideRequest(REQUEST_IDS[0], 'accepted', 440);
  await scope.friends.decideRequest(REQUEST_IDS[2], 'rejected', 441);
  await scope.friends.befriend('c', 'a', 440);
  await scope.friends.insertFriendGroup({ userId: 'a', friendGroupId: FRIEND_GROUP_IDS[0], name: 'Book club', order: 2, createdAt: 450 });
  await scope.friends.insertFriendGroup({ userId: 'a', friendGroupId: FRIEND_GROUP_IDS[1], name: 'Work', order: 1, createdAt: 451 });
  await scope.friends.updateFriend('a', 'c', { remark: 'Cee', friendGroupId: FRIEND_GROUP_IDS[0] });

  // crew: a owns it, b becomes admin with a nickname and is muted, c leaves and joins again (going
  // last, joinIndex 3, with a nickname); b posts an announcement, the group is muted and asks for
  // approval to join.
  const crew: GroupRecord = groupRecord('crew', { name: 'Crew', description: 'The crew 🚀', memberCount: 3, joinCount: 3, createdAt: 300, updatedAt: 300 });
  await scope.groups.insert(crew, USERS.map((userId, joinIndex) => memberRecord(userId, joinIndex, joinIndex === 0 ? GroupRole.OWNER : GroupRole.MEMBER, { joinedAt: 300 })));
  await scope.groups.replace({ ...crew, memberCount: 2, version: 2, updatedAt: 310 }, 1, { remove: ['c'] });
  // The event of that last change still waits to be stored in the conversation.
  const administered = { announcement: 'Meet on Friday «18:00» 😀', announcementBy: 'b', announcementAt: 320, mutedAll: true, joinPolicy: GroupJoinPolicy.APPROVAL, pendingEvents: [WAITING_EVENT] };
  await scope.groups.replace({ ...crew, ...administered, memberCount: 3, joinCount: 4, version: 3, updatedAt: 320 }, 2, {
    add: [memberRecord('c', 3, GroupRole.MEMBER, { joinedAt: 320, nickname: 'Cee' })],
    update: [memberRecord('b', 1, GroupRole.ADMIN, { joinedAt: 300, nickname: 'Bee «admin» 🐝', mutedUntil: 9_000_000 })],
  });
  // d's first request to join crew is rejected, d asks again (pending); e, invited by b, is
  // approved by a (inserted in this order, decided after: a read gives them in its own).
  const [asked, invited, refused] = joinRequests as [JoinRequestRecord, JoinRequestRecord, JoinRequestRecord];
  await scope.joinRequests.insert({ ...refused, status: 'pending', decidedBy: null, decidedAt: null });
  await scope.joinRequests.decide(refused.requestId, { status: 'rejected', decidedBy: null, decidedAt: 326 });
  await scope.joinRequests.insert({ ...invited, status: 'pending', decidedBy: null, decidedAt: null });
  await scope.joinRequests.insert(asked);
  await scope.joinRequests.decide(invited.requestId, { status: 'approved', decidedBy: 'a', decidedAt: 341 });
  await scope.groups.insert({ ...crew, groupId: 'gone', memberCount: 1, joinCount: 1 }, [memberRecord('a', 0, GroupRole.OWNER, { joinedAt: 300 })]);
  await scope.groups.delete('gone');

  await send(scope, { content: { content: 'hello' }, clientMsgId: 'k1', timestamp: 1001 });
  await send(scope, { senderUserId: 'b', targetId: 'a', content: { content: 'hi there', extra: { nested: [1, [2]], 'dotted.key': true } }, timestamp: 1002 });
  const { message: oops } = await send(scope, { content: { content: 'oops' }, timestamp: 1003 });
  await scope.conversations.recall(oops.msgId, { by: 'a', at: 1004 }, RECALLED_PREVIEW);
  await send(scope, groupMessage('a', { content: 'welcome' }));
  // Inserted out of fileId order: a read gives them in its own.
  for (const file of [voice, photo, report]) await scope.files.insert(file);
  await send(scope, { ...groupMessage('b', { url: 'https://x.io/cat.png', width: 4, height: 3 }), messageType: MessageType.IMAGE });
  await send(scope, groupMessage('c', { content: 'back again' }));

  const session = (userId: string, conversationId: string, targetId: string) =>
    scope.sessions.ensure({
      sid: newObjectId(),
      userId,
      conversationId,
      conversationType: conversationId.startsWith('g:') ? ConversationType.GROUP : ConversationType.PRIVATE,
      targetId,
      initialReadSeq: 0,
      createdAt: 500,
    });
  await session('a', 'p:a:b', 'b');
  await session('b', 'p:a:b', 'a');
  for (const userId of USERS) await session(userId, 'g:crew', 'crew');
  await scope.sessions.advanceRead('a', 'p:a:b', 3);
  await scope.sessions.advanceRead('c', 'g:crew', 2);
  // Carol muted the crew's notifications: the flag travels with her session.
  await scope.sessions.setDoNotDisturb('c', 'g:crew', true);

  // appB uses the same ids: only the app tells them apart.
  const other = store.forApp('appB');
  await other.users.upsert({ userId: 'a', name: 'Another a', avatarUri: '' }, 100);
  await other.blocks.add('a', ['b'], 100);
  await other.friends.befriend('a', 'b', 100);
  await other.joinRequests.insert({ ...joinRequests[0]!, userId: 'a', message: 'same id, other app' });
  await send(other, { content: { content: 'in appB' } });
  await other.files.insert({ ...photo, uploaderUserId: 'a', name: 'same id, other app.png', size: 7 });
  await other.sessions.ensure({ sid: newObjectId(), userId: 'a', conversationId: 'p:a:b', conversationType: ConversationType.PRIVATE, targetId: 'b', initialReadSeq: 0, createdAt: 500 });
}

function app(appId: string, tenantId: string): AppRecord {
  return {
    appId,
    tenantId,
    appName: `App ${appId}`,
    description: 'moved between stores',
    secret: `secret-${appId}`,
    previousSecret: 'old-secret',
    previousSecretValidUntil: 5000,
    settings: { ...domainSettings(loadConfig({})).defaultAppSettings, maxGroupMembers: 50 },
    createdAt: 1,
    updatedAt: 2,
  };
}

/** Appends as the domain does: the preview computed from the content. */
function send(scope: AppScope, overrides: Partial<MessageDraft>) {
  const draft = messageDraft(overrides);
  return scope.conversations.append({ ...draft, preview: previewOf(draft.messageType, draft.content) });
}

function groupMessage(senderUserId: string, content: MessageDraft['content']): Partial<MessageDraft> {
  return { conversationId: 'g:crew', conversationType: ConversationType.GROUP, senderUserId, targetId: 'crew', content, timestamp: 2000 };
}

/** Everything the domain can read of the fixture, through the port methods. */
async function portView(store: Store) {
  return {
    tenants: [await store.tenants.get('t1'), await store.tenants.get('t2'), await store.tenants.getByEmail(tenantOne.email), await store.tenants.getByEmail(tenantTwo.email)],
    consoleToken: await store.consoleTokens.findByHash(consoleToken.tokenHash),
    apps: [await store.apps.get('appA'), await store.apps.get('appB'), await store.apps.listByTenant('t1'), await store.apps.listByTenant('t2')],
    appA: await appView(store.forApp('appA')),
    appB: await appView(store.forApp('appB')),
  };
}

async function appView(scope: AppScope) {
  const conversations = await scope.conversations.getMany(CONVERSATIONS);
  const history = await Promise.all(CONVERSATIONS.map((id) => scope.conversations.listMessages(id, { limit: 10 })));
  const sessions = await Promise.all(USERS.map(async (userId) => sortedBy(await scope.sessions.listForUser(userId), (s) => s.conversationId)));
  return {
    users: await scope.users.getMany(USERS),
    userCount: await scope.users.count(),
    tokens: [await scope.tokens.findByHash('user-a'), await scope.tokens.findByHash('user-b')],
    groups: await scope.groups.getMany(['crew', 'gone']),
    groupCount: await scope.groups.count(),
    members: await scope.groups.listMembers('crew'),
    memberPage: await scope.groups.listMembers('crew', { offset: 1, limit: 1 }),
    membership: await scope.groups.getMembers('crew', USERS),
    firstAdmin: await scope.groups.firstMember('crew', { role: GroupRole.ADMIN, excluding: [] }),
    groupsOf: await Promise.all(USERS.map(async (userId) => (await scope.groups.groupIdsOf(userId)).sort())),
    conversations,
    each: await Promise.all(CONVERSATIONS.map((id) => scope.conversations.get(id))),
    history,
    olderPage: await Promise.all(CONVERSATIONS.map((id) => scope.conversations.listMessages(id, { beforeSeq: 3, limit: 1 }))),
    after: await Promise.all(CONVERSATIONS.map((id) => scope.conversations.listAfter(id, 1, 10))),
    byMsgId: await Promise.all(history.flat().map((message) => scope.conversations.getMessage(message.msgId))),
    byClientMsgId: await scope.conversations.findByClientMsgId('a', 'k1'),
    sessions,
    session: await Promise.all(USERS.map((userId) => scope.sessions.get(userId, 'p:a:b'))),
    bySid: await Promise.all(sessions.flat().map((session) => scope.sessions.getBySid(session.userId, session.sid))),
    withSession: await scope.sessions.usersWithSessionIn(['p:a:b'], USERS),
    files: await scope.files.getMany(FILE_IDS),
    file: await Promise.all(FILE_IDS.map((fileId) => scope.files.get(fileId))),
    fileUsage: await scope.files.usage(),
    blockLists: await Promise.all(USERS.map((userId) => scope.blocks.list(userId, 10))),
    blockCounts: await Promise.all(USERS.map((userId) => scope.blocks.count(userId))),
    blocking: await Promise.all(USERS.flatMap((userId) => USERS.map((otherUserId) => scope.blocks.blocks(userId, otherUserId)))),
    requests: await Promise.all(REQUEST_IDS.map((requestId) => scope.friends.getRequest(requestId))),
    pendingBetween: await Promise.all(USERS.flatMap((userId) => USERS.map((otherUserId) => scope.friends.pendingBetween(userId, otherUserId)))),
    incoming: await Promise.all(USERS.map((userId) => scope.friends.listPending(userId, 'incoming', 10))),
    outgoing: await Promise.all(USERS.map((userId) => scope.friends.listPending(userId, 'outgoing', 10))),
    requestsIn: await Promise.all(USERS.map((userId) => scope.friends.listRequests(userId, 'incoming', 10))),
    requestsOut: await Promise.all(USERS.map((userId) => scope.friends.listRequests(userId, 'outgoing', 10))),
    friendLists: await Promise.all(USERS.map((userId) => scope.friends.listFriends(userId, 10))),
    friendCounts: await Promise.all(USERS.map((userId) => scope.friends.countFriends(userId))),
    friendship: await Promise.all(USERS.flatMap((userId) => USERS.map((otherUserId) => scope.friends.getFriend(userId, otherUserId)))),
    friendGroups: await Promise.all(USERS.map((userId) => scope.friends.listFriendGroups(userId))),
    joinRequests: await Promise.all(JOIN_REQUEST_IDS.map((requestId) => scope.joinRequests.get(requestId))),
    pendingJoins: await Promise.all([...USERS, ...JOINERS].map((userId) => scope.joinRequests.pendingOf('crew', userId))),
    pendingJoinList: await scope.joinRequests.listPending('crew', 10),
    pendingJoinPage: await scope.joinRequests.listPending('crew', 1),
  };
}

function requestIdsOf(requests: readonly { requestId: string }[]): string[] {
  return requests.map((request) => request.requestId);
}

async function readAll<C extends TransferCollection>(store: Store, collection: C, scope: TransferScope): Promise<TransferRecords[C][]> {
  const rows: TransferRecords[C][] = [];
  for await (const batch of store.transfer.read(collection, scope)) rows.push(...batch);
  return rows;
}

export async function readEverything(store: Store, scope: TransferScope): Promise<Rows> {
  return {
    tenants: await readAll(store, 'tenants', scope),
    consoleTokens: await readAll(store, 'consoleTokens', scope),
    apps: await readAll(store, 'apps', scope),
    users: await readAll(store, 'users', scope),
    userTokens: await readAll(store, 'userTokens', scope),
    blocks: await readAll(store, 'blocks', scope),
    friendRequests: await readAll(store, 'friendRequests', scope),
    friendGroups: await readAll(store, 'friendGroups', scope),
    friends: await readAll(store, 'friends', scope),
    files: await readAll(store, 'files', scope),
    groups: await readAll(store, 'groups', scope),
    groupMembers: await readAll(store, 'groupMembers', scope),
    joinRequests: await readAll(store, 'joinRequests', scope),
    conversations: await readAll(store, 'conversations', scope),
    messages: await readAll(store, 'messages', scope),
    sessions: await readAll(store, 'sessions', scope),
  };
}

/** The rows with each message's preview, as an import computes it (the domain's text, or the recalled one). */
function inputOf(rows: Rows): Input {
  return { ...rows, messages: rows.messages.map((message) => ({ ...message, preview: message.recall ? RECALLED_PREVIEW : previewOf(message.messageType, message.content) })) };
}

/** Writes every collection in the port's order, as an import does. */
export async function load(store: Store, rows: Rows, options: { reversed?: boolean } = {}): Promise<void> {
  const input = inputOf(rows);
  for (const collection of TRANSFER_COLLECTIONS) await writeRows(store, input, collection, options);
}

async function writeRows<C extends TransferCollection>(store: Store, input: Input, collection: C, options: { reversed?: boolean } = {}): Promise<void> {
  const rows: readonly TransferInput[C][] = input[collection];
  await store.transfer.write(collection, options.reversed ? [...rows].reverse() : rows);
}

/** Each collection's rows in one order whatever order the adapter reads them in (the port promises none). */
function sortedRows(rows: Rows): Record<string, unknown[]> {
  return Object.fromEntries(TRANSFER_COLLECTIONS.map((collection) => [collection, sortedBy<unknown>([...rows[collection]], canonical)]));
}

function sortedBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  return items.sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
}

/** JSON with every object's keys sorted: the same text for equal records whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );
}
