import type { ConnectionState, Message, ParleyClient } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSocket } from '../../server/src/realtime/types.js';
import { StallingAgent } from '../../server/test/support/stalling-agent.js';
import { afterMarkers, collect, startChatWorld, text, type ChatWorld } from '../support/parley.js';

// A client that stopped reading (a frozen tab, a phone asleep) is dropped by the server once it
// holds SOCKET_SEND_BUFFER_MAX_BYTES for it. Reading again, the client finds its connection gone,
// reconnects like after any network loss, and ends up with every message exactly once.

const LIMIT = 2 * 1024 * 1024;
const BODY = 'x'.repeat(15_000);
/** Bounds the sends: far more than the kernel's TCP buffers and the limit together. */
const MAX_SENDS = 2000;

let world: ChatWorld;
let agent: StallingAgent | undefined;

beforeAll(async () => {
  world = await startChatWorld(['alice', 'bob'], {
    SOCKET_SEND_BUFFER_MAX_BYTES: String(LIMIT),
    MAX_MESSAGE_BYTES: '16384',
    USER_SENDS_PER_SECOND: '10000',
  });
});
afterEach(() => {
  world.closeClients();
  agent?.destroy();
  agent = undefined;
});
afterAll(() => world.close());

/** The server side of the only connection `userId` has. */
function serverSocketOf(userId: string): DeviceSocket {
  const sockets = [...world.t.server.realtime.io.sockets.sockets.values()].filter((socket) => socket.data.userId === userId);
  expect(sockets).toHaveLength(1);
  return sockets[0]!;
}

/** The next time `client` reaches `state`. */
function nextState(client: ParleyClient, state: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on('state', (change) => {
      if (change.state !== state) return;
      off();
      resolve();
    });
  });
}

/** Resolves once `received` holds `count` messages (checked on each new one), or fails after `timeoutMs`. */
function receivedCount(client: ParleyClient, received: readonly Message[], count: number, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (received.length >= count) return resolve();
    const timer = setTimeout(() => (off(), reject(new Error(`${received.length} of ${count} messages within ${timeoutMs} ms`))), timeoutMs);
    const off = client.on('new-message', () => {
      // `received` is filled by an earlier listener of the same event.
      if (received.length < count) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe('a client that stops reading', () => {
  it('is dropped by the server, reconnects once it reads again, and ends with every message exactly once, in order', async () => {
    agent = new StallingAgent();
    const alice = await world.connected('alice');
    const bob = await world.connected('bob', {
      socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200, transports: ['websocket'], agent: agent.option },
    });
    const received = collect(bob, 'new-message');
    const states = collect(bob, 'state');
    const sent: Message[] = [await alice.sendPrivateMessage({ targetId: 'bob', ...text('before') })];
    await receivedCount(bob, received, 1);

    const serverSide = serverSocketOf('bob');
    let dropped = false;
    const drop = new Promise<string>((resolve) => serverSide.once('disconnect', (reason) => resolve(reason))).finally(() => (dropped = true));
    agent.stall();
    while (!dropped) {
      if (sent.length > MAX_SENDS) throw new Error(`the server still had not dropped the stalled client after ${sent.length} messages`);
      const batch = Array.from({ length: 20 }, (_, i) => alice.sendPrivateMessage({ targetId: 'bob', ...text(`${sent.length + i} ${BODY}`) }));
      sent.push(...(await Promise.all(batch)));
    }
    expect(await drop).toBe('forced close');
    // bob is away now: these reach him only through the sync after his reconnect.
    for (let i = 0; i < 5; i++) sent.push(await alice.sendPrivateMessage({ targetId: 'bob', ...text(`while away ${i}`) }));
    // Still stalled, the client has not noticed anything.
    expect(bob.state).toBe('connected');

    const reconnecting = nextState(bob, 'reconnecting');
    agent.resume();
    await reconnecting;
    await nextState(bob, 'connected');
    await receivedCount(bob, received, sent.length);

    const [marker] = await afterMarkers(received, [() => alice.sendPrivateMessage({ targetId: 'bob', ...text('marker') })]);
    expect(received.map((m) => m.msgId)).toEqual([...sent, marker!].map((m) => m.msgId));
    expect(states.map((s) => s.state)).toEqual(['reconnecting', 'connected']);
    expect(world.t.logs.lines.filter((line) => line.includes('"slow-consumer"'))).toHaveLength(1);
  });
});
