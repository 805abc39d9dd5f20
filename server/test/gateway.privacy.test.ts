import type { AppSettings, PresenceState } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_SUBSCRIPTIONS_MAX } from '../src/domain/presence/presence-service.js';
import { GatewayWorld, settled, text, type RawDevice } from './support/devices.js';
import { changeAppSettings, createApp, createUsers, type TestApp, type TestServer } from './support/test-server.js';

// Who may see whom: the app setting `presenceScope`, `contacts` by default (see
// domain/contacts/presence-scope.ts). How presence itself works is gateway.presence.test.ts.

let t: TestServer;
let app: TestApp;
let world: GatewayWorld;

beforeAll(async () => {
  world = await GatewayWorld.start(['ann', 'ben', 'wit', 'fay', 'gus', 'cat', 'dev', 'hal']);
  ({ t, app } = world);
  // wit has talked with ben, so wit is in ben's scope and hears when ben comes online.
  await app.api.sendPrivateMessage({ senderUserId: 'wit', targetId: 'ben', messageType: 1, content: { content: 'hello' } });
  // cat and dev share only a group.
  await app.api.createGroup({ groupId: 'club', userIds: ['cat', 'dev'], name: 'Club' });
});
afterEach(() => world.closeDevices());
afterAll(() => world.close());

const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

/** What a user outside the scope reads as: the same as an id of no user. */
const unseen = (userId: string): PresenceState => ({ userId, online: false, platforms: [], lastSeenAt: null });

const patchSettings = (target: TestApp, settings: Partial<AppSettings>) => changeAppSettings(t, target, settings);

describe("presence scope 'contacts' (the default)", () => {
  it('answers a stranger as an id of no user, and never pushes about them', async () => {
    const ann = await device('ann');
    const wit = await device('wit');
    expect(await ann.ok('presence-subscribe', { userIds: ['ben', 'nobody'] })).toEqual([unseen('ben'), unseen('nobody')]);

    await device('ben', 'ios');
    // wit is ben's contact: once wit hears ben come online, the push to ann would have been sent too.
    expect(await wit.next('presence')).toMatchObject({ userId: 'ben', online: true });
    await settled(ann);
    expect(ann.all('presence')).toEqual([]);
    // Online, yet to ann exactly like an unknown id; a user always sees themselves.
    expect(await ann.ok('presence-query', { userIds: ['ben', 'nobody', 'ann'] })).toEqual([
      unseen('ben'),
      unseen('nobody'),
      { userId: 'ann', online: true, platforms: ['web'], lastSeenAt: null },
    ]);
    expect(await wit.ok('presence-query', { userIds: ['ben'] })).toEqual([{ userId: 'ben', online: true, platforms: ['ios'], lastSeenAt: null }]);
  });

  it("drops a stranger's private typing with the same ack as a delivered one", async () => {
    const ann = await device('ann');
    const ben = await device('ben');
    expect(await ann.request('typing', { conversationType: 1, targetId: 'ben' })).toEqual({ status: 1, data: null });
    // No existence check either: an id of no user is acked the same way.
    expect(await ann.request('typing', { conversationType: 1, targetId: 'nobody' })).toEqual({ status: 1, data: null });
    expect(await ann.request('typing', { conversationType: 1, targetId: 'ann' })).toMatchObject({ status: 0, code: 'INVALID_PARAMS' });
    await settled(ben);
    expect(ben.all('typing')).toEqual([]);
  });

  it('after one message, either way, the two see each other and typing goes through', async () => {
    const fay = await device('fay');
    const gus = await device('gus', 'android');
    expect(await fay.ok('presence-query', { userIds: ['gus'] })).toEqual([unseen('gus')]);

    await gus.ok('send-private-message', { targetId: 'fay', ...text('hi fay') });
    expect(await fay.ok('presence-subscribe', { userIds: ['gus'] })).toEqual([{ userId: 'gus', online: true, platforms: ['android'], lastSeenAt: null }]);
    expect(await gus.ok('presence-query', { userIds: ['fay'] })).toMatchObject([{ userId: 'fay', online: true }]);
    await fay.ok('typing', { conversationType: 1, targetId: 'gus' });
    expect(await gus.next('typing')).toEqual({ conversationType: 1, targetId: 'fay', userId: 'fay' });

    gus.close();
    const offline = await fay.next('presence');
    expect(offline).toMatchObject({ userId: 'gus', online: false, platforms: [] });
    expect(offline.lastSeenAt).toBeGreaterThan(0);
  });

  it('members of a common group see each other and may type privately, until one leaves', async () => {
    const cat = await device('cat');
    const dev = await device('dev');
    const hal = await device('hal');
    expect(await cat.ok('presence-query', { userIds: ['dev', 'hal'] })).toEqual([
      { userId: 'dev', online: true, platforms: ['web'], lastSeenAt: null },
      unseen('hal'),
    ]);
    await cat.ok('typing', { conversationType: 1, targetId: 'dev' });
    expect(await dev.next('typing')).toEqual({ conversationType: 1, targetId: 'cat', userId: 'cat' });
    // Group typing stays for members, whatever the scope.
    expect(await hal.request('typing', { conversationType: 2, targetId: 'club' })).toMatchObject({ status: 0, code: 'FORBIDDEN' });

    await app.api.joinGroup({ groupId: 'club', userIds: ['hal'] });
    expect(await hal.ok('presence-query', { userIds: ['cat'] })).toMatchObject([{ userId: 'cat', online: true }]);
    await app.api.removeGroupMembers({ groupId: 'club', userIds: ['hal'] });
    expect(await hal.ok('presence-query', { userIds: ['cat', 'dev'] })).toEqual([unseen('cat'), unseen('dev')]);
    await hal.ok('typing', { conversationType: 1, targetId: 'cat' });
    await settled(cat);
    expect(cat.all('typing')).toHaveLength(0);
  });
});

describe("presence scope 'app'", () => {
  it('switching the app opens presence and typing to everyone at once, on open connections, and back', async () => {
    const open = await createApp(t);
    const tokens = await createUsers(open, 'ivy', 'jon', 'kim');
    const ivy = await device('ivy', 'web', open.appId, tokens['ivy']);
    const jon = await device('jon', 'desktop', open.appId, tokens['jon']);
    expect(await ivy.ok('presence-query', { userIds: ['jon'] })).toEqual([unseen('jon')]);

    await patchSettings(open, { presenceScope: 'app' });
    expect(await ivy.ok('presence-query', { userIds: ['jon'] })).toEqual([{ userId: 'jon', online: true, platforms: ['desktop'], lastSeenAt: null }]);
    await ivy.ok('typing', { conversationType: 1, targetId: 'jon' });
    expect(await jon.next('typing')).toEqual({ conversationType: 1, targetId: 'ivy', userId: 'ivy' });
    // Anyone can be watched now.
    await ivy.ok('presence-subscribe', { userIds: ['kim'] });
    await device('kim', 'ios', open.appId, tokens['kim']);
    expect(await ivy.next('presence')).toMatchObject({ userId: 'kim', online: true });
    // Existence is no secret under `app`: an unknown target is refused as before.
    expect(await ivy.request('typing', { conversationType: 1, targetId: 'nobody' })).toMatchObject({ status: 0, code: 'NOT_FOUND' });

    await patchSettings(open, { presenceScope: 'contacts' });
    expect(await ivy.ok('presence-query', { userIds: ['jon', 'kim'] })).toEqual([unseen('jon'), unseen('kim')]);
  });
});

describe('the watch cap', () => {
  const CONTACTS = PRESENCE_SUBSCRIPTIONS_MAX + 30;
  const contact = (i: number) => `c${i}`;
  let busy: TestApp;
  let hub: RawDevice;

  /** Puts contact `i` online or offline as a device would, without opening thousands of sockets. */
  async function presenceOf(i: number, online: boolean): Promise<void> {
    const { presence } = t.server.services;
    if (online) await presence.deviceConnected(busy.appId, contact(i), `stand-in-${i}`, 'web');
    else await presence.deviceDisconnected(busy.appId, contact(i), `stand-in-${i}`);
  }

  /** Who `hub` heard about since `from` (an index into its presence pushes). */
  const heardSince = (from: number) => hub.all('presence').slice(from).map((state) => `${state.userId}:${state.online ? 'on' : 'off'}`);

  beforeAll(async () => {
    busy = await createApp(t);
    // Seeded through the domain, as the signed API would, at in-process speed: one private chat
    // per contact, c0 the least recently active.
    const { messages, users, apps } = t.server.services;
    const ctx = await apps.open(busy.appId);
    await users.getToken(ctx, { userId: 'hub', name: 'Hub' });
    for (let i = 0; i < CONTACTS; i++) {
      await users.getToken(ctx, { userId: contact(i), name: contact(i) });
      await messages.sendPrivate(ctx, { senderUserId: contact(i), targetId: 'hub', messageType: 1, content: { content: 'hi' } });
      t.clock.advance(1);
    }
    const { token } = await users.getToken(ctx, { userId: 'hub', name: 'Hub' });
    hub = await device('hub', 'web', busy.appId, token);
  }, 60_000);

  it('watches the most recently active contacts up to the cap; subscriptions share it and come first', async () => {
    for (let i = 0; i < CONTACTS; i++) await presenceOf(i, true);
    await settled(hub);
    const heard = hub.all('presence');
    expect(heard).toHaveLength(PRESENCE_SUBSCRIPTIONS_MAX);
    expect(new Set(heard.map((state) => state.userId))).toEqual(new Set(Array.from({ length: PRESENCE_SUBSCRIPTIONS_MAX }, (_, i) => contact(CONTACTS - 1 - i))));

    // c0 is not watched; subscribing to it lets go of the least recently active watched contact, c30.
    await hub.ok('presence-subscribe', { userIds: [contact(0)] });
    let mark = hub.all('presence').length;
    for (const i of [0, 30, 31]) await presenceOf(i, false);
    await settled(hub);
    expect(heardSince(mark)).toEqual(['c0:off', 'c31:off']);

    // Subscriptions alone may fill the cap (contacts give way), but not pass it.
    for (let from = 0; from < PRESENCE_SUBSCRIPTIONS_MAX; from += 500) {
      await hub.ok('presence-subscribe', { userIds: Array.from({ length: 500 }, (_, i) => contact(from + i)) });
    }
    const refused = await hub.request('presence-subscribe', { userIds: [contact(CONTACTS - 1)] });
    expect(refused).toMatchObject({ status: 0, code: 'INVALID_PARAMS' });
    expect(refused.status === 0 && refused.message).toMatch(`userIds: a connection may subscribe to at most ${PRESENCE_SUBSCRIPTIONS_MAX} users`);
    // A user outside the scope is not subscribed, so it takes no room.
    expect(await hub.ok('presence-subscribe', { userIds: ['stranger'] })).toEqual([unseen('stranger')]);

    mark = hub.all('presence').length;
    for (const i of [29, CONTACTS - 1]) await presenceOf(i, false);
    await settled(hub);
    // c29 is now a subscription; the newest contact was let go to make room for it.
    expect(heardSince(mark)).toEqual(['c29:off']);
  });
});
