import type { AppSettings, Message } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, startChatWorld, text, type ChatWorld } from '../support/parley.js';
import { changeAppSettings } from '../../server/test/support/test-server.js';

// A real ParleyClient against a real server whose app allows 5 sends and 2 typing/presence
// requests per user per second: bursts over the limit are slowed down, never refused.

const SENDS_PER_SECOND = 5;
let world: ChatWorld;

beforeAll(async () => {
  world = await startChatWorld(['alice', 'bob', 'carol', 'dave']);
  await settings({ userSendsPerSecond: SENDS_PER_SECOND, userSignalsPerSecond: 2 });
});
afterEach(() => world.closeClients());
afterAll(() => world.close());

/** Changes the app's settings through the console, as a tenant admin would. */
const settings = (patch: Partial<AppSettings>) => changeAppSettings(world.t, world.app, patch);

/** The whole stored history between two users, oldest first, as the server has it. */
async function history(userId: string, targetId: string): Promise<Message[]> {
  const page = await world.app.api.getSessionMessages({ userId, targetId, conversationType: 1, limit: 100 });
  return [...page].reverse();
}

describe('sends over the per-user rate limit', () => {
  it('a burst is stored exactly once, in order, with no send rejected; the receiver gets each once, in order', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const received = collect(bob, 'new-message');
    const errors = collect(alice, 'error');
    const count = 4 * SENDS_PER_SECOND - 2;
    const labels = Array.from({ length: count }, (_, i) => `burst ${i}`);

    const started = Date.now();
    const sent = await Promise.all(labels.map((label) => alice.sendPrivateMessage({ targetId: 'bob', ...text(label) })));
    // Five stored a second at most: the burst needed four windows, so it was held back and resent.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);

    expect(sent.map((m) => m.content.content)).toEqual(labels);
    const seqs = sent.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(sent.map((m) => m.msgId)).size).toBe(count);

    const stored = await history('alice', 'bob');
    expect(stored.map((m) => m.content.content)).toEqual(labels);
    expect(stored.map((m) => m.clientMsgId)).toEqual(sent.map((m) => m.clientMsgId));

    await eventually(() => received.length >= count, 10_000, 'every message at bob');
    expect(received.map((m) => m.msgId)).toEqual(sent.map((m) => m.msgId));
    expect(errors).toEqual([]);
  });

  it('the limit is the user’s over both devices; each device keeps its own order and nothing is lost', async () => {
    const phone = await world.connected('carol', { platform: 'ios' });
    const laptop = await world.connected('carol', { platform: 'web' });
    const fromPhone = Array.from({ length: 6 }, (_, i) => `phone ${i}`);
    const fromLaptop = Array.from({ length: 6 }, (_, i) => `laptop ${i}`);

    const [phoneSent, laptopSent] = await Promise.all([
      Promise.all(fromPhone.map((label) => phone.sendPrivateMessage({ targetId: 'dave', ...text(label) }))),
      Promise.all(fromLaptop.map((label) => laptop.sendPrivateMessage({ targetId: 'dave', ...text(label) }))),
    ]);

    const stored = (await history('carol', 'dave')).map((m) => String(m.content.content));
    expect(stored).toHaveLength(fromPhone.length + fromLaptop.length);
    expect(stored.filter((label) => label.startsWith('phone'))).toEqual(fromPhone);
    expect(stored.filter((label) => label.startsWith('laptop'))).toEqual(fromLaptop);
    expect(phoneSent.map((m) => m.content.content)).toEqual(fromPhone);
    expect(laptopSent.map((m) => m.content.content)).toEqual(fromLaptop);
  });
});

describe('typing and presence over the per-user rate limit', () => {
  it('typing is dropped silently; presence rejects with RATE_LIMITED and retryAfterMs', async () => {
    const dave = await world.connected('dave');
    const errors = collect(dave, 'error');
    // Three conversations, so the client's own typing throttle lets all three out: two are allowed, one is dropped.
    await Promise.all(['alice', 'bob', 'carol'].map((targetId) => dave.typing({ conversationType: 1, targetId })));

    const refused = await dave.presence(['alice']).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ name: 'ParleyError', code: 'RATE_LIMITED', retryable: true });
    const { retryAfterMs } = refused as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    expect(errors).toEqual([]);
  });
});
