import type { PresenceState } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disconnection, GatewayWorld, presenceUntil, settled } from './support/devices.js';
import { changeAppSettings, createApp, type TestApp, type TestServer } from './support/test-server.js';
import { storeAdapters } from './support/stores.js';

describe.each(storeAdapters())('presence, typing and login policy on the $name store', (adapter) => {
  let t: TestServer;
  let app: TestApp;
  let world: GatewayWorld;

  beforeAll(async () => {
    // How presence and typing work, with everyone visible to everyone; who may see whom under the
    // default `contacts` scope is gateway.privacy.test.ts.
    world = await GatewayWorld.start(['alice', 'bob', 'carol', 'dan'], { PRESENCE_SCOPE: 'app' }, adapter);
    ({ t, app } = world);
    await app.api.createGroup({ groupId: 'crew', userIds: ['alice', 'bob', 'carol'], name: 'Crew' });
    // alice and bob have talked, so each is the other's contact.
    await app.api.sendPrivateMessage({ senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'hi' } });
  });
  afterEach(() => world.closeDevices());
  afterAll(() => world.close());

  const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

  describe('presence', () => {
    it('tells contacts when a user comes online, and offline only when the last device leaves', async () => {
      const alice = await device('alice');
      const bobPhone = await device('bob', 'ios');
      expect(await alice.next('presence')).toEqual({ userId: 'bob', online: true, platforms: ['ios'], lastSeenAt: null });
      const bobLaptop = await device('bob', 'web');
      expect(await alice.ok('presence-query', { userIds: ['bob', 'carol'] })).toEqual([
        { userId: 'bob', online: true, platforms: ['ios', 'web'], lastSeenAt: null },
        { userId: 'carol', online: false, platforms: [], lastSeenAt: null },
      ]);

      bobPhone.close();
      // Once the phone is gone from the registry, any announcement it caused is already sent.
      await presenceUntil(alice, 'bob', (state) => state.platforms.join() === 'web');
      await settled(alice);
      expect(alice.all('presence')).toHaveLength(1);
      bobLaptop.close();
      const offline = await alice.next('presence');
      expect(offline).toMatchObject({ userId: 'bob', online: false, platforms: [] });
      expect(offline.lastSeenAt).toBeGreaterThan(0);
    });

    it('anyone can be watched by id; unsubscribe stops the pushes', async () => {
      const dan = await device('dan');
      const witness = await device('alice');
      await witness.ok('presence-subscribe', { userIds: ['carol'] });
      const initial: PresenceState[] = await dan.ok('presence-subscribe', { userIds: ['carol'] });
      expect(initial).toEqual([{ userId: 'carol', online: false, platforms: [], lastSeenAt: null }]);
      const carol = await device('carol', 'android');
      expect(await dan.next('presence')).toMatchObject({ userId: 'carol', online: true, platforms: ['android'] });
      expect(await dan.ok('presence-unsubscribe', { userIds: ['carol'] })).toBeNull();
      carol.close();
      // The witness still watches carol: once it hears she left, the one announcement is sent.
      expect(await witness.next('presence')).toMatchObject({ userId: 'carol', online: true });
      expect(await witness.next('presence')).toMatchObject({ userId: 'carol', online: false });
      await settled(dan);
      expect(dan.all('presence')).toHaveLength(1);
    });

    it('keeps apps apart: the same user id in another app is another user', async () => {
      const other = await createApp(t);
      const { token } = await other.api.getToken({ userId: 'bob', name: 'Other Bob' });
      const watcher = await device('alice');
      await watcher.ok('presence-subscribe', { userIds: ['bob'] });
      await device('bob', 'web', other.appId, token);
      await settled(watcher);
      expect(watcher.all('presence')).toEqual([]);
      expect(await watcher.ok('presence-query', { userIds: ['bob'] })).toMatchObject([{ online: false }]);
    });
  });

  describe('typing', () => {
    it('reaches the other user of a private chat, not the typist, and is throttled to one per 3 s', async () => {
      const alice = await device('alice');
      const aliceTablet = await device('alice', 'ios');
      const bob = await device('bob');
      expect(await alice.ok('typing', { conversationType: 1, targetId: 'bob' })).toBeNull();
      expect(await bob.next('typing')).toEqual({ conversationType: 1, targetId: 'alice', userId: 'alice' });
      await alice.ok('typing', { conversationType: 1, targetId: 'bob' });
      await settled(bob);
      expect(bob.all('typing')).toHaveLength(1);
      t.clock.advance(3_000);
      await alice.ok('typing', { conversationType: 1, targetId: 'bob' });
      await bob.next('typing');
      expect(aliceTablet.all('typing')).toEqual([]);
    });

    it('reaches the other members of a group; a non-member is refused', async () => {
      const alice = await device('alice');
      const bob = await device('bob');
      const carol = await device('carol');
      const dan = await device('dan');
      await carol.ok('typing', { conversationType: 2, targetId: 'crew' });
      for (const d of [alice, bob]) expect(await d.next('typing')).toEqual({ conversationType: 2, targetId: 'crew', userId: 'carol' });
      expect(await dan.request('typing', { conversationType: 2, targetId: 'crew' })).toMatchObject({ status: 0, code: 'FORBIDDEN' });
      expect(await dan.request('typing', { conversationType: 1, targetId: 'nobody' })).toMatchObject({ status: 0, code: 'NOT_FOUND' });
      await settled(carol);
      expect(carol.all('typing')).toEqual([]);
    });
  });

  describe('login policy', () => {
    it('allows many devices by default', async () => {
      const first = await device('carol', 'web');
      await device('carol', 'web');
      await settled(first);
      expect(first.socket.connected).toBe(true);
    });

    it('one-per-platform: a new login replaces the older device of that platform, which is told why', async () => {
      const strict = await createApp(t);
      expect((await changeAppSettings(t, strict, { loginPolicy: 'one-per-platform' })).settings.loginPolicy).toBe('one-per-platform');
      const { token } = await strict.api.getToken({ userId: 'eve', name: 'Eve' });

      const { token: watcherToken } = await strict.api.getToken({ userId: 'watcher', name: 'Watcher' });
      const watcher = await device('watcher', 'web', strict.appId, watcherToken);
      await watcher.ok('presence-subscribe', { userIds: ['eve'] });
      const oldLaptop = await device('eve', 'web', strict.appId, token);
      const phone = await device('eve', 'ios', strict.appId, token);
      const ended = disconnection(oldLaptop);
      const newLaptop = await device('eve', 'web', strict.appId, token);

      expect(await oldLaptop.next('kicked')).toEqual({ reason: 'LOGIN_ELSEWHERE', message: 'you signed in on another web device' });
      expect(await ended).toBe('io server disconnect');
      await settled(phone, newLaptop);
      expect(phone.socket.connected).toBe(true);
      expect(newLaptop.socket.connected).toBe(true);
      expect(await phone.ok('presence-query', { userIds: ['eve'] })).toMatchObject([{ online: true, platforms: ['ios', 'web'] }]);
      // Replacing a device is not going offline: watchers saw eve come online once, and nothing else.
      expect(watcher.all('presence').map((p) => p.online)).toEqual([true]);
    });
  });
});
