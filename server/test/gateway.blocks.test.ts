import { ConversationType, ErrorCode, MessageType } from '@parley/sdk/protocol';
import { ParleyError } from '@parley/sdk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, type RawDevice } from './support/devices.js';
import { startTestWorld, type TestWorld } from './support/test-server.js';
import { storeAdapters } from './support/stores.js';

describe.each(storeAdapters())('block lists on the $name store', (adapter) => {
  const text = (content: string) => ({ messageType: MessageType.TEXT, content: { content } });

  let world: TestWorld;
  let cleanup = async () => {};
  beforeAll(async () => {
    const opened = await adapter.open();
    cleanup = opened.cleanup;
    world = await startTestWorld(['alice', 'spammer', 'bob', 'carol'], {}, opened.store ? { store: opened.store } : {});
    await world.app.api.createGroup({ groupId: 'club', name: 'Club', userIds: ['alice', 'spammer', 'bob'] });
  });
  afterAll(async () => {
    await world.close();
    await cleanup();
  });

  const device = (userId: string): Promise<RawDevice> => connectDevice(world.t, world.app.appId, world.tokens[userId]!);

  describe('block lists', () => {
    it('a blocked user\'s private messages are refused with BLOCKED and not stored; typing is dropped; groups go on', async () => {
      const alice = await device('alice');
      const spammer = await device('spammer');
      expect(await spammer.ok('send-private-message', { targetId: 'alice', ...text('before') })).toMatchObject({ seq: 1 });
      await alice.next('new-message');

      expect(await alice.ok('block-users', { userIds: ['spammer', 'spammer'] })).toEqual({ changed: ['spammer'] });
      expect(await alice.ok('block-users', { userIds: ['spammer'] })).toEqual({ changed: [] });

      const refused = await spammer.request('send-private-message', { targetId: 'alice', ...text('buy now'), clientMsgId: 'spam-1' });
      expect(refused).toEqual({ status: 0, code: ErrorCode.BLOCKED, message: 'targetId: user alice does not accept messages from this sender' });
      // The backend is refused the same way, and nothing was stored.
      await expect(world.app.api.sendPrivateMessage({ senderUserId: 'spammer', targetId: 'alice', ...text('via backend') })).rejects.toMatchObject({ code: ErrorCode.BLOCKED, status: 403 });
      const history = await world.app.api.getSessionMessages({ userId: 'alice', targetId: 'spammer', conversationType: ConversationType.PRIVATE });
      expect(history.map((message) => message.content['content'])).toEqual(['before']);
      expect(await spammer.ok('typing', { conversationType: ConversationType.PRIVATE, targetId: 'alice' })).toBeNull();

      // Alice still writes to the spammer, and both still share the group.
      expect(await alice.ok('send-private-message', { targetId: 'spammer', ...text('please stop') })).toMatchObject({ seq: 2 });
      await spammer.ok('send-group-message', { targetId: 'club', ...text('hello club') });
      const inGroup = await alice.next('new-message');
      expect(inGroup).toMatchObject({ targetId: 'club', content: { content: 'hello club' } });
      // Nothing the spammer sent privately (nor typing) reached Alice after the block.
      const privateToAlice = alice.all('new-message').filter((message) => message.conversationType === ConversationType.PRIVATE);
      expect(privateToAlice.map((message) => message.content['content'])).toEqual(['before']);
      expect(alice.all('typing')).toEqual([]);

      // Nothing tells the spammer: no push about it, and Alice's presence still reads as before.
      expect(spammer.received.map((push) => push.event).filter((event) => !['new-message', 'ready', 'presence'].includes(event))).toEqual([]);
      alice.close();
      spammer.close();
    });

    it('lists blocks with names, oldest first; unblocking lets messages through again', async () => {
      const bob = await device('bob');
      await bob.ok('block-users', { userIds: ['carol'] });
      world.t.clock.advance(1000);
      await world.app.api.blockUsers({ userId: 'bob', targetIds: ['alice'] });
      const list = await bob.ok('block-list');
      expect(list.map((entry) => [entry.userId, entry.name])).toEqual([['carol', 'CAROL'], ['alice', 'ALICE']]);
      expect(list[0]!.blockedAt).toBeLessThan(list[1]!.blockedAt);
      expect(await world.app.api.getBlockList({ userId: 'bob' })).toEqual(list);

      await expect(world.app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'bob', ...text('hi') })).rejects.toBeInstanceOf(ParleyError);
      expect(await bob.ok('unblock-users', { userIds: ['carol', 'dave'] })).toEqual({ changed: ['carol'] });
      expect(await world.app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'bob', ...text('hi again') })).toMatchObject({ content: { content: 'hi again' } });
      expect((await bob.next('new-message')).content).toEqual({ content: 'hi again' });
      expect(await world.app.api.unblockUsers({ userId: 'bob', targetIds: ['alice'] })).toEqual({ changed: ['alice'] });
      expect(await bob.ok('block-list')).toEqual([]);
      bob.close();
    });

    it('keeps the blocker\'s other devices told (blocks-changed), from a device or the backend, and never the users blocked', async () => {
      const phone = await device('carol');
      const laptop = await device('carol');
      const blocked = await device('spammer');
      await phone.ok('block-users', { userIds: ['spammer', 'bob'] });
      expect(await laptop.next('blocks-changed')).toEqual({ blocked: ['spammer', 'bob'], unblocked: [] });
      await world.app.api.unblockUsers({ userId: 'carol', targetIds: ['bob', 'alice'] });
      // The backend's change has no device of origin: every device hears it.
      expect(await phone.next('blocks-changed')).toEqual({ blocked: [], unblocked: ['bob'] });
      expect(await laptop.next('blocks-changed')).toEqual({ blocked: [], unblocked: ['bob'] });
      // Nothing changed: nothing to tell.
      await phone.ok('block-users', { userIds: ['spammer'] });
      await phone.ok('unblock-users', { userIds: ['spammer'] });
      expect(await laptop.next('blocks-changed')).toEqual({ blocked: [], unblocked: ['spammer'] });
      expect(phone.all('blocks-changed')).toHaveLength(1);
      expect(blocked.all('blocks-changed')).toEqual([]);
      for (const open of [phone, laptop, blocked]) open.close();
    });

    it('refuses blocking oneself or a user that does not exist, and says which field is wrong', async () => {
      const carol = await device('carol');
      expect(await carol.request('block-users', { userIds: ['carol'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN, message: 'userIds: must not include the user themselves' });
      expect(await carol.ok('unblock-users', { userIds: ['carol'] })).toEqual({ changed: [] });
      expect(await carol.request('block-users', { userIds: ['nobody'] })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^userIds: user nobody does not exist/) });
      expect(await carol.request('block-users', { userIds: [] })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS, message: expect.stringMatching(/^userIds: must name at least one user/) });
      await expect(world.app.api.blockUsers({ userId: 'nobody', targetIds: ['carol'] })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^userId: /) });
      carol.close();
    });

    it('a request a block dropped does not outlive a friendship made the other way', async () => {
      const carol = await device('carol');
      const spammer = await device('spammer');
      await carol.ok('block-users', { userIds: ['spammer'] });
      await spammer.ok('send-friend-request', { userId: 'carol', message: 'hi' });
      expect((await carol.ok('friend-requests')).incoming).toEqual([]);
      const mine = await carol.ok('send-friend-request', { userId: 'spammer', message: 'fine, hello' });
      await spammer.ok('accept-friend-request', { requestId: mine.requestId });
      expect((await spammer.ok('friend-requests')).outgoing.filter((request) => request.status === 'pending')).toEqual([]);
      await carol.ok('unblock-users', { userIds: ['spammer'] });
    });
  });
});
