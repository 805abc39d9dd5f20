import { ConversationType, FileCategory, GroupEventKind, GroupJoinPolicy, GroupRole, MessageType } from '@parley/sdk/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { domainSettings } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { newObjectId } from '../src/domain/ids.js';
import { DuplicateKeyError, type Store } from '../src/store/ports.js';
import type { AppRecord, BlockRecord, FileRecord, FriendGroupRecord, FriendRequestRecord, GroupRecord, JoinRequestRecord, MemberRecord, PendingGroupEvent } from '../src/store/records.js';
import { documentFileRecord, groupRecord, imageFileRecord, memberRecord, messageDraft } from './support/store-fixtures.js';

/**
 * The conformance suite of the store port. Every adapter runs it; what it checks is what the
 * domain relies on, so an adapter that passes can replace another without the domain noticing.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });

    const app = (appId: string, tenantId = 't1'): AppRecord => ({
      appId,
      tenantId,
      appName: appId,
      description: '',
      secret: 's',
      previousSecret: null,
      previousSecretValidUntil: null,
      settings: { ...domainSettings(loadConfig({})).defaultAppSettings, tokenTtlSeconds: 60, maxGroupMembers: 10 },
      createdAt: 1,
      updatedAt: 1,
    });

    const draft = messageDraft;

    const member = (userId: string, joinIndex: number, role: GroupRole = GroupRole.MEMBER, overrides: Partial<MemberRecord> = {}): MemberRecord =>
      memberRecord(userId, joinIndex, role, { joinedAt: 1 + joinIndex, ...overrides });
    /** Group `groupId` owned by the first of `memberIds`, with all of them as members in that order. */
    const group = (groupId: string, memberIds: readonly string[] = ['a'], overrides: Partial<GroupRecord> = {}): [GroupRecord, MemberRecord[]] => [
      groupRecord(groupId, { ownerId: memberIds[0]!, memberCount: memberIds.length, joinCount: memberIds.length, ...overrides }),
      memberIds.map((userId, i) => member(userId, i, i === 0 ? GroupRole.OWNER : GroupRole.MEMBER)),
    ];
    const ids = (members: readonly MemberRecord[]) => members.map((m) => m.userId);

    describe('accounts', () => {
      it('refuses a second tenant with the same email', async () => {
        await store.tenants.insert({ tenantId: 't1', email: 'a@x.io', passwordHash: 'h', createdAt: 1 });
        await expect(store.tenants.insert({ tenantId: 't2', email: 'a@x.io', passwordHash: 'h', createdAt: 1 })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect((await store.tenants.getByEmail('a@x.io'))?.tenantId).toBe('t1');
      });

      it('finds a tenant by id and replaces its password hash', async () => {
        await store.tenants.insert({ tenantId: 't1', email: 'a@x.io', passwordHash: 'old', createdAt: 1 });
        expect(await store.tenants.setPasswordHash('t1', 'new')).toBe(true);
        expect(await store.tenants.setPasswordHash('nobody', 'new')).toBe(false);
        expect((await store.tenants.get('t1'))?.passwordHash).toBe('new');
        expect((await store.tenants.getByEmail('a@x.io'))?.passwordHash).toBe('new');
        expect(await store.tenants.get('nobody')).toBeNull();
      });

      it('deletes one console token, or every token of one tenant', async () => {
        const token = (tokenHash: string, tenantId: string) => ({ tokenHash, tenantId, createdAt: 1, expiresAt: 10_000 });
        for (const [hash, tenant] of [['h1', 't1'], ['h2', 't1'], ['h3', 't1'], ['h4', 't2']] as const) await store.consoleTokens.insert(token(hash, tenant));
        await store.consoleTokens.delete('h1');
        expect(await store.consoleTokens.findByHash('h1')).toBeNull();
        expect(await store.consoleTokens.deleteAllForTenant('t1')).toBe(2);
        expect(await store.consoleTokens.findByHash('h2')).toBeNull();
        expect(await store.consoleTokens.findByHash('h4')).toMatchObject({ tenantId: 't2' });
      });

      it('lists apps by tenant in creation order, updates and deletes them', async () => {
        await store.apps.insert({ ...app('a2'), createdAt: 2 });
        await store.apps.insert(app('a1'));
        await store.apps.insert(app('b1', 't2'));
        await expect(store.apps.insert(app('a1'))).rejects.toBeInstanceOf(DuplicateKeyError);
        expect((await store.apps.listByTenant('t1')).map((a) => a.appId)).toEqual(['a1', 'a2']);
        expect(await store.apps.update('a1', { appName: 'renamed', updatedAt: 5 })).toMatchObject({ appName: 'renamed', secret: 's' });
        expect(await store.apps.update('nope', { updatedAt: 5 })).toBeNull();
        expect(await store.apps.delete('a1')).toBe(true);
        expect(await store.apps.delete('a1')).toBe(false);
        expect(await store.apps.get('a1')).toBeNull();
      });

      it('hands out copies: changing a returned record changes nothing stored', async () => {
        await store.apps.insert(app('c1'));
        const copy = await store.apps.get('c1');
        copy!.settings.maxGroupMembers = 999;
        expect((await store.apps.get('c1'))?.settings.maxGroupMembers).toBe(10);
      });

      it('a message, its content and the draft it came from are the store\'s own: changing them changes nothing stored', async () => {
        const scope = store.forApp('app');
        const content = { content: 'as sent', extra: { nested: [1, 2] } };
        const { message } = await scope.conversations.append(draft({ content }));
        content.content = 'changed by the caller afterwards';
        message.seq = 99;
        try {
          // An adapter may hand out frozen content (the memory one shares it between copies): then this throws.
          (message.content as { extra?: { nested: number[] } }).extra!.nested.push(3);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
        const [stored] = await scope.conversations.listMessages('p:a:b', { limit: 1 });
        expect(stored).toMatchObject({ seq: 1, content: { content: 'as sent', extra: { nested: [1, 2] } } });
      });
    });

    describe('tenancy', () => {
      it('counts users and groups of one app only', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const userId of ['u1', 'u2', 'u1']) await a.users.upsert({ userId, name: userId, avatarUri: '' }, 1);
        await a.groups.insert(...group('g1'));
        await b.users.upsert({ userId: 'u1', name: 'u1', avatarUri: '' }, 1);
        expect([await a.users.count(), await a.groups.count(), await b.users.count(), await b.groups.count()]).toEqual([2, 1, 1, 0]);
        await a.groups.delete('g1');
        expect(await a.groups.count()).toBe(0);
      });

      it('keeps two apps apart even with identical ids', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        await a.users.upsert({ userId: 'u', name: 'in A', avatarUri: '' }, 1);
        await a.groups.insert(...group('g'));
        await a.conversations.append(draft());
        expect(await b.users.get('u')).toBeNull();
        expect(await b.groups.get('g')).toBeNull();
        expect(await b.conversations.get('p:a:b')).toBeNull();
        await b.groups.insert(...group('g'));
        await b.conversations.append(draft());
        expect((await a.conversations.get('p:a:b'))?.lastSeq).toBe(1);
      });

      it('purge removes every record of one app only', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) {
          await scope.users.upsert({ userId: 'u', name: 'x', avatarUri: '' }, 1);
          await scope.conversations.append(draft());
        }
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.users.get('u')).toBeNull();
        expect(await fresh.conversations.get('p:a:b')).toBeNull();
        expect(await b.users.get('u')).not.toBeNull();
      });

      it('purge also removes tokens, groups and sessions, and the app starts afresh', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) {
          await scope.tokens.insert({ tokenHash: 'h', userId: 'u', createdAt: 1, expiresAt: 100, revokedAt: null }, 1);
          await scope.groups.insert(...group('g'));
          await scope.sessions.ensure({ sid: newObjectId(), userId: 'u', conversationId: 'p:a:b', conversationType: ConversationType.PRIVATE, targetId: 'b', initialReadSeq: 0, createdAt: 1 });
          await scope.conversations.append(draft({ clientMsgId: 'k' }));
        }
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.tokens.findByHash('h')).toBeNull();
        expect(await fresh.groups.count()).toBe(0);
        expect(await fresh.sessions.listForUser('u')).toEqual([]);
        expect(await fresh.conversations.findByClientMsgId('a', 'k')).toBeNull();
        expect((await fresh.conversations.append(draft({ clientMsgId: 'k' }))).message.seq).toBe(1);
        expect(await b.tokens.findByHash('h')).not.toBeNull();
        expect(await b.sessions.listForUser('u')).toHaveLength(1);
        expect((await b.conversations.get('p:a:b'))?.lastSeq).toBe(1);
      });
    });

    describe('users and tokens', () => {
      it('upsert creates, then updates name and avatar keeping createdAt', async () => {
        const scope = store.forApp('app');
        const created = await scope.users.upsert({ userId: 'u', name: 'A', avatarUri: 'x' }, 1);
        const updated = await scope.users.upsert({ userId: 'u', name: 'B', avatarUri: 'y' }, 2);
        expect(created).toMatchObject({ name: 'A', createdAt: 1, updatedAt: 1 });
        expect(updated).toMatchObject({ name: 'B', avatarUri: 'y', createdAt: 1, updatedAt: 2 });
        expect([...(await scope.users.getMany(['u', 'missing'])).keys()]).toEqual(['u']);
      });

      it('concurrent first logins of one user create it once', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => scope.users.upsert({ userId: 'u', name: `n${i}`, avatarUri: '' }, 1)));
        expect(results.every((user) => user.userId === 'u' && user.createdAt === 1)).toBe(true);
        expect(await scope.users.count()).toBe(1);
        expect(results.map((user) => user.name)).toContain((await scope.users.get('u'))?.name);
      });

      it('getMany answers in the order asked, skipping unknown and repeated ids', async () => {
        const scope = store.forApp('app');
        for (const userId of ['u1', 'u2', 'u3']) await scope.users.upsert({ userId, name: userId, avatarUri: '' }, 1);
        expect([...(await scope.users.getMany(['u3', 'nobody', 'u1', 'u3'])).keys()]).toEqual(['u3', 'u1']);
        expect(await scope.users.getMany([])).toEqual(new Map());
        for (const groupId of ['g1', 'g2']) await scope.groups.insert(...group(groupId));
        expect([...(await scope.groups.getMany(['g2', 'g0', 'g1'])).keys()]).toEqual(['g2', 'g1']);
      });

      it('revokes only live tokens of one user', async () => {
        const scope = store.forApp('app');
        const token = (tokenHash: string, userId: string, expiresAt: number) => ({ tokenHash, userId, createdAt: 1, expiresAt, revokedAt: null });
        await scope.tokens.insert(token('h1', 'u', 100), 1);
        await scope.tokens.insert(token('h2', 'u', 5), 1);
        await scope.tokens.insert(token('h3', 'v', 100), 1);
        expect(await scope.tokens.revokeAllForUser('u', 10)).toBe(1);
        expect((await scope.tokens.findByHash('h1'))?.revokedAt).toBe(10);
        expect((await scope.tokens.findByHash('h3'))?.revokedAt).toBeNull();
      });
    });

    describe('groups', () => {
      it('compare-and-set: of two writers holding the same version only one wins, with its member change', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b']));
        await expect(scope.groups.insert(...group('g'))).rejects.toBeInstanceOf(DuplicateKeyError);
        const base = (await scope.groups.get('g'))!;
        const first = await scope.groups.replace({ ...base, name: 'first', memberCount: 3, joinCount: 3, version: base.version + 1 }, base.version, { add: [member('c', 2)] });
        const second = await scope.groups.replace({ ...base, name: 'second', memberCount: 1, version: base.version + 1 }, base.version, { remove: ['b'] });
        expect([first, second]).toEqual([true, false]);
        expect(await scope.groups.get('g')).toMatchObject({ name: 'first', memberCount: 3, joinCount: 3 });
        expect(ids(await scope.groups.listMembers('g'))).toEqual(['a', 'b', 'c']);
        expect(await scope.groups.delete('g')).toBe(true);
        expect(await scope.groups.replace({ ...base, version: base.version + 2 }, base.version + 1)).toBe(false);
      });

      it('keeps members in join order, a member who leaves and comes back going last, and pages them', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b', 'c', 'd']));
        let current = (await scope.groups.get('g'))!;
        expect(await scope.groups.replace({ ...current, memberCount: 3, version: current.version + 1 }, current.version, { remove: ['b'] })).toBe(true);
        current = (await scope.groups.get('g'))!;
        expect(
          await scope.groups.replace({ ...current, memberCount: 4, joinCount: 5, version: current.version + 1 }, current.version, { add: [member('b', 4)] }),
        ).toBe(true);
        expect(ids(await scope.groups.listMembers('g'))).toEqual(['a', 'c', 'd', 'b']);
        expect(ids(await scope.groups.listMembers('g', { offset: 1, limit: 2 }))).toEqual(['c', 'd']);
        expect(ids(await scope.groups.listMembers('g', { offset: 3, limit: 10 }))).toEqual(['b']);
        expect(await scope.groups.listMembers('g', { offset: 4, limit: 10 })).toEqual([]);
        expect((await scope.groups.getMembers('g', ['b']))?.get('b')).toEqual(member('b', 4));
      });

      it('answers a membership check for some users without the rest, and a user\'s groups', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g1', ['a', 'b']));
        await scope.groups.insert(...group('g2', ['b', 'c']));
        await scope.groups.insert(...group('g3', ['c']));
        expect([...(await scope.groups.getMembers('g1', ['c', 'b', 'nobody', 'b'])).keys()]).toEqual(['b']);
        expect(await scope.groups.getMembers('g1', [])).toEqual(new Map());
        expect((await scope.groups.groupIdsOf('b')).sort()).toEqual(['g1', 'g2']);
        expect(await scope.groups.groupIdsOf('nobody')).toEqual([]);
        expect(await store.forApp('other').groups.groupIdsOf('b')).toEqual([]);
      });

      it('changes roles, and finds the earliest member with a role leaving some out', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b', 'c', 'd']));
        const current = (await scope.groups.get('g'))!;
        const update = [...(await scope.groups.getMembers('g', ['c', 'd'])).values()].map((stored) => ({ ...stored, role: GroupRole.ADMIN }));
        expect(update.map((record) => record.userId)).toEqual(['c', 'd']);
        expect(await scope.groups.replace({ ...current, version: current.version + 1 }, current.version, { update })).toBe(true);
        expect((await scope.groups.firstMember('g', { role: GroupRole.ADMIN, excluding: [] }))?.userId).toBe('c');
        expect((await scope.groups.firstMember('g', { role: GroupRole.ADMIN, excluding: ['c'] }))?.userId).toBe('d');
        expect((await scope.groups.firstMember('g', { excluding: ['a'] }))?.userId).toBe('b');
        expect(await scope.groups.firstMember('g', { excluding: ['a', 'b', 'c', 'd'] })).toBeNull();
        expect((await scope.groups.listMembers('g')).map((m) => m.role)).toEqual([GroupRole.OWNER, GroupRole.MEMBER, GroupRole.ADMIN, GroupRole.ADMIN]);
      });

      it('update replaces the records of members who stay: role, nickname and mute, set and cleared again', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b', 'c']));
        let current = (await scope.groups.get('g'))!;
        const b = (await scope.groups.getMembers('g', ['b'])).get('b')!;
        expect(b).toStrictEqual(member('b', 1));
        const changed: MemberRecord = { ...b, role: GroupRole.ADMIN, nickname: 'Bee 🐝 «the second»', mutedUntil: 1_700_000_360_000 };
        expect(await scope.groups.replace({ ...current, version: current.version + 1 }, current.version, { update: [changed] })).toBe(true);
        expect(await scope.groups.getMembers('g', ['a', 'b', 'c'])).toStrictEqual(
          new Map([
            ['a', member('a', 0, GroupRole.OWNER)],
            ['b', changed],
            ['c', member('c', 2)],
          ]),
        );
        expect(await scope.groups.listMembers('g')).toStrictEqual([member('a', 0, GroupRole.OWNER), changed, member('c', 2)]);
        expect(await scope.groups.listMembers('g', { offset: 1, limit: 1 })).toStrictEqual([changed]);
        expect(await scope.groups.firstMember('g', { role: GroupRole.ADMIN, excluding: [] })).toStrictEqual(changed);
        expect(await scope.groups.get('g')).toMatchObject({ memberCount: 3, joinCount: 3, version: current.version + 1 });

        // Two members at once, one of them only muted; then b's nickname and mute cleared.
        current = (await scope.groups.get('g'))!;
        const cMuted: MemberRecord = { ...member('c', 2), mutedUntil: 5_000 };
        const bCleared: MemberRecord = { ...changed, nickname: '', mutedUntil: null };
        expect(await scope.groups.replace({ ...current, version: current.version + 1 }, current.version, { update: [bCleared, cMuted] })).toBe(true);
        expect(await scope.groups.listMembers('g')).toStrictEqual([member('a', 0, GroupRole.OWNER), bCleared, cMuted]);
        expect(await scope.groups.getMembers('g', ['c', 'b'])).toStrictEqual(new Map([['c', cMuted], ['b', bCleared]]));
      });

      it('an update naming a user who is not a member (never, or no longer) creates nothing', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b', 'c']));
        let current = (await scope.groups.get('g'))!;
        expect(await scope.groups.replace({ ...current, memberCount: 2, version: current.version + 1 }, current.version, { remove: ['c'] })).toBe(true);
        current = (await scope.groups.get('g'))!;
        const b: MemberRecord = { ...member('b', 1), nickname: 'Bee' };
        const stranger = member('x', 7, GroupRole.ADMIN, { nickname: 'ghost', mutedUntil: 99 });
        const former: MemberRecord = { ...member('c', 2), nickname: 'back?' };
        expect(await scope.groups.replace({ ...current, version: current.version + 1 }, current.version, { update: [stranger, b, former] })).toBe(true);
        expect(await scope.groups.getMembers('g', ['x', 'b', 'c'])).toStrictEqual(new Map([['b', b]]));
        expect(await scope.groups.listMembers('g')).toStrictEqual([member('a', 0, GroupRole.OWNER), b]);
        expect(await scope.groups.firstMember('g', { role: GroupRole.ADMIN, excluding: [] })).toBeNull();
        expect(await scope.groups.groupIdsOf('x')).toEqual([]);
        expect(await scope.groups.groupIdsOf('c')).toEqual([]);
        // Nor in another group, or another app.
        expect(await scope.groups.listMembers('x')).toEqual([]);
        expect(await store.forApp('other').groups.groupIdsOf('b')).toEqual([]);
        expect(await scope.groups.get('g')).toMatchObject({ memberCount: 2 });
      });

      it('stores a group\'s description, announcement, mute-all and join policy, by insert and by replace', async () => {
        const scope = store.forApp('app');
        const administered = {
          description: 'The book club of the 3rd floor 📚\nNew members welcome.',
          announcement: 'Meet on Friday at 18:00 — bring «Dune»',
          announcementBy: 'a',
          announcementAt: 1_700_000_000_123,
          mutedAll: true,
          joinPolicy: GroupJoinPolicy.APPROVAL,
        } satisfies Partial<GroupRecord>;
        const [inserted, insertedMembers] = group('club', ['a', 'b'], administered);
        await scope.groups.insert(inserted, insertedMembers);
        expect(await scope.groups.get('club')).toStrictEqual(inserted);
        expect((await scope.groups.getMany(['club'])).get('club')).toStrictEqual(inserted);

        // A group with the defaults, given them all by a replace.
        const [plain, plainMembers] = group('plain', ['a']);
        await scope.groups.insert(plain, plainMembers);
        expect(await scope.groups.get('plain')).toStrictEqual(plain);
        expect(plain).toMatchObject({ description: '', announcement: '', announcementBy: null, announcementAt: null, mutedAll: false, joinPolicy: GroupJoinPolicy.INVITE });
        const replaced: GroupRecord = { ...plain, ...administered, announcementBy: null, version: 2, updatedAt: 5 };
        expect(await scope.groups.replace(replaced, 1)).toBe(true);
        expect(await scope.groups.get('plain')).toStrictEqual(replaced);
        expect(await scope.groups.getMany(['plain', 'club'])).toStrictEqual(new Map([['plain', replaced], ['club', inserted]]));

        // And back: the announcement cleared, mute-all lifted, free to join.
        const cleared: GroupRecord = { ...inserted, description: '', announcement: '', announcementBy: null, announcementAt: null, mutedAll: false, joinPolicy: GroupJoinPolicy.FREE, version: 2, updatedAt: 6 };
        expect(await scope.groups.replace(cleared, 1, { update: [{ ...insertedMembers[1]!, nickname: 'Bee' }] })).toBe(true);
        expect(await scope.groups.get('club')).toStrictEqual(cleared);
        expect(await scope.groups.getMany(['club', 'plain'])).toStrictEqual(new Map([['club', cleared], ['plain', replaced]]));
        expect((await scope.groups.getMembers('club', ['b'])).get('b')?.nickname).toBe('Bee');
      });

      it('keeps the group events waiting in a group\'s record, in order, through a replace, until a replace takes them off', async () => {
        const scope = store.forApp('app');
        const [plain, members] = group('waiting', ['a', 'b']);
        await scope.groups.insert(plain, members);
        const pendingEvents: PendingGroupEvent[] = [
          { eventId: 'e1', facts: { event: GroupEventKind.REMOVED, operatorId: 'a', userIds: ['b'] }, answering: null, endsGroup: false },
          { eventId: 'e2', facts: { event: GroupEventKind.OWNER_CHANGED, operatorId: null, userIds: [], ownerId: 'a', previousOwnerId: 'b' }, answering: 'r1', endsGroup: true },
        ];
        const written: GroupRecord = { ...plain, memberCount: 1, pendingEvents, version: 2, updatedAt: 5 };
        expect(await scope.groups.replace(written, 1, { remove: ['b'] })).toBe(true);
        expect(await scope.groups.get('waiting')).toStrictEqual(written);
        expect((await scope.groups.getMany(['waiting'])).get('waiting')).toStrictEqual(written);
        const settled: GroupRecord = { ...written, pendingEvents: [], version: 3, updatedAt: 6 };
        expect(await scope.groups.replace(settled, 2)).toBe(true);
        expect(await scope.groups.get('waiting')).toStrictEqual(settled);
      });

      it('deletes a group with its members, and a group created again under its id starts with only its own', async () => {
        const scope = store.forApp('app');
        await scope.groups.insert(...group('g', ['a', 'b', 'c']));
        expect(await scope.groups.delete('g')).toBe(true);
        expect(await scope.groups.delete('g')).toBe(false);
        expect(await scope.groups.get('g')).toBeNull();
        expect(await scope.groups.listMembers('g')).toEqual([]);
        expect(await scope.groups.groupIdsOf('b')).toEqual([]);
        expect(await scope.groups.count()).toBe(0);

        await scope.groups.insert(...group('g', ['c', 'd']));
        expect(await scope.groups.get('g')).toMatchObject({ ownerId: 'c', memberCount: 2 });
        expect(ids(await scope.groups.listMembers('g'))).toEqual(['c', 'd']);
        expect(await scope.groups.groupIdsOf('b')).toEqual([]);
        expect(await scope.groups.groupIdsOf('d')).toEqual(['g']);
        expect(await scope.groups.count()).toBe(1);
        // The new group's writes work from the version it was given back.
        const current = (await scope.groups.get('g'))!;
        expect(await scope.groups.replace({ ...current, memberCount: 1, version: current.version + 1 }, current.version, { remove: ['d'] })).toBe(true);
        expect(ids(await scope.groups.listMembers('g'))).toEqual(['c']);
      });
    });

    describe('conversations', () => {
      it('numbers appended messages 1, 2, 3 and keeps the newest as last message', async () => {
        const scope = store.forApp('app');
        const seqs = [];
        for (let i = 0; i < 3; i++) seqs.push((await scope.conversations.append(draft({ timestamp: 1000 + i, preview: `m${i}` }))).message.seq);
        expect(seqs).toEqual([1, 2, 3]);
        const conversation = await scope.conversations.get('p:a:b');
        expect(conversation).toMatchObject({ lastSeq: 3, updatedAt: 1002, lastMessage: { seq: 3, preview: 'm2' } });
      });

      it('returns the earlier message for a repeated clientMsgId of the same sender only', async () => {
        const scope = store.forApp('app');
        const first = await scope.conversations.append(draft({ clientMsgId: 'c1' }));
        const again = await scope.conversations.append(draft({ clientMsgId: 'c1', content: { content: 'changed' } }));
        const otherSender = await scope.conversations.append(draft({ clientMsgId: 'c1', senderUserId: 'b', targetId: 'a' }));
        expect(first.created).toBe(true);
        expect(again).toEqual({ message: first.message, created: false });
        expect(otherSender.created).toBe(true);
        expect((await scope.conversations.get('p:a:b'))?.lastSeq).toBe(2);
        expect(await scope.conversations.findByClientMsgId('a', 'c1')).toEqual(first.message);
      });

      it('concurrent sends with one clientMsgId store one message', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => scope.conversations.append(draft({ clientMsgId: 'same', timestamp: 1000 + i }))));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.msgId)).size).toBe(1);
        expect((await scope.conversations.get('p:a:b'))?.lastSeq).toBe(1);
        expect(await scope.conversations.listAfter('p:a:b', 0, 100)).toHaveLength(1);
      });

      it('concurrent appends to several conversations number each from 1', async () => {
        const scope = store.forApp('app');
        const ids = ['p:a:b', 'p:a:c', 'g:crew'];
        await Promise.all(ids.flatMap((conversationId) => Array.from({ length: 6 }, () => scope.conversations.append(draft({ conversationId })))));
        for (const conversationId of ids) {
          expect((await scope.conversations.listAfter(conversationId, 0, 100)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
        }
        const many = await scope.conversations.getMany(['g:crew', 'p:x:y', 'p:a:b']);
        expect([...many.keys()]).toEqual(['g:crew', 'p:a:b']);
        expect([...many.values()].map((c) => c.lastSeq)).toEqual([6, 6]);
        expect(await scope.conversations.getMany([])).toEqual(new Map());
      });

      it('an appended message reads back equal, and the conversation summarises it', async () => {
        const scope = store.forApp('app');
        const { message } = await scope.conversations.append(
          draft({ conversationId: 'g:crew', conversationType: ConversationType.GROUP, targetId: 'crew', content: { content: 'x', extra: { n: 1.5, list: [1, 'two', null] } }, clientMsgId: 'c', timestamp: 1234, preview: 'x' }),
        );
        expect(message).toEqual({
          msgId: message.msgId,
          conversationId: 'g:crew',
          seq: 1,
          conversationType: ConversationType.GROUP,
          senderUserId: 'a',
          targetId: 'crew',
          messageType: MessageType.TEXT,
          content: { content: 'x', extra: { n: 1.5, list: [1, 'two', null] } },
          clientMsgId: 'c',
          timestamp: 1234,
          recall: null,
        });
        expect(await scope.conversations.getMessage(message.msgId)).toEqual(message);
        expect(await scope.conversations.listMessages('g:crew', { limit: 10 })).toEqual([message]);
        expect(await scope.conversations.get('g:crew')).toEqual({
          conversationId: 'g:crew',
          conversationType: ConversationType.GROUP,
          lastSeq: 1,
          lastMessage: { msgId: message.msgId, seq: 1, senderUserId: 'a', messageType: MessageType.TEXT, preview: 'x', timestamp: 1234 },
          createdAt: 1234,
          updatedAt: 1234,
        });
        message.content = { content: 'mutated' };
        expect((await scope.conversations.getMessage(message.msgId))?.content).toEqual({ content: 'x', extra: { n: 1.5, list: [1, 'two', null] } });
      });

      it('keeps any JSON content exactly as sent: dotted and empty keys, nested arrays, big and fractional numbers', async () => {
        const scope = store.forApp('app');
        const content = {
          content: 'x',
          extra: { 'a.b': { 'c.d': 1 }, '': 'empty', grid: [[1, 2], [3, [4, null]]], big: 2 ** 53 - 1, fraction: 0.1, unicode: 'é😀\u0000' },
          'x.y': true,
        };
        const { message } = await scope.conversations.append(draft({ content }));
        expect(message.content).toEqual(content);
        expect((await scope.conversations.getMessage(message.msgId))?.content).toEqual(content);
        expect((await scope.conversations.listAfter('p:a:b', 0, 1))[0]?.content).toEqual(content);
      });

      it('pages never mix conversations', async () => {
        const scope = store.forApp('app');
        for (let i = 0; i < 3; i++) {
          await scope.conversations.append(draft());
          await scope.conversations.append(draft({ conversationId: 'p:a:c', targetId: 'c' }));
        }
        expect((await scope.conversations.listMessages('p:a:b', { limit: 10 })).map((m) => [m.conversationId, m.seq])).toEqual([
          ['p:a:b', 3],
          ['p:a:b', 2],
          ['p:a:b', 1],
        ]);
        expect((await scope.conversations.listAfter('p:a:c', 1, 10)).map((m) => [m.conversationId, m.seq])).toEqual([
          ['p:a:c', 2],
          ['p:a:c', 3],
        ]);
      });

      it('concurrent appends get distinct consecutive seqs', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 20 }, () => scope.conversations.append(draft())));
        expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });

      it('lists newest first, limited, before a seq', async () => {
        const scope = store.forApp('app');
        for (let i = 0; i < 10; i++) await scope.conversations.append(draft());
        expect((await scope.conversations.listMessages('p:a:b', { limit: 3 })).map((m) => m.seq)).toEqual([10, 9, 8]);
        expect((await scope.conversations.listMessages('p:a:b', { limit: 3, beforeSeq: 3 })).map((m) => m.seq)).toEqual([2, 1]);
        expect(await scope.conversations.listMessages('p:x:y', { limit: 3 })).toEqual([]);
      });

      it('lists oldest first after a seq, for gap fill', async () => {
        const scope = store.forApp('app');
        for (let i = 0; i < 10; i++) await scope.conversations.append(draft());
        expect((await scope.conversations.listAfter('p:a:b', 6, 100)).map((m) => m.seq)).toEqual([7, 8, 9, 10]);
        expect((await scope.conversations.listAfter('p:a:b', 0, 3)).map((m) => m.seq)).toEqual([1, 2, 3]);
        expect(await scope.conversations.listAfter('p:a:b', 10, 5)).toEqual([]);
        expect(await scope.conversations.listAfter('p:x:y', 0, 5)).toEqual([]);
      });

      it('recall empties the content, keeps the first recall and updates the preview of the last message only', async () => {
        const scope = store.forApp('app');
        const first = (await scope.conversations.append(draft({ preview: 'one' }))).message;
        const second = (await scope.conversations.append(draft({ preview: 'two' }))).message;
        expect(first.recall).toBeNull();

        const recalled = await scope.conversations.recall(first.msgId, { by: 'a', at: 5 }, '[Recalled]');
        expect(recalled).toMatchObject({ msgId: first.msgId, seq: 1, content: {}, recall: { by: 'a', at: 5 } });
        expect((await scope.conversations.get('p:a:b'))?.lastMessage?.preview).toBe('two');

        await scope.conversations.recall(second.msgId, { by: null, at: 6 }, '[Recalled]');
        expect((await scope.conversations.get('p:a:b'))?.lastMessage?.preview).toBe('[Recalled]');
        const again = await scope.conversations.recall(first.msgId, { by: 'b', at: 9 }, '[Recalled]');
        expect(again?.recall).toEqual({ by: 'a', at: 5 });
        expect((await scope.conversations.getMessage(first.msgId))?.content).toEqual({});
        expect(await scope.conversations.recall(newObjectId(), { by: 'a', at: 1 }, '[Recalled]')).toBeNull();
      });

      it('scans the app\'s or one conversation\'s messages newest first by time, then msgId, in a time range, from a cursor', async () => {
        const scope = store.forApp('app');
        const sent = [];
        // Two messages share a timestamp: msgId breaks the tie, descending like the time.
        for (const [conversationId, senderUserId, timestamp] of [
          ['p:a:b', 'a', 1000],
          ['g:crew', 'b', 2000],
          ['p:a:b', 'b', 3000],
          ['g:crew', 'a', 3000],
          ['p:a:c', 'a', 4000],
        ] as const) {
          sent.push((await scope.conversations.append(draft({ conversationId, senderUserId, timestamp }))).message);
        }
        await store.forApp('other').conversations.append(draft({ timestamp: 5000 }));
        const ids = (messages: readonly { msgId: string }[]) => messages.map((m) => m.msgId);
        const [m1, m2, m3, m4, m5] = sent.map((m) => m.msgId);
        const tie = m3! > m4! ? [m3!, m4!] : [m4!, m3!];

        expect(ids(await scope.conversations.scanMessages({}, 10))).toEqual([m5, ...tie, m2, m1]);
        expect(ids(await scope.conversations.scanMessages({}, 2))).toEqual([m5, tie[0]]);
        expect(ids(await scope.conversations.scanMessages({ conversationId: 'p:a:b' }, 10))).toEqual([m3, m1]);
        expect(ids(await scope.conversations.scanMessages({ from: 2000, to: 4000 }, 10))).toEqual([...tie, m2]);
        expect(ids(await scope.conversations.scanMessages({ conversationId: 'g:crew', from: 1500, to: 3000 }, 10))).toEqual([m2]);
        // The cursor continues strictly after the previous page's last, through the tie.
        const afterFirstOfTie = { timestamp: 3000, msgId: tie[0]! };
        expect(ids(await scope.conversations.scanMessages({ before: afterFirstOfTie }, 10))).toEqual([tie[1], m2, m1]);
        expect(ids(await scope.conversations.scanMessages({ before: { timestamp: 1000, msgId: m1! } }, 10))).toEqual([]);
        expect(await scope.conversations.scanMessages({}, 0)).toEqual([]);
      });

      it('counts the app\'s messages sent in a time range, its start included and its end not', async () => {
        const scope = store.forApp('app');
        for (const timestamp of [1000, 1999, 2000, 2500, 3000]) await scope.conversations.append(draft({ timestamp }));
        await store.forApp('other').conversations.append(draft({ timestamp: 2000 }));
        expect(await scope.conversations.countMessages(1000, 2000)).toBe(2);
        expect(await scope.conversations.countMessages(2000, 3000)).toBe(2);
        expect(await scope.conversations.countMessages(0, 10_000)).toBe(5);
        expect(await scope.conversations.countMessages(4000, 5000)).toBe(0);
      });

      it('delete removes the conversation and its messages', async () => {
        const scope = store.forApp('app');
        const { message } = await scope.conversations.append(draft({ conversationId: 'g:g1', clientMsgId: 'k' }));
        await scope.conversations.delete('g:g1');
        expect(await scope.conversations.get('g:g1')).toBeNull();
        expect(await scope.conversations.getMessage(message.msgId)).toBeNull();
        expect((await scope.conversations.append(draft({ conversationId: 'g:g1', clientMsgId: 'k' }))).message.seq).toBe(1);
      });
    });

    describe('sessions', () => {
      const session = (userId: string, conversationId: string, initialReadSeq = 0) => ({
        sid: newObjectId(),
        userId,
        conversationId,
        conversationType: ConversationType.PRIVATE,
        targetId: 'x',
        initialReadSeq,
        createdAt: 1,
      });

      it('ensure creates once and then returns the existing session unchanged', async () => {
        const scope = store.forApp('app');
        const first = await scope.sessions.ensure(session('u', 'c1', 4));
        const second = await scope.sessions.ensure(session('u', 'c1', 9));
        expect(second).toEqual(first);
        expect(first.readSeq).toBe(4);
        expect(await scope.sessions.getBySid('u', first.sid)).toEqual(first);
        expect(await scope.sessions.getBySid('someone-else', first.sid)).toBeNull();
      });

      it('concurrent ensures of one session create it once', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 8 }, () => scope.sessions.ensure(session('u', 'c1'))));
        expect(new Set(results.map((s) => s.sid)).size).toBe(1);
        expect(await scope.sessions.listForUser('u')).toEqual([results[0]]);
      });

      it('ensureMany creates the missing sessions of many users, leaves existing ones, and races safely with ensure', async () => {
        const scope = store.forApp('app');
        const kept = await scope.sessions.ensure(session('u1', 'g:big', 7));
        const many = Array.from({ length: 300 }, (_, i) => session(`u${i}`, 'g:big', 2));
        await Promise.all([scope.sessions.ensureMany(many), scope.sessions.ensure(session('u150', 'g:big', 2)), scope.sessions.ensureMany(many.slice(100, 200))]);
        const seqs = await scope.sessions.readSeqs('g:big', many.map((s) => s.userId));
        expect(seqs.size).toBe(300);
        expect(seqs.get('u1')).toBe(7);
        expect(seqs.get('u299')).toBe(2);
        expect(await scope.sessions.get('u1', 'g:big')).toEqual(kept);
        expect(await scope.sessions.listForUser('u150')).toHaveLength(1);
        await scope.sessions.ensureMany([]);
      });

      it('new sessions have notifications on; do not disturb is set per session and kept', async () => {
        const scope = store.forApp('app');
        const created = await scope.sessions.ensure(session('u', 'c1', 2));
        expect(created.doNotDisturb).toBe(false);
        await scope.sessions.ensure(session('u', 'c2'));
        expect(await scope.sessions.setDoNotDisturb('u', 'c1', true)).toEqual({ ...created, doNotDisturb: true });
        expect((await scope.sessions.get('u', 'c1'))?.doNotDisturb).toBe(true);
        expect((await scope.sessions.get('u', 'c2'))?.doNotDisturb).toBe(false);
        // The read mark and the flag are independent.
        expect(await scope.sessions.advanceRead('u', 'c1', 5)).toMatchObject({ readSeq: 5, doNotDisturb: true });
        expect(await scope.sessions.ensure(session('u', 'c1'))).toMatchObject({ readSeq: 5, doNotDisturb: true });
        expect(await scope.sessions.setDoNotDisturb('u', 'missing', true)).toBeNull();
        expect(await store.forApp('other').sessions.setDoNotDisturb('u', 'c1', false)).toBeNull();
        expect((await scope.sessions.get('u', 'c1'))?.doNotDisturb).toBe(true);
      });

      it('a session ends once, at the event that ended it, and opens again when its user is back', async () => {
        const scope = store.forApp('app');
        const members = ['a', 'b', 'c'].map((userId) => session(userId, 'g:club', 1));
        await scope.sessions.ensureMany(members);
        expect((await scope.sessions.get('a', 'g:club'))?.ended).toBeNull();
        const removed = { msgId: 'a'.repeat(24), seq: 4, senderUserId: 'owner', preview: 'OWNER removed B', timestamp: 400 };
        await scope.sessions.end('g:club', removed, ['b', 'nobody']);
        expect((await scope.sessions.get('b', 'g:club'))?.ended).toEqual(removed);
        expect((await scope.sessions.get('a', 'g:club'))?.ended).toBeNull();
        // Everyone's ends at a dismissal, but B's stays where B left.
        const dismissed = { msgId: 'b'.repeat(24), seq: 9, senderUserId: '', preview: 'The group was dismissed', timestamp: 900 };
        await scope.sessions.end('g:club', dismissed);
        expect((await scope.sessions.get('a', 'g:club'))?.ended).toEqual(dismissed);
        expect((await scope.sessions.get('b', 'g:club'))?.ended).toEqual(removed);
        expect((await scope.sessions.listForUser('c')).map((one) => one.ended)).toEqual([dismissed]);
        await scope.sessions.end('g:club', dismissed, []);
        // Back in the group: open again, read up to the join (never back), notifications as set.
        await scope.sessions.setDoNotDisturb('b', 'g:club', true);
        await scope.sessions.advanceRead('a', 'g:club', 12);
        await scope.sessions.ensureMany([session('b', 'g:club', 10), session('a', 'g:club', 10), session('d', 'g:club', 10)]);
        expect(await scope.sessions.get('b', 'g:club')).toMatchObject({ ended: null, readSeq: 10, doNotDisturb: true });
        expect(await scope.sessions.get('a', 'g:club')).toMatchObject({ ended: null, readSeq: 12 });
        expect(await scope.sessions.get('d', 'g:club')).toMatchObject({ ended: null, readSeq: 10 });
        // A session in use is left as it is.
        await scope.sessions.ensureMany([session('d', 'g:club', 11)]);
        expect((await scope.sessions.get('d', 'g:club'))?.readSeq).toBe(10);
        // Another app's sessions are not this app's.
        await store.forApp('other').sessions.end('g:club', dismissed);
        expect((await scope.sessions.get('d', 'g:club'))?.ended).toBeNull();
      });

      it('read marks only move forward', async () => {
        const scope = store.forApp('app');
        await scope.sessions.ensure(session('u', 'c1'));
        expect((await scope.sessions.advanceRead('u', 'c1', 5))?.readSeq).toBe(5);
        expect((await scope.sessions.advanceRead('u', 'c1', 3))?.readSeq).toBe(5);
        expect(await scope.sessions.advanceRead('u', 'c1', 7)).toEqual({ ...(await scope.sessions.get('u', 'c1')), readSeq: 7 });
        expect(await scope.sessions.advanceRead('u', 'missing', 3)).toBeNull();
      });

      it('lists one kind of a user\'s sessions', async () => {
        const scope = store.forApp('app');
        await scope.sessions.ensure(session('u', 'p:u:v'));
        await scope.sessions.ensure({ ...session('u', 'g:crew'), conversationType: ConversationType.GROUP, targetId: 'crew' });
        expect((await scope.sessions.listForUser('u', ConversationType.GROUP)).map((s) => s.conversationId)).toEqual(['g:crew']);
        expect((await scope.sessions.listForUser('u', ConversationType.PRIVATE)).map((s) => s.conversationId)).toEqual(['p:u:v']);
        expect((await scope.sessions.listForUser('u')).map((s) => s.conversationId).sort()).toEqual(['g:crew', 'p:u:v']);
      });

      it('tells which users have a session in some conversations, in one app only', async () => {
        const scope = store.forApp('app');
        for (const userId of ['u', 'v']) await scope.sessions.ensure(session(userId, 'p:u:v'));
        for (const userId of ['u', 'w']) await scope.sessions.ensure(session(userId, 'g:crew'));
        // Many sessions of their own do not make x or y part of these conversations.
        for (let i = 0; i < 20; i++) await scope.sessions.ensure(session('x', `p:x:${i}`));
        await scope.sessions.ensure(session('y', 'g:other'));
        await store.forApp('other-app').sessions.ensure(session('z', 'g:crew'));

        const found = await scope.sessions.usersWithSessionIn(['p:u:v', 'p:u:x', 'g:crew'], ['v', 'w', 'x', 'y', 'z', 'nobody']);
        expect([...found].sort()).toEqual(['v', 'w']);
        expect(await scope.sessions.usersWithSessionIn([], ['v'])).toEqual(new Set());
        expect(await scope.sessions.usersWithSessionIn(['g:crew'], [])).toEqual(new Set());
        // A session that ended (w left the group) shares the conversation no more.
        await scope.sessions.ensure(session('x', 'g:crew'));
        await scope.sessions.end('g:crew', { msgId: 'c'.repeat(24), seq: 3, senderUserId: 'x', preview: 'X left the group', timestamp: 30 }, ['x']);
        expect([...(await scope.sessions.usersWithSessionIn(['g:crew'], ['w', 'x']))]).toEqual(['w']);
        await scope.sessions.deleteForConversation('g:crew', ['w']);
        expect(await scope.sessions.usersWithSessionIn(['g:crew'], ['w'])).toEqual(new Set());
      });

      it('reads the read seqs of some users in one conversation, in one app only', async () => {
        const scope = store.forApp('app');
        await scope.sessions.ensure(session('a', 'g:crew', 3));
        await scope.sessions.ensure(session('b', 'g:crew', 0));
        await scope.sessions.ensure(session('c', 'g:other', 9));
        await store.forApp('other').sessions.ensure(session('d', 'g:crew', 7));
        await scope.sessions.advanceRead('b', 'g:crew', 5);
        expect(await scope.sessions.readSeqs('g:crew', ['a', 'b', 'c', 'd', 'nobody'])).toEqual(new Map([['a', 3], ['b', 5]]));
        expect(await scope.sessions.readSeqs('g:crew', [])).toEqual(new Map());
      });

      it('deletes sessions of some or all users of a conversation', async () => {
        const scope = store.forApp('app');
        for (const userId of ['u', 'v', 'w']) await scope.sessions.ensure(session(userId, 'c1'));
        await scope.sessions.ensure(session('u', 'c2'));
        await scope.sessions.deleteForConversation('c1', ['u']);
        expect((await scope.sessions.listForUser('u')).map((s) => s.conversationId)).toEqual(['c2']);
        await scope.sessions.deleteForConversation('c1');
        expect(await scope.sessions.listForUser('v')).toEqual([]);
        expect(await scope.sessions.listForUser('u')).toHaveLength(1);
      });
    });

    describe('files', () => {
      /** A fileId as the server makes them: 32 lowercase hex characters. */
      const fileId = (n: number) => n.toString(16).padStart(32, '0');
      const image = imageFileRecord;
      const document = documentFileRecord;
      const audio = (id: string): FileRecord => ({
        ...document(id),
        uploaderUserId: 'v',
        name: 'voice.m4a',
        mimeType: 'audio/mp4',
        category: FileCategory.AUDIO,
        size: 12_345,
        duration: 12.5,
      });

      it('an inserted file reads back equal: with a thumbnail, with every optional field null, with a duration', async () => {
        const scope = store.forApp('app');
        const records = [image(fileId(1)), document(fileId(2)), audio(fileId(3))];
        for (const record of records) await scope.files.insert(record);
        for (const record of records) expect(await scope.files.get(record.fileId)).toStrictEqual(record);
        expect(await scope.files.get(fileId(4))).toBeNull();
      });

      it('hands out copies: changing a record given or returned changes nothing stored', async () => {
        const scope = store.forApp('app');
        const given = image(fileId(1));
        await scope.files.insert(given);
        given.name = 'changed.jpg';
        given.thumb!.size = 1;
        const returned = (await scope.files.get(fileId(1)))!;
        returned.thumb!.width = 1;
        returned.size = 1;
        (await scope.files.getMany([fileId(1)])).get(fileId(1))!.thumb!.height = 1;
        expect(await scope.files.get(fileId(1))).toStrictEqual(image(fileId(1)));
      });

      it('getMany answers the files that exist in the order asked, skipping unknown and repeated ids', async () => {
        const scope = store.forApp('app');
        await scope.files.insert(image(fileId(1)));
        await scope.files.insert(document(fileId(2)));
        await scope.files.insert(audio(fileId(3)));
        const found = await scope.files.getMany([fileId(3), fileId(9), fileId(1), fileId(3)]);
        expect([...found.keys()]).toEqual([fileId(3), fileId(1)]);
        expect(found.get(fileId(3))).toStrictEqual(audio(fileId(3)));
        expect(found.get(fileId(1))).toStrictEqual(image(fileId(1)));
        expect(await scope.files.getMany([fileId(8), fileId(9)])).toEqual(new Map());
        expect(await scope.files.getMany([])).toEqual(new Map());
      });

      it('refuses a fileId already recorded in the app, keeping the first record and writing nothing', async () => {
        const scope = store.forApp('app');
        await scope.files.insert(image(fileId(1)));
        await expect(scope.files.insert({ ...document(fileId(1)), size: 999_999 })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await scope.files.get(fileId(1))).toStrictEqual(image(fileId(1)));
        expect(await scope.files.usage()).toEqual({ files: 1, bytes: 48_000 + 3_100 });
      });

      it('usage counts the files and their bytes, thumbnails included, and is zero for an app without any', async () => {
        const scope = store.forApp('app');
        expect(await scope.files.usage()).toEqual({ files: 0, bytes: 0 });
        await scope.files.insert(image(fileId(1)));
        await scope.files.insert(image(fileId(2), { size: 1_000_000, thumb: { size: 20_000, width: 400, height: 400 } }));
        await scope.files.insert(document(fileId(3)));
        await scope.files.insert(audio(fileId(4)));
        expect(await scope.files.usage()).toEqual({ files: 4, bytes: 48_000 + 3_100 + 1_000_000 + 20_000 + 0 + 12_345 });
        await scope.files.delete(fileId(2));
        expect(await scope.files.usage()).toEqual({ files: 3, bytes: 48_000 + 3_100 + 12_345 });
      });

      it('keeps the files of two apps apart, even under one fileId', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        await a.files.insert(image(fileId(1)));
        await a.files.insert(audio(fileId(2)));
        expect(await b.files.get(fileId(1))).toBeNull();
        expect(await b.files.getMany([fileId(1), fileId(2)])).toEqual(new Map());
        expect(await b.files.usage()).toEqual({ files: 0, bytes: 0 });
        await b.files.delete(fileId(1));
        expect(await a.files.get(fileId(1))).toStrictEqual(image(fileId(1)));

        await b.files.insert(document(fileId(1)));
        expect(await b.files.get(fileId(1))).toStrictEqual(document(fileId(1)));
        expect(await a.files.get(fileId(1))).toStrictEqual(image(fileId(1)));
        expect(await a.files.usage()).toEqual({ files: 2, bytes: 48_000 + 3_100 + 12_345 });
        expect(await b.files.usage()).toEqual({ files: 1, bytes: 0 });
      });

      it('delete removes the record, and does nothing when there is none', async () => {
        const scope = store.forApp('app');
        await scope.files.insert(image(fileId(1)));
        await scope.files.insert(audio(fileId(2)));
        await scope.files.delete(fileId(1));
        expect(await scope.files.get(fileId(1))).toBeNull();
        await expect(scope.files.delete(fileId(1))).resolves.toBeUndefined();
        await expect(scope.files.delete(fileId(7))).resolves.toBeUndefined();
        expect([...(await scope.files.getMany([fileId(1), fileId(2)])).keys()]).toEqual([fileId(2)]);
        // The fileId is free again.
        await scope.files.insert(document(fileId(1)));
        expect(await scope.files.get(fileId(1))).toStrictEqual(document(fileId(1)));
      });

      it('purge removes the app\'s file records, and only its own', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) {
          await scope.files.insert(image(fileId(1)));
          await scope.files.insert(document(fileId(2)));
        }
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.files.get(fileId(1))).toBeNull();
        expect(await fresh.files.getMany([fileId(1), fileId(2)])).toEqual(new Map());
        expect(await fresh.files.usage()).toEqual({ files: 0, bytes: 0 });
        expect(await b.files.usage()).toEqual({ files: 2, bytes: 48_000 + 3_100 });
        expect(await b.files.get(fileId(1))).toStrictEqual(image(fileId(1)));
        // The app starts afresh: its fileIds are free.
        await fresh.files.insert(audio(fileId(1)));
        expect(await fresh.files.get(fileId(1))).toStrictEqual(audio(fileId(1)));
      });
    });

    describe('blocks', () => {
      const blocked = (records: readonly BlockRecord[]) => records.map((record) => record.blockedUserId);

      it('add returns only the ids newly blocked, in the order given and each once, and keeps the first createdAt', async () => {
        const scope = store.forApp('app');
        expect(await scope.blocks.add('a', ['c', 'b', 'c'], 10)).toEqual(['c', 'b']);
        expect(await scope.blocks.add('a', ['d', 'b', 'e', 'd'], 20)).toEqual(['d', 'e']);
        expect(await scope.blocks.add('a', ['b', 'c'], 30)).toEqual([]);
        expect(await scope.blocks.add('a', [], 40)).toEqual([]);
        expect(await scope.blocks.list('a', 10)).toStrictEqual([
          { userId: 'a', blockedUserId: 'b', createdAt: 10 },
          { userId: 'a', blockedUserId: 'c', createdAt: 10 },
          { userId: 'a', blockedUserId: 'd', createdAt: 20 },
          { userId: 'a', blockedUserId: 'e', createdAt: 20 },
        ]);
        expect(await scope.blocks.count('a')).toBe(4);
      });

      it('remove lifts the blocks and returns the ids that were blocked, in the order given and each once', async () => {
        const scope = store.forApp('app');
        await scope.blocks.add('a', ['b', 'c', 'd'], 10);
        expect(await scope.blocks.remove('a', ['d', 'x', 'b', 'd'])).toEqual(['d', 'b']);
        expect(await scope.blocks.remove('a', ['b', 'x'])).toEqual([]);
        expect(await scope.blocks.remove('a', [])).toEqual([]);
        expect(await scope.blocks.remove('nobody', ['a'])).toEqual([]);
        expect(blocked(await scope.blocks.list('a', 10))).toEqual(['c']);
        expect(await scope.blocks.blocks('a', 'b')).toBe(false);
        expect(await scope.blocks.blocks('a', 'c')).toBe(true);
        // Blocked again after a remove: a new block, from the new time.
        expect(await scope.blocks.add('a', ['b'], 50)).toEqual(['b']);
        expect(await scope.blocks.list('a', 10)).toStrictEqual([
          { userId: 'a', blockedUserId: 'c', createdAt: 10 },
          { userId: 'a', blockedUserId: 'b', createdAt: 50 },
        ]);
      });

      it('blocks() is directional: a blocking b says nothing of b blocking a', async () => {
        const scope = store.forApp('app');
        await scope.blocks.add('a', ['b'], 1);
        expect(await scope.blocks.blocks('a', 'b')).toBe(true);
        expect(await scope.blocks.blocks('b', 'a')).toBe(false);
        expect(await scope.blocks.blocks('a', 'c')).toBe(false);
        expect(await scope.blocks.list('b', 10)).toEqual([]);
        expect(await scope.blocks.count('b')).toBe(0);
        await scope.blocks.add('b', ['a'], 2);
        await scope.blocks.remove('a', ['b']);
        expect(await scope.blocks.blocks('a', 'b')).toBe(false);
        expect(await scope.blocks.blocks('b', 'a')).toBe(true);
      });

      it('lists a user\'s blocks oldest first, then by blockedUserId, at most limit of them', async () => {
        const scope = store.forApp('app');
        await scope.blocks.add('a', ['m'], 30);
        await scope.blocks.add('a', ['z', 'b'], 10);
        await scope.blocks.add('a', ['k'], 20);
        await scope.blocks.add('a', ['c'], 10);
        await scope.blocks.add('other', ['a'], 5);
        expect(blocked(await scope.blocks.list('a', 10))).toEqual(['b', 'c', 'z', 'k', 'm']);
        expect(blocked(await scope.blocks.list('a', 3))).toEqual(['b', 'c', 'z']);
        expect(blocked(await scope.blocks.list('a', 1))).toEqual(['b']);
        expect(await scope.blocks.list('a', 0)).toEqual([]);
        expect(await scope.blocks.list('nobody', 10)).toEqual([]);
      });

      it('counts the users one user blocks', async () => {
        const scope = store.forApp('app');
        expect(await scope.blocks.count('a')).toBe(0);
        await scope.blocks.add('a', ['b', 'c', 'd'], 1);
        await scope.blocks.add('b', ['a'], 1);
        expect(await scope.blocks.count('a')).toBe(3);
        await scope.blocks.remove('a', ['c']);
        expect(await scope.blocks.count('a')).toBe(2);
        expect(await scope.blocks.count('b')).toBe(1);
      });

      it('hands out copies: changing a returned record changes nothing stored', async () => {
        const scope = store.forApp('app');
        await scope.blocks.add('a', ['b'], 1);
        const [record] = await scope.blocks.list('a', 1);
        record!.createdAt = 99;
        record!.blockedUserId = 'changed';
        expect(await scope.blocks.list('a', 1)).toStrictEqual([{ userId: 'a', blockedUserId: 'b', createdAt: 1 }]);
      });

      it('two apps never see each other\'s blocks, even between the same user ids', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        await a.blocks.add('u', ['v', 'w'], 1);
        expect(await b.blocks.blocks('u', 'v')).toBe(false);
        expect(await b.blocks.list('u', 10)).toEqual([]);
        expect(await b.blocks.count('u')).toBe(0);
        expect(await b.blocks.remove('u', ['v'])).toEqual([]);
        expect(await b.blocks.add('u', ['v'], 2)).toEqual(['v']);
        expect(await a.blocks.list('u', 10)).toStrictEqual([
          { userId: 'u', blockedUserId: 'v', createdAt: 1 },
          { userId: 'u', blockedUserId: 'w', createdAt: 1 },
        ]);
        expect(await b.blocks.list('u', 10)).toStrictEqual([{ userId: 'u', blockedUserId: 'v', createdAt: 2 }]);
        expect(await a.blocks.remove('u', ['v'])).toEqual(['v']);
        expect(await b.blocks.blocks('u', 'v')).toBe(true);
      });

      it('purge removes the app\'s blocks, and only its own', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) await scope.blocks.add('u', ['v', 'w'], 1);
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.blocks.blocks('u', 'v')).toBe(false);
        expect(await fresh.blocks.list('u', 10)).toEqual([]);
        expect(await fresh.blocks.count('u')).toBe(0);
        expect(await b.blocks.count('u')).toBe(2);
        expect(await fresh.blocks.add('u', ['v'], 5)).toEqual(['v']);
      });

      it('concurrent adds of one pair store one block, reported new by exactly one of them', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => scope.blocks.add('a', ['b', `only${i}`], 1 + i)));
        expect(results.filter((added) => added.includes('b'))).toHaveLength(1);
        expect(results.every((added, i) => added.includes(`only${i}`))).toBe(true);
        expect(await scope.blocks.count('a')).toBe(9);
        expect(blocked(await scope.blocks.list('a', 20)).filter((id) => id === 'b')).toEqual(['b']);
      });
    });

    describe('friends', () => {
      const requestId = (n: number) => n.toString(16).padStart(24, '0');
      const friendGroupId = (n: number) => `f${n.toString(16).padStart(23, '0')}`;
      const request = (n: number, fromUserId: string, toUserId: string, createdAt: number, message = '', dropped = false): FriendRequestRecord => ({
        requestId: requestId(n),
        fromUserId,
        toUserId,
        message,
        status: 'pending',
        createdAt,
        decidedAt: null,
        dropped,
      });
      /** A request the recipient dropped (by blocking the requester). */
      const dropped = (n: number, fromUserId: string, toUserId: string, createdAt: number): FriendRequestRecord => request(n, fromUserId, toUserId, createdAt, '', true);
      const friendGroup = (n: number, userId: string, order: number, createdAt: number, name = `group ${n}`): FriendGroupRecord => ({
        userId,
        friendGroupId: friendGroupId(n),
        name,
        order,
        createdAt,
      });
      const requestIds = (records: readonly FriendRequestRecord[]) => records.map((record) => record.requestId);

      it('stores a request, refuses a second with its id, and hands out copies', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(request(1, 'a', 'b', 10, 'Hi, it\'s a 😀'));
        await expect(scope.friends.insertRequest(request(1, 'c', 'd', 11))).rejects.toBeInstanceOf(DuplicateKeyError);
        const stored = await scope.friends.getRequest(requestId(1));
        expect(stored).toStrictEqual(request(1, 'a', 'b', 10, 'Hi, it\'s a 😀'));
        stored!.status = 'accepted';
        expect((await scope.friends.getRequest(requestId(1)))?.status).toBe('pending');
        expect(await scope.friends.getRequest(requestId(2))).toBeNull();
      });

      it('pendingBetween is directional, gives the newest pending request and ignores answered ones', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(request(1, 'a', 'b', 10));
        await scope.friends.insertRequest(request(2, 'a', 'b', 20));
        await scope.friends.insertRequest(request(3, 'a', 'c', 30));
        expect((await scope.friends.pendingBetween('a', 'b'))?.requestId).toBe(requestId(2));
        expect(await scope.friends.pendingBetween('b', 'a')).toBeNull();
        await scope.friends.decideRequest(requestId(2), 'rejected', 25);
        expect((await scope.friends.pendingBetween('a', 'b'))?.requestId).toBe(requestId(1));
        await scope.friends.decideRequest(requestId(1), 'accepted', 26);
        expect(await scope.friends.pendingBetween('a', 'b')).toBeNull();
        expect((await scope.friends.pendingBetween('a', 'c'))?.requestId).toBe(requestId(3));
      });

      it('lists pending requests to or from a user, newest first, at most limit of them', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(request(1, 'b', 'a', 10));
        await scope.friends.insertRequest(request(2, 'c', 'a', 30));
        await scope.friends.insertRequest(request(3, 'd', 'a', 20));
        await scope.friends.insertRequest(request(4, 'e', 'a', 40));
        await scope.friends.insertRequest(request(5, 'a', 'b', 50));
        await scope.friends.insertRequest(request(6, 'a', 'c', 60));
        await scope.friends.decideRequest(requestId(4), 'rejected', 45);
        expect(requestIds(await scope.friends.listPending('a', 'incoming', 10))).toEqual([requestId(2), requestId(3), requestId(1)]);
        expect(requestIds(await scope.friends.listPending('a', 'incoming', 2))).toEqual([requestId(2), requestId(3)]);
        expect(await scope.friends.listPending('a', 'incoming', 0)).toEqual([]);
        expect(requestIds(await scope.friends.listPending('a', 'outgoing', 10))).toEqual([requestId(6), requestId(5)]);
        expect(requestIds(await scope.friends.listPending('b', 'incoming', 10))).toEqual([requestId(5)]);
        expect(requestIds(await scope.friends.listPending('b', 'outgoing', 10))).toEqual([requestId(1)]);
        expect(await scope.friends.listPending('nobody', 'incoming', 10)).toEqual([]);
      });

      it('a dropped request is kept for the requester (outgoing, pendingBetween) and never shown to the recipient (incoming)', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(dropped(1, 'a', 'b', 10));
        await scope.friends.insertRequest(request(2, 'c', 'b', 20));
        await scope.friends.insertRequest(dropped(3, 'd', 'b', 30));
        expect(await scope.friends.getRequest(requestId(1))).toStrictEqual(dropped(1, 'a', 'b', 10));
        expect(await scope.friends.getRequest(requestId(2))).toStrictEqual(request(2, 'c', 'b', 20));
        // The recipient: neither of the dropped ones, pending or in the whole list.
        expect(await scope.friends.listPending('b', 'incoming', 10)).toStrictEqual([request(2, 'c', 'b', 20)]);
        expect(await scope.friends.listRequests('b', 'incoming', 10)).toStrictEqual([request(2, 'c', 'b', 20)]);
        expect(requestIds(await scope.friends.listRequests('b', 'incoming', 1))).toEqual([requestId(2)]);
        // The requester: their request, pending, with its flag.
        expect(await scope.friends.listPending('a', 'outgoing', 10)).toStrictEqual([dropped(1, 'a', 'b', 10)]);
        expect(await scope.friends.listRequests('a', 'outgoing', 10)).toStrictEqual([dropped(1, 'a', 'b', 10)]);
        expect(await scope.friends.pendingBetween('a', 'b')).toStrictEqual(dropped(1, 'a', 'b', 10));
        expect(await scope.friends.pendingBetween('d', 'b')).toStrictEqual(dropped(3, 'd', 'b', 30));
        // Answered, it stays out of the recipient's list and in the requester's, with its outcome.
        expect(await scope.friends.decideRequest(requestId(1), 'rejected', 40)).toStrictEqual({ ...dropped(1, 'a', 'b', 10), status: 'rejected', decidedAt: 40 });
        expect(requestIds(await scope.friends.listRequests('b', 'incoming', 10))).toEqual([requestId(2)]);
        expect(await scope.friends.listRequests('a', 'outgoing', 10)).toStrictEqual([{ ...dropped(1, 'a', 'b', 10), status: 'rejected', decidedAt: 40 }]);
        expect(await scope.friends.listPending('a', 'outgoing', 10)).toEqual([]);
        expect(await scope.friends.pendingBetween('a', 'b')).toBeNull();
      });

      it('listRequests gives a user\'s requests in any status, with their outcome, newest first (then by requestId, descending), at most limit', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(request(1, 'b', 'a', 10));
        await scope.friends.insertRequest(request(2, 'c', 'a', 30, 'Hi'));
        await scope.friends.insertRequest(request(3, 'd', 'a', 20));
        await scope.friends.insertRequest(request(4, 'e', 'a', 30));
        await scope.friends.insertRequest(request(5, 'a', 'b', 50));
        await scope.friends.insertRequest(request(6, 'a', 'c', 60));
        await scope.friends.insertRequest(request(7, 'x', 'y', 70));
        await scope.friends.decideRequest(requestId(2), 'accepted', 35);
        await scope.friends.decideRequest(requestId(3), 'rejected', 25);
        await scope.friends.decideRequest(requestId(5), 'rejected', 55);
        expect(await scope.friends.listRequests('a', 'incoming', 10)).toStrictEqual([
          request(4, 'e', 'a', 30),
          { ...request(2, 'c', 'a', 30, 'Hi'), status: 'accepted', decidedAt: 35 },
          { ...request(3, 'd', 'a', 20), status: 'rejected', decidedAt: 25 },
          request(1, 'b', 'a', 10),
        ]);
        expect(requestIds(await scope.friends.listRequests('a', 'incoming', 2))).toEqual([requestId(4), requestId(2)]);
        expect(await scope.friends.listRequests('a', 'incoming', 0)).toEqual([]);
        expect(await scope.friends.listRequests('a', 'incoming', -1)).toEqual([]);
        expect(await scope.friends.listRequests('a', 'outgoing', 10)).toStrictEqual([request(6, 'a', 'c', 60), { ...request(5, 'a', 'b', 50), status: 'rejected', decidedAt: 55 }]);
        expect(requestIds(await scope.friends.listRequests('a', 'outgoing', 1))).toEqual([requestId(6)]);
        expect(requestIds(await scope.friends.listRequests('b', 'incoming', 10))).toEqual([requestId(5)]);
        expect(requestIds(await scope.friends.listRequests('b', 'outgoing', 10))).toEqual([requestId(1)]);
        expect(await scope.friends.listRequests('nobody', 'incoming', 10)).toEqual([]);
        expect(await scope.friends.listRequests('nobody', 'outgoing', 10)).toEqual([]);
        // Pending ones only, for comparison: the answered ones are left out there.
        expect(requestIds(await scope.friends.listPending('a', 'incoming', 10))).toEqual([requestId(4), requestId(1)]);
      });

      it('decideRequest answers a pending request once and sets decidedAt', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertRequest(request(1, 'a', 'b', 10));
        expect(await scope.friends.decideRequest(requestId(1), 'accepted', 15)).toStrictEqual({ ...request(1, 'a', 'b', 10), status: 'accepted', decidedAt: 15 });
        expect(await scope.friends.decideRequest(requestId(1), 'rejected', 16)).toBeNull();
        expect(await scope.friends.getRequest(requestId(1))).toStrictEqual({ ...request(1, 'a', 'b', 10), status: 'accepted', decidedAt: 15 });
        expect(await scope.friends.decideRequest(requestId(9), 'accepted', 17)).toBeNull();
        await scope.friends.insertRequest(request(2, 'c', 'd', 20));
        expect(await scope.friends.decideRequest(requestId(2), 'rejected', 21)).toMatchObject({ status: 'rejected', decidedAt: 21 });
        expect(await scope.friends.decideRequest(requestId(2), 'accepted', 22)).toBeNull();
        expect(await scope.friends.getRequest(requestId(2))).toMatchObject({ status: 'rejected', decidedAt: 21 });
      });

      it('befriend writes both sides; a second call returns false and keeps the remarks', async () => {
        const scope = store.forApp('app');
        expect(await scope.friends.befriend('a', 'b', 10)).toBe(true);
        expect(await scope.friends.getFriend('a', 'b')).toStrictEqual({ userId: 'a', friendId: 'b', remark: '', friendGroupId: null, createdAt: 10 });
        expect(await scope.friends.getFriend('b', 'a')).toStrictEqual({ userId: 'b', friendId: 'a', remark: '', friendGroupId: null, createdAt: 10 });
        await scope.friends.updateFriend('a', 'b', { remark: 'Bee' });
        expect(await scope.friends.befriend('b', 'a', 20)).toBe(false);
        expect(await scope.friends.getFriend('a', 'b')).toStrictEqual({ userId: 'a', friendId: 'b', remark: 'Bee', friendGroupId: null, createdAt: 10 });
        expect(await scope.friends.getFriend('a', 'c')).toBeNull();
      });

      it('unfriend removes both sides and returns false when they were not friends', async () => {
        const scope = store.forApp('app');
        await scope.friends.befriend('a', 'b', 10);
        await scope.friends.befriend('a', 'c', 10);
        expect(await scope.friends.unfriend('b', 'a')).toBe(true);
        expect(await scope.friends.getFriend('a', 'b')).toBeNull();
        expect(await scope.friends.getFriend('b', 'a')).toBeNull();
        expect(await scope.friends.unfriend('a', 'b')).toBe(false);
        expect(await scope.friends.getFriend('a', 'c')).not.toBeNull();
        expect(await scope.friends.countFriends('a')).toBe(1);
        // Friends again after: a new friendship, from the new time.
        expect(await scope.friends.befriend('a', 'b', 30)).toBe(true);
        expect((await scope.friends.getFriend('b', 'a'))?.createdAt).toBe(30);
      });

      it('updateFriend changes one side only and returns null for non-friends', async () => {
        const scope = store.forApp('app');
        await scope.friends.befriend('a', 'b', 10);
        await scope.friends.insertFriendGroup(friendGroup(1, 'a', 0, 1));
        expect(await scope.friends.updateFriend('a', 'b', { remark: 'Bee', friendGroupId: friendGroupId(1) })).toStrictEqual({
          userId: 'a',
          friendId: 'b',
          remark: 'Bee',
          friendGroupId: friendGroupId(1),
          createdAt: 10,
        });
        expect(await scope.friends.updateFriend('a', 'b', { remark: 'B.' })).toMatchObject({ remark: 'B.', friendGroupId: friendGroupId(1) });
        expect(await scope.friends.updateFriend('a', 'b', { friendGroupId: null })).toMatchObject({ remark: 'B.', friendGroupId: null });
        expect(await scope.friends.getFriend('b', 'a')).toStrictEqual({ userId: 'b', friendId: 'a', remark: '', friendGroupId: null, createdAt: 10 });
        expect(await scope.friends.updateFriend('a', 'c', { remark: 'x' })).toBeNull();
        expect(await scope.friends.getFriend('a', 'c')).toBeNull();
      });

      it('lists a user\'s friends oldest friendship first, then by friendId, at most limit, and counts them', async () => {
        const scope = store.forApp('app');
        await scope.friends.befriend('a', 'm', 30);
        await scope.friends.befriend('z', 'a', 10);
        await scope.friends.befriend('a', 'b', 10);
        await scope.friends.befriend('a', 'k', 20);
        await scope.friends.befriend('b', 'c', 5);
        const friendIds = async (limit: number) => (await scope.friends.listFriends('a', limit)).map((friend) => friend.friendId);
        expect(await friendIds(10)).toEqual(['b', 'z', 'k', 'm']);
        expect(await friendIds(2)).toEqual(['b', 'z']);
        expect(await scope.friends.listFriends('a', 0)).toEqual([]);
        expect(await scope.friends.listFriends('nobody', 10)).toEqual([]);
        expect(await scope.friends.countFriends('a')).toBe(4);
        expect(await scope.friends.countFriends('b')).toBe(2);
        expect(await scope.friends.countFriends('nobody')).toBe(0);
      });

      it('friend groups: insert, list by order then createdAt, update, and delete moving their friends to none', async () => {
        const scope = store.forApp('app');
        await scope.friends.insertFriendGroup(friendGroup(1, 'a', 2, 10));
        await scope.friends.insertFriendGroup(friendGroup(2, 'a', 1, 30));
        await scope.friends.insertFriendGroup(friendGroup(3, 'a', 1, 20));
        await scope.friends.insertFriendGroup(friendGroup(1, 'b', 0, 5));
        await expect(scope.friends.insertFriendGroup(friendGroup(1, 'a', 9, 99))).rejects.toBeInstanceOf(DuplicateKeyError);
        const order = async (userId: string) => (await scope.friends.listFriendGroups(userId)).map((group) => group.friendGroupId);
        expect(await order('a')).toEqual([friendGroupId(3), friendGroupId(2), friendGroupId(1)]);
        expect(await scope.friends.listFriendGroups('nobody')).toEqual([]);

        expect(await scope.friends.updateFriendGroup('a', friendGroupId(1), { order: 0 })).toStrictEqual(friendGroup(1, 'a', 0, 10));
        expect(await scope.friends.updateFriendGroup('a', friendGroupId(1), { name: 'Family' })).toStrictEqual(friendGroup(1, 'a', 0, 10, 'Family'));
        expect(await scope.friends.updateFriendGroup('a', friendGroupId(9), { name: 'x' })).toBeNull();
        expect(await scope.friends.updateFriendGroup('c', friendGroupId(1), { name: 'x' })).toBeNull();
        expect(await order('a')).toEqual([friendGroupId(1), friendGroupId(3), friendGroupId(2)]);
        expect(await scope.friends.listFriendGroups('b')).toStrictEqual([friendGroup(1, 'b', 0, 5)]);

        await scope.friends.befriend('a', 'x', 1);
        await scope.friends.befriend('a', 'y', 1);
        await scope.friends.befriend('b', 'x', 1);
        await scope.friends.updateFriend('a', 'x', { friendGroupId: friendGroupId(1), remark: 'Ex' });
        await scope.friends.updateFriend('a', 'y', { friendGroupId: friendGroupId(2) });
        await scope.friends.updateFriend('b', 'x', { friendGroupId: friendGroupId(1) });
        expect(await scope.friends.deleteFriendGroup('a', friendGroupId(1))).toBe(true);
        expect(await scope.friends.deleteFriendGroup('a', friendGroupId(1))).toBe(false);
        expect(await order('a')).toEqual([friendGroupId(3), friendGroupId(2)]);
        expect(await scope.friends.getFriend('a', 'x')).toMatchObject({ friendGroupId: null, remark: 'Ex' });
        expect((await scope.friends.getFriend('a', 'y'))?.friendGroupId).toBe(friendGroupId(2));
        // b's group of the same id, and its friends, are b's own.
        expect((await scope.friends.getFriend('b', 'x'))?.friendGroupId).toBe(friendGroupId(1));
        expect(await order('b')).toEqual([friendGroupId(1)]);
      });

      it('hands out copies: changing a returned record changes nothing stored', async () => {
        const scope = store.forApp('app');
        await scope.friends.befriend('a', 'b', 1);
        await scope.friends.insertFriendGroup(friendGroup(1, 'a', 0, 1));
        const [friend] = await scope.friends.listFriends('a', 1);
        friend!.remark = 'changed';
        const [group] = await scope.friends.listFriendGroups('a');
        group!.name = 'changed';
        expect((await scope.friends.getFriend('a', 'b'))?.remark).toBe('');
        expect((await scope.friends.listFriendGroups('a'))[0]?.name).toBe('group 1');
      });

      it('two apps never see each other\'s requests, friends or friend groups, even between the same ids', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        await a.friends.insertRequest(request(1, 'u', 'v', 1));
        await a.friends.befriend('u', 'v', 1);
        await a.friends.insertFriendGroup(friendGroup(1, 'u', 0, 1));
        expect(await b.friends.getRequest(requestId(1))).toBeNull();
        expect(await b.friends.pendingBetween('u', 'v')).toBeNull();
        expect(await b.friends.listPending('v', 'incoming', 10)).toEqual([]);
        expect(await b.friends.listRequests('v', 'incoming', 10)).toEqual([]);
        expect(await b.friends.listRequests('u', 'outgoing', 10)).toEqual([]);
        expect(await b.friends.decideRequest(requestId(1), 'accepted', 2)).toBeNull();
        expect(await b.friends.getFriend('u', 'v')).toBeNull();
        expect(await b.friends.listFriends('u', 10)).toEqual([]);
        expect(await b.friends.countFriends('u')).toBe(0);
        expect(await b.friends.unfriend('u', 'v')).toBe(false);
        expect(await b.friends.updateFriend('u', 'v', { remark: 'x' })).toBeNull();
        expect(await b.friends.listFriendGroups('u')).toEqual([]);
        expect(await b.friends.updateFriendGroup('u', friendGroupId(1), { name: 'x' })).toBeNull();
        expect(await b.friends.deleteFriendGroup('u', friendGroupId(1))).toBe(false);
        // The same ids are free in the other app.
        await b.friends.insertRequest(request(1, 'v', 'u', 5));
        await b.friends.insertFriendGroup(friendGroup(1, 'u', 3, 5));
        expect(await b.friends.befriend('u', 'v', 5)).toBe(true);
        expect(await a.friends.getRequest(requestId(1))).toStrictEqual(request(1, 'u', 'v', 1));
        expect((await a.friends.getFriend('v', 'u'))?.createdAt).toBe(1);
        expect(await a.friends.listFriendGroups('u')).toStrictEqual([friendGroup(1, 'u', 0, 1)]);
      });

      it('purge removes the app\'s requests, friends and friend groups, and only its own', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) {
          await scope.friends.insertRequest(request(1, 'u', 'v', 1));
          await scope.friends.befriend('u', 'v', 1);
          await scope.friends.insertFriendGroup(friendGroup(1, 'u', 0, 1));
        }
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.friends.getRequest(requestId(1))).toBeNull();
        expect(await fresh.friends.listPending('v', 'incoming', 10)).toEqual([]);
        expect(await fresh.friends.listRequests('u', 'outgoing', 10)).toEqual([]);
        expect(await fresh.friends.getFriend('u', 'v')).toBeNull();
        expect(await fresh.friends.getFriend('v', 'u')).toBeNull();
        expect(await fresh.friends.countFriends('u')).toBe(0);
        expect(await fresh.friends.listFriendGroups('u')).toEqual([]);
        expect(await b.friends.getRequest(requestId(1))).not.toBeNull();
        expect(await b.friends.countFriends('v')).toBe(1);
        expect(await b.friends.listFriendGroups('u')).toHaveLength(1);
        await fresh.friends.insertRequest(request(1, 'u', 'v', 9));
        expect(await fresh.friends.befriend('u', 'v', 9)).toBe(true);
      });

      it('concurrent befriends of one pair write each side once, reported new by at least one of them', async () => {
        const scope = store.forApp('app');
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? scope.friends.befriend('a', 'b', 1 + i) : scope.friends.befriend('b', 'a', 1 + i))));
        expect(results.some((changed) => changed)).toBe(true);
        expect(await scope.friends.countFriends('a')).toBe(1);
        expect(await scope.friends.countFriends('b')).toBe(1);
        expect(await scope.friends.befriend('a', 'b', 99)).toBe(false);
      });
    });

    describe('join requests', () => {
      const requestId = (n: number) => n.toString(16).padStart(24, '0');
      const joinRequest = (n: number, groupId: string, userId: string, createdAt: number, overrides: Partial<JoinRequestRecord> = {}): JoinRequestRecord => ({
        requestId: requestId(n),
        groupId,
        userId,
        inviterId: null,
        message: '',
        status: 'pending',
        createdAt,
        decidedBy: null,
        decidedAt: null,
        ...overrides,
      });
      const requestIds = (records: readonly JoinRequestRecord[]) => records.map((record) => record.requestId);

      it('stores a request whole, refuses a second with its id, and hands out copies', async () => {
        const scope = store.forApp('app');
        const invited = joinRequest(1, 'crew', 'u', 10, { inviterId: 'a', message: 'Let me in 😀 «please»' });
        await scope.joinRequests.insert(invited);
        expect(await scope.joinRequests.get(requestId(1))).toStrictEqual(invited);
        expect(await scope.joinRequests.get(requestId(2))).toBeNull();
        // The same id, even for another group and user.
        await expect(scope.joinRequests.insert(joinRequest(1, 'other', 'v', 11))).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await scope.joinRequests.get(requestId(1))).toStrictEqual(invited);
        expect(await scope.joinRequests.pendingOf('other', 'v')).toBeNull();

        const got = (await scope.joinRequests.get(requestId(1)))!;
        got.message = 'changed';
        got.status = 'approved';
        const [listed] = await scope.joinRequests.listPending('crew', 10);
        listed!.userId = 'changed';
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(invited);
      });

      it('one pending request per group and user: another user, another group or a decided request of the same user does not conflict', async () => {
        const scope = store.forApp('app');
        await scope.joinRequests.insert(joinRequest(1, 'crew', 'u', 10));
        await expect(scope.joinRequests.insert(joinRequest(2, 'crew', 'u', 11, { inviterId: 'a' }))).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await scope.joinRequests.get(requestId(2))).toBeNull();
        await scope.joinRequests.insert(joinRequest(3, 'crew', 'v', 12));
        await scope.joinRequests.insert(joinRequest(4, 'other', 'u', 13));
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(joinRequest(1, 'crew', 'u', 10));
        expect(await scope.joinRequests.pendingOf('crew', 'v')).toStrictEqual(joinRequest(3, 'crew', 'v', 12));
        expect(await scope.joinRequests.pendingOf('other', 'u')).toStrictEqual(joinRequest(4, 'other', 'u', 13));
        expect(await scope.joinRequests.pendingOf('other', 'v')).toBeNull();
        expect(await scope.joinRequests.pendingOf('nowhere', 'u')).toBeNull();

        // Once decided, the user may ask again, and again after that: decided ones never conflict.
        await scope.joinRequests.decide(requestId(1), { status: 'rejected', decidedBy: 'a', decidedAt: 20 });
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toBeNull();
        await scope.joinRequests.insert(joinRequest(5, 'crew', 'u', 30));
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(joinRequest(5, 'crew', 'u', 30));
        await scope.joinRequests.decide(requestId(5), { status: 'approved', decidedBy: null, decidedAt: 31 });
        await scope.joinRequests.insert(joinRequest(6, 'crew', 'u', 40));
        await expect(scope.joinRequests.insert(joinRequest(7, 'crew', 'u', 41))).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await scope.joinRequests.get(requestId(1))).toMatchObject({ status: 'rejected' });
        expect(await scope.joinRequests.get(requestId(5))).toMatchObject({ status: 'approved' });
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(joinRequest(6, 'crew', 'u', 40));
        expect(requestIds(await scope.joinRequests.listPending('crew', 10))).toEqual([requestId(3), requestId(6)]);
      });

      it('a request stored already decided takes no pending place', async () => {
        const scope = store.forApp('app');
        const decided = joinRequest(1, 'crew', 'u', 10, { status: 'approved', decidedBy: 'a', decidedAt: 11 });
        await scope.joinRequests.insert(decided);
        await scope.joinRequests.insert(joinRequest(2, 'crew', 'u', 12, { status: 'rejected', decidedBy: null, decidedAt: 13 }));
        expect(await scope.joinRequests.get(requestId(1))).toStrictEqual(decided);
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toBeNull();
        expect(await scope.joinRequests.listPending('crew', 10)).toEqual([]);
        expect(await scope.joinRequests.decide(requestId(1), { status: 'rejected', decidedBy: 'b', decidedAt: 14 })).toBeNull();
        await scope.joinRequests.insert(joinRequest(3, 'crew', 'u', 15));
        expect(requestIds(await scope.joinRequests.listPending('crew', 10))).toEqual([requestId(3)]);
      });

      it('concurrent pending requests of one user to one group store one of them', async () => {
        const scope = store.forApp('app');
        const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => scope.joinRequests.insert(joinRequest(1 + i, 'crew', 'u', 10 + i))));
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DuplicateKeyError);
        const pending = await scope.joinRequests.listPending('crew', 10);
        expect(pending).toHaveLength(1);
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toStrictEqual(pending[0]);
      });

      it('listPending gives the group\'s pending requests oldest first (then by requestId), at most limit', async () => {
        const scope = store.forApp('app');
        await scope.joinRequests.insert(joinRequest(5, 'crew', 'm', 30));
        await scope.joinRequests.insert(joinRequest(2, 'crew', 'z', 10));
        await scope.joinRequests.insert(joinRequest(1, 'crew', 'b', 10, { inviterId: 'a', message: 'hi' }));
        await scope.joinRequests.insert(joinRequest(3, 'crew', 'k', 20));
        await scope.joinRequests.insert(joinRequest(4, 'crew', 'x', 5));
        await scope.joinRequests.insert(joinRequest(6, 'other', 'b', 1));
        await scope.joinRequests.insert(joinRequest(7, 'crew', 'y', 1, { status: 'approved', decidedBy: 'a', decidedAt: 2 }));
        await scope.joinRequests.decide(requestId(4), { status: 'rejected', decidedBy: 'a', decidedAt: 6 });
        expect(await scope.joinRequests.listPending('crew', 10)).toStrictEqual([
          joinRequest(1, 'crew', 'b', 10, { inviterId: 'a', message: 'hi' }),
          joinRequest(2, 'crew', 'z', 10),
          joinRequest(3, 'crew', 'k', 20),
          joinRequest(5, 'crew', 'm', 30),
        ]);
        expect(requestIds(await scope.joinRequests.listPending('crew', 3))).toEqual([requestId(1), requestId(2), requestId(3)]);
        expect(requestIds(await scope.joinRequests.listPending('crew', 1))).toEqual([requestId(1)]);
        expect(await scope.joinRequests.listPending('crew', 0)).toEqual([]);
        expect(await scope.joinRequests.listPending('crew', -1)).toEqual([]);
        expect(requestIds(await scope.joinRequests.listPending('other', 10))).toEqual([requestId(6)]);
        expect(await scope.joinRequests.listPending('nowhere', 10)).toEqual([]);
        // Pages: `limit` after skipping `offset`, in the same order.
        expect(requestIds(await scope.joinRequests.listPending('crew', 2, 1))).toEqual([requestId(2), requestId(3)]);
        expect(requestIds(await scope.joinRequests.listPending('crew', 10, 3))).toEqual([requestId(5)]);
        expect(await scope.joinRequests.listPending('crew', 10, 4)).toEqual([]);
      });

      it('listPendingOfUser gives a user\'s own pending requests over every group, oldest first, at most limit', async () => {
        const scope = store.forApp('app');
        await scope.joinRequests.insert(joinRequest(3, 'crew', 'u', 30));
        await scope.joinRequests.insert(joinRequest(1, 'band', 'u', 10, { inviterId: 'a' }));
        await scope.joinRequests.insert(joinRequest(2, 'club', 'u', 10));
        await scope.joinRequests.insert(joinRequest(4, 'crew', 'v', 5));
        await scope.joinRequests.insert(joinRequest(5, 'team', 'u', 1, { status: 'approved', decidedBy: 'a', decidedAt: 2 }));
        await scope.joinRequests.insert(joinRequest(6, 'gone', 'u', 40));
        await scope.joinRequests.decide(requestId(6), { status: 'rejected', decidedBy: null, decidedAt: 41 });
        expect(await scope.joinRequests.listPendingOfUser('u', 10)).toStrictEqual([
          joinRequest(1, 'band', 'u', 10, { inviterId: 'a' }),
          joinRequest(2, 'club', 'u', 10),
          joinRequest(3, 'crew', 'u', 30),
        ]);
        expect(requestIds(await scope.joinRequests.listPendingOfUser('u', 2))).toEqual([requestId(1), requestId(2)]);
        expect(await scope.joinRequests.listPendingOfUser('u', 0)).toEqual([]);
        expect(requestIds(await scope.joinRequests.listPendingOfUser('v', 10))).toEqual([requestId(4)]);
        // A dismissed group's requests go with it; another app's are not this app's.
        await scope.joinRequests.deleteForGroup('club');
        expect(requestIds(await scope.joinRequests.listPendingOfUser('u', 10))).toEqual([requestId(1), requestId(3)]);
        expect(await store.forApp('other-app').joinRequests.listPendingOfUser('u', 10)).toEqual([]);
      });

      it('decide answers a pending request once (compare-and-set), returning it decided', async () => {
        const scope = store.forApp('app');
        const asked = joinRequest(1, 'crew', 'u', 10, { inviterId: 'b', message: 'friend of b' });
        await scope.joinRequests.insert(asked);
        const approved = { ...asked, status: 'approved', decidedBy: 'a', decidedAt: 15 } as const;
        expect(await scope.joinRequests.decide(requestId(1), { status: 'approved', decidedBy: 'a', decidedAt: 15 })).toStrictEqual(approved);
        // The second answer finds it decided already: nothing changes.
        expect(await scope.joinRequests.decide(requestId(1), { status: 'rejected', decidedBy: 'c', decidedAt: 16 })).toBeNull();
        expect(await scope.joinRequests.decide(requestId(1), { status: 'approved', decidedBy: 'a', decidedAt: 17 })).toBeNull();
        expect(await scope.joinRequests.get(requestId(1))).toStrictEqual(approved);
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toBeNull();
        expect(await scope.joinRequests.listPending('crew', 10)).toEqual([]);
        expect(await scope.joinRequests.decide(requestId(9), { status: 'approved', decidedBy: 'a', decidedAt: 18 })).toBeNull();
        expect(await scope.joinRequests.get(requestId(9))).toBeNull();

        // The tenant's backend decides with no decidedBy.
        await scope.joinRequests.insert(joinRequest(2, 'crew', 'v', 20));
        const rejected = { ...joinRequest(2, 'crew', 'v', 20), status: 'rejected', decidedBy: null, decidedAt: 21 } as const;
        expect(await scope.joinRequests.decide(requestId(2), { status: 'rejected', decidedBy: null, decidedAt: 21 })).toStrictEqual(rejected);
        expect(await scope.joinRequests.decide(requestId(2), { status: 'approved', decidedBy: 'a', decidedAt: 22 })).toBeNull();
        expect(await scope.joinRequests.get(requestId(2))).toStrictEqual(rejected);
      });

      it('deleteForGroup removes every request of the group, pending or decided, and no other group\'s', async () => {
        const scope = store.forApp('app');
        await scope.joinRequests.insert(joinRequest(1, 'crew', 'u', 10));
        await scope.joinRequests.insert(joinRequest(2, 'crew', 'v', 11));
        await scope.joinRequests.insert(joinRequest(3, 'other', 'u', 12));
        await scope.joinRequests.decide(requestId(2), { status: 'approved', decidedBy: 'a', decidedAt: 13 });
        await scope.joinRequests.deleteForGroup('crew');
        expect(await scope.joinRequests.get(requestId(1))).toBeNull();
        expect(await scope.joinRequests.get(requestId(2))).toBeNull();
        expect(await scope.joinRequests.pendingOf('crew', 'u')).toBeNull();
        expect(await scope.joinRequests.listPending('crew', 10)).toEqual([]);
        expect(await scope.joinRequests.get(requestId(3))).toStrictEqual(joinRequest(3, 'other', 'u', 12));
        expect(requestIds(await scope.joinRequests.listPending('other', 10))).toEqual([requestId(3)]);
        await scope.joinRequests.deleteForGroup('crew');
        await scope.joinRequests.deleteForGroup('nowhere');
        // A group created again under the id starts with no requests, and takes new ones.
        await scope.joinRequests.insert(joinRequest(4, 'crew', 'u', 20));
        expect(requestIds(await scope.joinRequests.listPending('crew', 10))).toEqual([requestId(4)]);
      });

      it('two apps never see each other\'s join requests, even with the same ids', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        await a.joinRequests.insert(joinRequest(1, 'crew', 'u', 10));
        await a.joinRequests.insert(joinRequest(2, 'crew', 'v', 11));
        expect(await b.joinRequests.get(requestId(1))).toBeNull();
        expect(await b.joinRequests.pendingOf('crew', 'u')).toBeNull();
        expect(await b.joinRequests.listPending('crew', 10)).toEqual([]);
        expect(await b.joinRequests.decide(requestId(1), { status: 'approved', decidedBy: 'a', decidedAt: 12 })).toBeNull();
        await b.joinRequests.deleteForGroup('crew');
        // The same ids, and the same user's pending request to the same group id, are free in the other app.
        await b.joinRequests.insert(joinRequest(1, 'crew', 'u', 20, { message: 'in B' }));
        expect(await b.joinRequests.decide(requestId(1), { status: 'rejected', decidedBy: 'x', decidedAt: 21 })).toMatchObject({ status: 'rejected', message: 'in B' });
        expect(await a.joinRequests.get(requestId(1))).toStrictEqual(joinRequest(1, 'crew', 'u', 10));
        expect(requestIds(await a.joinRequests.listPending('crew', 10))).toEqual([requestId(1), requestId(2)]);
        await a.joinRequests.deleteForGroup('crew');
        expect((await b.joinRequests.get(requestId(1)))?.status).toBe('rejected');
      });

      it('purge removes the app\'s join requests, and only its own', async () => {
        const a = store.forApp('appA');
        const b = store.forApp('appB');
        for (const scope of [a, b]) {
          await scope.joinRequests.insert(joinRequest(1, 'crew', 'u', 10));
          await scope.joinRequests.insert(joinRequest(2, 'crew', 'v', 11));
          await scope.joinRequests.decide(requestId(2), { status: 'approved', decidedBy: 'a', decidedAt: 12 });
        }
        await a.purge();
        const fresh = store.forApp('appA');
        expect(await fresh.joinRequests.get(requestId(1))).toBeNull();
        expect(await fresh.joinRequests.get(requestId(2))).toBeNull();
        expect(await fresh.joinRequests.pendingOf('crew', 'u')).toBeNull();
        expect(await fresh.joinRequests.listPending('crew', 10)).toEqual([]);
        expect(await b.joinRequests.pendingOf('crew', 'u')).toStrictEqual(joinRequest(1, 'crew', 'u', 10));
        expect((await b.joinRequests.get(requestId(2)))?.status).toBe('approved');
        // The ids and the pending place are free again.
        await fresh.joinRequests.insert(joinRequest(1, 'crew', 'u', 20));
        expect(requestIds(await fresh.joinRequests.listPending('crew', 10))).toEqual([requestId(1)]);
      });
    });
  });
}
