import type { Message, Session } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWorld, type RawDevice } from './support/devices.js';
import { changeAppSettings, type TestApp, type TestServer } from './support/test-server.js';
import { storeAdapters } from './support/stores.js';

describe.each(storeAdapters())('recall on the $name store', (adapter) => {
  let t: TestServer;
  let app: TestApp;
  let world: GatewayWorld;

  beforeAll(async () => {
    world = await GatewayWorld.start(['owner', 'admin', 'member', 'outsider'], {}, adapter);
    ({ t, app } = world);
    await app.api.createGroup({ groupId: 'club', userIds: ['owner', 'admin', 'member'], name: 'Club' });
    // The test writes the role through the store port, so recall does not depend on the admin routes.
    const scope = t.server.store.forApp(app.appId);
    const group = (await scope.groups.get('club'))!;
    const admin = (await scope.groups.getMembers('club', ['admin'])).get('admin')!;
    expect(await scope.groups.replace({ ...group, version: group.version + 1 }, group.version, { update: [{ ...admin, role: 'admin' }] })).toBe(true);
  });
  afterEach(() => world.closeDevices());
  afterAll(() => world.close());

  const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

  const minutes = (n: number) => n * 60_000;
  const say = (from: RawDevice, content: string): Promise<Message> => from.ok('send-group-message', { targetId: 'club', messageType: 1, content: { content } });

  describe('recall', () => {
    it('the sender recalls within 2 minutes; everyone else in the conversation is told; history shows it recalled', async () => {
      const member = await device('member');
      const owner = await device('owner');
      const admin = await device('admin');
      const sent = await say(member, 'oops');
      t.clock.advance(minutes(1));
      try {
        const recalled = await member.ok('recall-message', { msgId: sent.msgId });
        expect(recalled).toMatchObject({ msgId: sent.msgId, seq: sent.seq, content: {}, recall: { by: 'member' } });
        for (const d of [owner, admin]) expect(await d.next('message-recalled')).toEqual(recalled);

        const history: Message[] = await app.api.getSessionMessages({ userId: 'owner', targetId: 'club', conversationType: 2 });
        expect(history.find((m) => m.msgId === sent.msgId)).toMatchObject({ content: {}, recall: { by: 'member' } });
        const sessions: Session[] = await owner.ok('session-list');
        expect(sessions.find((s) => s.targetId === 'club')?.lastMsg?.content).toBe('[Recalled]');
        // A second recall changes nothing and tells nobody.
        expect(await member.ok('recall-message', { msgId: sent.msgId })).toEqual(recalled);
      } finally {
        t.clock.advance(-minutes(1));
      }
    });

    it('after 2 minutes the sender may not, but an owner or admin may within 2 hours', async () => {
      const member = await device('member');
      const admin = await device('admin');
      const owner = await device('owner');
      const first = await say(member, 'first');
      const second = await say(member, 'second');
      t.clock.advance(minutes(3));
      try {
        expect(await member.request('recall-message', { msgId: first.msgId })).toEqual({
          status: 0,
          code: 'FORBIDDEN',
          message: 'msgId: the sender may recall a message up to 120 s after sending it',
        });
        expect(await admin.ok('recall-message', { msgId: first.msgId })).toMatchObject({ recall: { by: 'admin' } });
        t.clock.advance(minutes(120));
        expect(await owner.request('recall-message', { msgId: second.msgId })).toMatchObject({ status: 0, code: 'FORBIDDEN' });
        // The backend moderates without a window.
        expect(await app.api.recallMessage({ msgId: second.msgId })).toMatchObject({ recall: { by: null } });
        expect((await member.next('message-recalled')).msgId).toBe(first.msgId);
      } finally {
        t.clock.advance(-minutes(123));
      }
    });

    it('an admin may not recall the owner\'s messages, the owner may recall the admin\'s', async () => {
      const owner = await device('owner');
      const admin = await device('admin');
      const byOwner = await say(owner, 'from the owner');
      const byAdmin = await say(admin, 'from the admin');
      expect(await admin.request('recall-message', { msgId: byOwner.msgId })).toEqual({
        status: 0,
        code: 'FORBIDDEN',
        message: "msgId: an admin may recall only ordinary members' messages; this one is by the group's owner",
      });
      expect(await owner.ok('recall-message', { msgId: byAdmin.msgId })).toMatchObject({ recall: { by: 'owner' } });
    });

    it('a member may not recall what others wrote; an outsider gets NOT_FOUND', async () => {
      const owner = await device('owner');
      const member = await device('member');
      const outsider = await device('outsider');
      const sent = await say(owner, 'mine');
      expect(await member.request('recall-message', { msgId: sent.msgId })).toMatchObject({ status: 0, code: 'FORBIDDEN' });
      expect(await outsider.request('recall-message', { msgId: sent.msgId })).toMatchObject({ status: 0, code: 'NOT_FOUND' });
      expect(await app.api.recallMessage({ msgId: sent.msgId, userId: 'outsider' }).catch((e: { code: string }) => e.code)).toBe('NOT_FOUND');
    });

    it('private chats: the other user hears of the recall; the window follows the app setting', async () => {
      await changeAppSettings(t, app, { recallWindowSeconds: 600 });
      const member = await device('member');
      const outsider = await device('outsider');
      const sent: Message = await member.ok('send-private-message', { targetId: 'outsider', messageType: 1, content: { content: 'psst' } });
      t.clock.advance(minutes(9));
      try {
        await member.ok('recall-message', { msgId: sent.msgId });
        expect(await outsider.next('message-recalled')).toMatchObject({ msgId: sent.msgId, targetId: 'outsider', content: {} });
      } finally {
        t.clock.advance(-minutes(9));
      }
    });
  });
});
