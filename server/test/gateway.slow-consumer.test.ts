import type { Message } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSocket } from '../src/realtime/types.js';
import { connectDevice, disconnection, GatewayWorld, settled, text, type RawDevice } from './support/devices.js';
import { StallingAgent } from './support/stalling-agent.js';

// A device that stops reading its socket is dropped once the server holds more than
// SOCKET_SEND_BUFFER_MAX_BYTES for it, on either transport, instead of buffering every push until
// the heartbeat gives up; the user's other devices and the sender carry on.

const LIMIT = 2 * 1024 * 1024;
/** About 15 KB per push: the limit takes ~140 once the kernel's TCP buffers (a few MB here) are full. */
const BODY = 'x'.repeat(15_000);
/** Bounds the pushes a test makes: far more than the kernel's buffers and the limit together. */
const MAX_PUSHES = 2000;
/** Each test pushes a few MB through several devices. */
const TIMEOUT_MS = 30_000;

let world: GatewayWorld;
const opened: RawDevice[] = [];
const agents: StallingAgent[] = [];

beforeAll(async () => {
  world = await GatewayWorld.start(['alice', 'bob'], {
    SOCKET_SEND_BUFFER_MAX_BYTES: String(LIMIT),
    // The limit must hold a history page of the largest messages (100 × MAX_MESSAGE_BYTES).
    MAX_MESSAGE_BYTES: '16384',
    USER_SENDS_PER_SECOND: '10000',
  });
});
afterEach(() => {
  world.closeDevices();
  for (const device of opened.splice(0)) device.close();
  for (const agent of agents.splice(0)) agent.destroy();
});
afterAll(() => world.close());

/** A device of bob's whose TCP connections the test can stop reading, watched from both ends. */
interface StallableDevice {
  device: RawDevice;
  agent: StallingAgent;
  /** The server's socket of the device. */
  server: DeviceSocket;
  /** Why the device saw its connection end. */
  clientSide: Promise<string>;
  /** Why the server closed it. */
  serverSide: Promise<string>;
  /** True once the server closed it. */
  dropped(): boolean;
}

async function stallableBob(transport: 'websocket' | 'polling'): Promise<StallableDevice> {
  const agent = new StallingAgent();
  agents.push(agent);
  const device = await connectDevice(world.t, world.app.appId, world.tokens['bob']!, { socketOptions: { transports: [transport], agent: agent.option } });
  opened.push(device);
  const server = world.t.server.realtime.io.sockets.sockets.get(device.socket.id!);
  if (!server) throw new Error('the server does not know the device it just accepted');
  const serverSide = serverDisconnect(server);
  let dropped = false;
  void serverSide.then(() => (dropped = true));
  return { device, agent, server, clientSide: disconnection(device), serverSide, dropped: () => dropped };
}

/** The reason the server gives when it closes `socket`. */
function serverDisconnect(socket: DeviceSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/**
 * alice sends to bob, 20 messages at a time, until `stop()` holds (or MAX_PUSHES were sent, which
 * fails the test). Every send is acknowledged: the sender is never held back by a slow receiver.
 */
async function pushUntil(alice: RawDevice, stop: () => boolean): Promise<Message[]> {
  const sent: Message[] = [];
  while (!stop()) {
    if (sent.length >= MAX_PUSHES) throw new Error(`the server still had not dropped the stalled device after ${sent.length} pushes`);
    const batch = Array.from({ length: 20 }, (_, i) => alice.ok('send-private-message', { targetId: 'bob', ...text(`${sent.length + i} ${BODY}`) }));
    sent.push(...(await Promise.all(batch)));
  }
  return sent;
}

/** The slow-consumer lines the server logged since line `from`, parsed. */
function slowConsumerLogs(from: number): Array<Record<string, unknown>> {
  return world.t.logs.lines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['reason'] === 'slow-consumer');
}

/** The one slow-consumer line of the server's log since line `from`. */
function slowConsumerLog(from: number): Record<string, unknown> {
  const lines = slowConsumerLogs(from);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('a device that stops reading', () => {
  it('over a websocket: dropped at the limit, freed at once, and told as a lost transport; the other devices get everything', async () => {
    const alice = await world.device('alice');
    const otherBob = await world.device('bob', 'ios');
    const { agent, server, clientSide, serverSide, dropped } = await stallableBob('websocket');

    const logFrom = world.t.logs.lines.length;
    agent.stall();
    const sent = await pushUntil(alice, dropped);

    // engine.io's reason when the server closes the transport itself; a heartbeat drop would say 'ping timeout'.
    expect(await serverSide).toBe('forced close');
    // Closed, not `closing`: it did not wait for a drain that would never come.
    expect(server.conn.readyState).toBe('closed');
    const log = slowConsumerLog(logFrom);
    expect(log).toMatchObject({ level: 40, reason: 'slow-consumer', appId: world.app.appId, userId: 'bob', transport: 'websocket', limitBytes: LIMIT });
    expect(log['pendingBytes']).toBeGreaterThan(LIMIT);
    expect(world.t.logs.lines.slice(logFrom).join('\n')).not.toContain(BODY.slice(0, 100));

    // Reading again, the device finds its connection gone, as after a network loss: socket.io-client reconnects from that.
    agent.resume();
    expect(await clientSide).toMatch(/^transport (close|error)$/);

    // bob's other device and the sender were never held up.
    await settled(otherBob, alice);
    expect(otherBob.all('new-message').map((m) => m.msgId)).toEqual(sent.map((m) => m.msgId));
    expect(alice.socket.connected && otherBob.socket.connected).toBe(true);
  }, TIMEOUT_MS);

  it('over HTTP long-polling: packets waiting for a poll that never comes count the same', async () => {
    const alice = await world.device('alice');
    const { agent, server, clientSide, serverSide, dropped } = await stallableBob('polling');

    const logFrom = world.t.logs.lines.length;
    agent.stall();
    await pushUntil(alice, dropped);

    expect(await serverSide).toBe('forced close');
    expect(server.conn.readyState).toBe('closed');
    expect(slowConsumerLog(logFrom)).toMatchObject({ reason: 'slow-consumer', appId: world.app.appId, userId: 'bob', transport: 'polling', limitBytes: LIMIT });

    agent.resume();
    expect(await clientSide).toMatch(/^transport (close|error)$/);
  }, TIMEOUT_MS);

  it('a device that reads keeps its connection however much it is sent', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    const logFrom = world.t.logs.lines.length;
    // Five times the limit, as fast as alice can send.
    const sent = await pushUntil(alice, () => bob.all('new-message').length * BODY.length > 5 * LIMIT);
    await settled(bob);
    expect(bob.all('new-message')).toHaveLength(sent.length);
    expect(bob.socket.connected).toBe(true);
    expect(slowConsumerLogs(logFrom)).toEqual([]);
  }, TIMEOUT_MS);
});
