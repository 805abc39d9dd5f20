import type { Message } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlakyNetwork } from '../support/flaky-network.js';
import { afterMarkers, collect, eventually, startChatWorld, text, type ChatWorld } from '../support/parley.js';
import { changeAppSettings } from '../../server/test/support/test-server.js';

let world: ChatWorld;
let network: FlakyNetwork;

beforeAll(async () => {
  world = await startChatWorld(['alice', 'bob', 'carol']);
  await world.app.api.createGroup({ groupId: 'room', userIds: ['alice', 'bob', 'carol'], name: 'Room' });
});
afterEach(async () => {
  world.closeClients();
  await network?.close();
});
afterAll(() => world.close());

/** Checks that `messages` holds each of `expected` once, in seq order per conversation. */
function expectExactlyOnceInOrder(messages: Message[], expected: Message[]): void {
  expect(messages.map((m) => m.msgId)).toHaveLength(new Set(messages.map((m) => m.msgId)).size);
  expect(new Set(messages.map((m) => m.msgId))).toEqual(new Set(expected.map((m) => m.msgId)));
  const byConversation = new Map<string, number[]>();
  for (const m of messages) {
    const key = `${m.conversationType}:${m.conversationType === 2 ? m.targetId : [m.senderUserId, m.targetId].sort().join('|')}`;
    byConversation.set(key, [...(byConversation.get(key) ?? []), m.seq]);
  }
  for (const seqs of byConversation.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
}

describe('offline and back', () => {
  it('a user who was offline gets what was sent meanwhile, once and in order, on reconnect', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const received = collect(bob, 'new-message');
    const before = await alice.sendPrivateMessage({ targetId: 'bob', ...text('before') });
    await eventually(() => received.length === 1);

    bob.disconnect();
    const missed: Message[] = [];
    for (let i = 0; i < 5; i++) missed.push(await alice.sendPrivateMessage({ targetId: 'bob', ...text(`while away ${i}`) }));
    missed.push(await alice.sendGroupMessage({ targetId: 'room', ...text('group while away') }));
    missed.push(await world.app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'bob', ...text('a new chat') }));

    await bob.connect();
    await eventually(() => received.length === 1 + missed.length, 10_000, 'missed messages');
    expectExactlyOnceInOrder(received, [before, ...missed]);
    // Nothing else arrives: one more message in each conversation comes next, and nothing before it.
    const markers = await afterMarkers(received, [
      () => alice.sendPrivateMessage({ targetId: 'bob', ...text('marker') }),
      () => alice.sendGroupMessage({ targetId: 'room', ...text('marker') }),
      () => world.app.api.sendPrivateMessage({ senderUserId: 'carol', targetId: 'bob', ...text('marker') }),
    ]);
    expectExactlyOnceInOrder(received, [before, ...missed, ...markers]);
    const unread = (await bob.getSessions()).find((s) => s.targetId === 'alice')!.unread;
    expect(unread).toBe(7);
  });
});

describe('network loss', () => {
  it('drop the transport mid-burst of 200: the receiver ends with all 200, no duplicates, in seq order', async () => {
    network = await FlakyNetwork.start(world.t.url);
    const alice = await world.connected('alice');
    const bob = await world.connected('bob', { url: network.url });
    const received = collect(bob, 'new-message');
    const states = collect(bob, 'state');

    const sent: Message[] = [];
    const burst = (async () => {
      for (let i = 0; i < 200; i++) {
        sent.push(await alice.sendPrivateMessage({ targetId: 'bob', ...text(`burst ${i}`) }));
        // Paced, so that the cut lands in the middle of the burst.
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await eventually(() => received.length >= 40, 10_000, '40 messages before the cut');
    network.cut();
    await eventually(() => bob.state === 'reconnecting', 10_000, 'bob notices the cut');
    network.restore();
    await burst;

    await eventually(() => received.length >= 200, 20_000, 'all 200 messages');
    const [marker] = await afterMarkers(received, [() => alice.sendPrivateMessage({ targetId: 'bob', ...text('marker') })]);
    expect(received.map((m) => m.msgId)).toEqual([...sent, marker!].map((m) => m.msgId));
    expect(states.map((s) => s.state)).toContain('reconnecting');
    expect(bob.state).toBe('connected');
  });

  it('sends made while the network is down are kept, resent with the same clientMsgId and stored once', async () => {
    network = await FlakyNetwork.start(world.t.url);
    const carol = await world.connected('carol');
    const alice = await world.connected('alice', { url: network.url });
    const received = collect(carol, 'new-message');

    const early = [0, 1, 2].map((i) => alice.sendGroupMessage({ targetId: 'room', ...text(`early ${i}`) }));
    network.cut();
    const late = [0, 1, 2, 3, 4].map((i) => alice.sendGroupMessage({ targetId: 'room', ...text(`offline ${i}`) }));
    await eventually(() => alice.state === 'reconnecting', 10_000, 'alice notices the cut');
    network.restore();
    const results = await Promise.all([...early, ...late]);

    expect(new Set(results.map((m) => m.msgId)).size).toBe(8);
    await eventually(() => received.length >= 8, 10_000, 'carol gets all 8');
    await afterMarkers(received, [() => alice.sendGroupMessage({ targetId: 'room', ...text('marker') })]);
    expect(received).toHaveLength(9);
    const history = await world.app.api.getSessionMessages({ userId: 'carol', targetId: 'room', conversationType: 2, limit: 100 });
    const mine = history.filter((m) => results.some((r) => r.msgId === m.msgId));
    expect(mine).toHaveLength(8);
    // The outbox keeps the order the app sent in.
    expect(results.map((m) => m.content.content)).toEqual([...[0, 1, 2].map((i) => `early ${i}`), ...[0, 1, 2, 3, 4].map((i) => `offline ${i}`)]);
    expect(results.map((m) => m.seq)).toEqual([...results.map((m) => m.seq)].sort((a, b) => a - b));
  });
});

describe('login policy through the SDK', () => {
  it('one-per-platform: the older device hears why and stays disconnected', async () => {
    await changeAppSettings(world.t, world.app, { loginPolicy: 'one-per-platform' });
    try {
      const first = await world.connected('alice', { platform: 'web' });
      const kicked = collect(first, 'kicked');
      const second = await world.connected('alice', { platform: 'web' });
      await eventually(() => first.state === 'disconnected');
      expect(kicked).toEqual([{ reason: 'LOGIN_ELSEWHERE', message: 'you signed in on another web device' }]);
      // A round trip of the new device later, the old one has not come back by itself.
      await second.getSessions();
      expect(first.state).toBe('disconnected');
      expect(second.state).toBe('connected');
    } finally {
      await changeAppSettings(world.t, world.app, { loginPolicy: 'multi-device' });
    }
  });
});
