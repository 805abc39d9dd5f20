import { MessageType, type Message, type Session } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWorld, settled, text } from './support/devices.js';
import { createUsers, type TestApp } from './support/test-server.js';
import { storeAdapters } from './support/stores.js';

describe.each(storeAdapters())('delivery on the $name store', (adapter) => {
  let app: TestApp;
  let world: GatewayWorld;

  beforeAll(async () => {
    world = await GatewayWorld.start(['alice', 'bob', 'carol'], {}, adapter);
    ({ app } = world);
  });
  afterEach(() => world.closeDevices());
  afterAll(() => world.close());

  const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

  describe('new-message delivery', () => {
    it("reaches every device of the recipient and the sender's other devices, not the sending one", async () => {
      const alicePhone = await device('alice', 'ios');
      const aliceLaptop = await device('alice', 'web');
      const bobPhone = await device('bob', 'android');
      const bobTablet = await device('bob', 'ios');
      const bobLaptop = await device('bob', 'web');

      const sent = await alicePhone.ok('send-private-message', { targetId: 'bob', ...text('to all your devices') });
      for (const d of [aliceLaptop, bobPhone, bobTablet, bobLaptop]) {
        const pushed = await d.next('new-message');
        expect(pushed.msgId).toBe(sent.msgId);
        expect(pushed).toMatchObject({ seq: sent.seq, senderUserId: 'alice', targetId: 'bob', sendUser: { name: 'ALICE' } });
        expect(pushed.sendSession).toBeUndefined();
      }
      await settled(alicePhone);
      expect(alicePhone.all('new-message')).toEqual([]);
    });

    it('delivers messages sent through the open API to both sides', async () => {
      const alice = await device('alice');
      const bob = await device('bob');
      const sent = await app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'bob', messageType: 1, content: { content: 'from the backend' } });
      expect((await bob.next('new-message')).msgId).toBe(sent.msgId);
      const carol = await device('carol');
      await app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'alice', messageType: 1, content: { content: 'hi' } });
      expect((await carol.next('new-message')).targetId).toBe('alice');
      expect((await alice.next('new-message')).senderUserId).toBe('carol');
      await settled(alice);
      expect(alice.all('new-message')).toHaveLength(1);
    });

    it('stores a group message once and fans it out to all 50 members', async () => {
      const userIds = Array.from({ length: 50 }, (_, i) => `member${i}`);
      const memberTokens = await createUsers(app, ...userIds);
      await app.api.createGroup({ groupId: 'fifty', userIds, name: 'Fifty' });
      const devices = await Promise.all(userIds.map((id) => device(id, 'web', app.appId, memberTokens[id]!)));

      const sent = await devices[0]!.ok('send-group-message', { targetId: 'fifty', ...text('hello fifty') });
      const pushed = await Promise.all(devices.slice(1).map((d) => d.next('new-message')));
      expect(new Set(pushed.map((m) => m.msgId))).toEqual(new Set([sent.msgId]));
      expect(pushed.every((m) => m.conversationType === 2 && m.targetId === 'fifty')).toBe(true);

      const history = await app.api.getSessionMessages({ userId: 'member7', targetId: 'fifty', conversationType: 2 });
      expect(history.map((m) => m.msgId)).toEqual([sent.msgId]);
      const sessions: Session[] = await devices[9]!.ok('session-list');
      expect(sessions.find((s) => s.targetId === 'fifty')).toMatchObject({ unread: 1, lastSeq: sent.seq });
    });

    it('does not deliver to a removed member', async () => {
      await app.api.createGroup({ groupId: 'shrinking', userIds: ['alice', 'bob', 'carol'], name: 'Shrinking' });
      const alice = await device('alice');
      const carol = await device('carol');
      await app.api.removeGroupMembers({ groupId: 'shrinking', userIds: ['carol'] });
      await alice.ok('send-group-message', { targetId: 'shrinking', ...text('carol is gone') });
      await settled(carol);
      // The news of her removal is the last thing she hears from the group.
      expect(carol.all('new-message').map((message) => [message.messageType, message.content])).toEqual([
        [MessageType.GROUP_EVENT, expect.objectContaining({ event: 'removed', userIds: ['carol'] })],
      ]);
    });
  });

  describe('read marks and receipts', () => {
    it("moves the reader's other devices to unread 0 and sends the other user a read receipt", async () => {
      const alice = await device('alice');
      const bobPhone = await device('bob', 'ios');
      const bobLaptop = await device('bob', 'web');
      const sent: Message[] = [];
      for (const n of [1, 2, 3]) sent.push(await alice.ok('send-private-message', { targetId: 'carol', ...text(`x${n}`) }));
      await alice.ok('send-private-message', { targetId: 'bob', ...text('read me') });
      await alice.ok('send-private-message', { targetId: 'bob', ...text('and me') });

      const sessions: Session[] = await bobPhone.ok('session-list');
      const withAlice = sessions.find((s) => s.targetId === 'alice')!;
      expect(withAlice.unread).toBeGreaterThanOrEqual(2);

      const read = await bobPhone.ok('set-session-read', { sid: withAlice.sid });
      expect(read).toMatchObject({ sid: withAlice.sid, unread: 0, readSeq: withAlice.lastSeq });
      expect(await bobLaptop.next('session-read')).toEqual(read);
      expect(await alice.next('read-receipt')).toEqual({ conversationType: 1, targetId: 'bob', userId: 'bob', readSeq: withAlice.lastSeq });

      // Reading again moves nothing, so nobody is told twice.
      await bobPhone.ok('set-session-read', withAlice.sid);
      await settled(alice, bobPhone);
      expect(alice.all('read-receipt')).toHaveLength(1);
      expect(bobPhone.all('session-read')).toEqual([]);
      const after: Session[] = await bobLaptop.ok('session-list');
      expect(after.find((s) => s.targetId === 'alice')!.unread).toBe(0);
    });

    it('unread stays exact while reads and sends interleave', async () => {
      const alice = await device('alice');
      const carol = await device('carol');
      await alice.ok('send-private-message', { targetId: 'carol', ...text('start') });
      const sid = ((await carol.ok('session-list')) as Session[]).find((s) => s.targetId === 'alice')!.sid;
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => alice.ok('send-private-message', { targetId: 'carol', ...text(`burst ${i}`) })),
        ...Array.from({ length: 5 }, () => carol.ok('set-session-read', sid)),
      ]);
      const session = ((await carol.ok('session-list')) as Session[]).find((s) => s.sid === sid)!;
      const unreadInHistory = ((await carol.ok('session-message-list', { sid, limit: 100 })) as Message[]).filter((m) => m.seq > session.readSeq);
      expect(session.unread).toBe(unreadInHistory.length);
      expect((await carol.ok('set-session-read', sid)).unread).toBe(0);
    });
  });
});
