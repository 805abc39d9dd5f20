import type { Ack, AppSettings, Message } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWorld, text, type RawDevice } from './support/devices.js';
import { changeAppSettings } from './support/test-server.js';

// Per-user socket limits: sends count against `userSendsPerSecond`, typing and presence against
// `userSignalsPerSecond`, each over all the user's devices. Every test uses its own users, so no
// test sees a window another one opened.

let world: GatewayWorld;

beforeAll(async () => {
  world = await GatewayWorld.start(['ann', 'amy', 'ada', 'abe', 'bob', 'cat', 'dee']);
  await settings({ userSendsPerSecond: 5, userSignalsPerSecond: 4 });
});
afterEach(() => world.closeDevices());
afterAll(() => world.close());

const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

/** Changes the app's settings through the console, as a tenant admin would. */
const settings = (patch: Partial<AppSettings>) => changeAppSettings(world.t, world.app, patch);

/** `count` sends emitted at once (socket.io keeps their order), with their acks. */
function burst(from: RawDevice, targetId: string, label: string, count: number): Promise<Array<Ack<Message>>> {
  return Promise.all(Array.from({ length: count }, (_, i) => from.request('send-private-message', { targetId, ...text(`${label} ${i}`) })));
}

const accepted = (acks: Array<Ack<Message>>) => acks.flatMap((ack) => (ack.status === 1 ? [ack.data] : []));
const refused = (acks: Array<Ack<unknown>>) => acks.flatMap((ack) => (ack.status === 0 ? [ack] : []));

describe('sends per user', () => {
  it('a burst over the limit: the first ones are stored, the rest get RATE_LIMITED with retryAfterMs and are not stored', async () => {
    const ann = await device('ann');
    const bob = await device('bob');
    const acks = await burst(ann, 'bob', 'burst', 12);

    expect(accepted(acks).map((m) => m.content.content)).toEqual(['burst 0', 'burst 1', 'burst 2', 'burst 3', 'burst 4']);
    const limited = refused(acks);
    expect(limited).toHaveLength(7);
    for (const ack of limited) {
      expect(ack).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/^messages sent by this user: at most 5 per 1 s; retry in 1 s$/) });
      expect(ack.retryAfterMs).toBeGreaterThan(0);
      expect(ack.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    // Nothing refused was stored: the history holds the five, nothing else.
    const history: Message[] = await bob.ok('sync-messages', { conversationType: 1, targetId: 'ann', afterSeq: 0 });
    expect(history.map((m) => m.content.content)).toEqual(accepted(acks).map((m) => m.content.content));

    // Other requests are not limited by it, and once the window is over the user may send again.
    await ann.ok('session-list');
    await new Promise((resolve) => setTimeout(resolve, Math.max(...limited.map((ack) => ack.retryAfterMs!))));
    await ann.ok('send-private-message', { targetId: 'bob', ...text('after the wait') });
  });

  it('counts the user over all their devices, and each user separately', async () => {
    const phone = await device('amy', 'ios');
    const laptop = await device('amy', 'web');
    const cat = await device('cat');
    const [fromPhone, fromLaptop, fromCat] = await Promise.all([burst(phone, 'bob', 'phone', 4), burst(laptop, 'bob', 'laptop', 4), burst(cat, 'bob', 'cat', 4)]);

    // Eight sends of one user against a limit of five: three refused, whichever device they came from.
    expect(accepted([...fromPhone, ...fromLaptop])).toHaveLength(5);
    expect(refused([...fromPhone, ...fromLaptop]).map((ack) => ack.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Another user of the same app sending at the same moment has a budget of their own.
    expect(accepted(fromCat)).toHaveLength(4);
  });

  it('a resend under the same clientMsgId counts too, and still stores once', async () => {
    const ada = await device('ada');
    const payload = { targetId: 'bob', ...text('retried'), clientMsgId: 'ada-retry-1' };
    const acks = await Promise.all(Array.from({ length: 7 }, () => ada.request('send-private-message', payload)));
    const stored = accepted(acks);
    expect(stored).toHaveLength(5);
    expect(new Set(stored.map((m) => m.msgId)).size).toBe(1);
    expect(refused(acks).map((ack) => ack.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('typing and presence per user', () => {
  it('share one budget, apart from sends', async () => {
    const abe = await device('abe');
    const acks = await Promise.all([
      abe.request('typing', { conversationType: 1, targetId: 'bob' }),
      abe.request('presence-query', { userIds: ['bob'] }),
      abe.request('presence-subscribe', { userIds: ['bob'] }),
      abe.request('presence-unsubscribe', { userIds: ['bob'] }),
      abe.request('typing', { conversationType: 1, targetId: 'cat' }),
      abe.request('presence-query', { userIds: ['cat'] }),
    ]);
    expect(acks.map((ack) => ack.status)).toEqual([1, 1, 1, 1, 0, 0]);
    for (const ack of refused(acks)) {
      expect(ack).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/^typing and presence requests of this user: at most 4 per 1 s/) });
      expect(ack.retryAfterMs).toBeGreaterThan(0);
    }
    // Sends have their own budget.
    await abe.ok('send-private-message', { targetId: 'bob', ...text('still sending') });
  });
});

describe('a limit changed in the console', () => {
  it('applies to connections that are already open, at their next request', async () => {
    const dee = await device('dee');
    expect(accepted(await burst(dee, 'bob', 'before', 8))).toHaveLength(5);

    await settings({ userSendsPerSecond: 50 });
    try {
      // The new limit starts a fresh count: the same burst is stored whole, on the same connection.
      const after = await burst(dee, 'bob', 'after', 20);
      expect(refused(after)).toEqual([]);
      expect(accepted(after)).toHaveLength(20);
    } finally {
      await settings({ userSendsPerSecond: 5 });
    }
  });
});
