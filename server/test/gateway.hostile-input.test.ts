import { ErrorCode, type Ack } from '@parley/sdk/protocol';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, disconnection, type RawDevice } from './support/devices.js';
import { fieldsArbitrary, keyArbitrary, PROTOTYPE_NAMES, valueArbitrary } from './support/hostile-values.js';
import { startTestWorld, type TestWorld } from './support/test-server.js';

/**
 * Socket payloads get the HTTP treatment: nesting is bounded before validation recurses, a number
 * that overflows is refused, and no payload (by property, on every declared request) gets an
 * INTERNAL ack or takes the server down.
 */

let world: TestWorld;
const open: RawDevice[] = [];
beforeAll(async () => {
  // Rate limits high enough that the properties below reach validation instead of RATE_LIMITED.
  world = await startTestWorld(['alice', 'bob'], { USER_SENDS_PER_SECOND: '10000', USER_SIGNALS_PER_SECOND: '10000' });
  await world.app.api.createGroup({ groupId: 'team', userIds: ['alice', 'bob'], name: 'Team' });
});
afterEach(() => {
  for (const device of open.splice(0)) device.close();
});
afterAll(() => world.close());

async function device(userId: string): Promise<RawDevice> {
  const connected = await connectDevice(world.t, world.app.appId, world.tokens[userId]!);
  open.push(connected);
  return connected;
}

let rawIds = 1_000_000;

/**
 * Sends `event` with the payload as raw JSON text, as any client can write it on the wire: the
 * socket.io client's own encoder would recurse over a deep payload (and overflow) before sending.
 * Resolves with the ack.
 */
function rawRequest(sender: RawDevice, event: string, payloadJson: string): Promise<Ack<unknown>> {
  const id = rawIds++;
  const manager = sender.socket.io;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 5 s`)), 5000);
    const onPacket = (packet: { type: number; id?: number; data?: unknown[] }) => {
      if (packet.type !== 3 || packet.id !== id) return;
      clearTimeout(timer);
      manager.off('packet', onPacket);
      resolve(packet.data![0] as Ack<unknown>);
    };
    manager.on('packet', onPacket);
    // socket.io packet: type 2 (EVENT), ack id, then the arguments as JSON.
    manager.engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
}

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('socket payloads nest at most 32 levels, like HTTP bodies', () => {
  it('an array 100000 levels deep in content is refused with INVALID_PARAMS, and the device keeps working', async () => {
    const alice = await device('alice');
    const ack = await rawRequest(alice, 'send-private-message', `{"targetId":"bob","messageType":1,"content":${deepArray(100_000)}}`);
    expect(ack).toEqual({ status: 0, code: 'INVALID_PARAMS', message: 'content: nests deeper than 32 levels' });
    expect(await alice.ok('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'still here' } })).toMatchObject({
      content: { content: 'still here' },
    });
  });

  it.each([
    ['send-group-message', 'an array 50000 levels deep in content.extra', `{"targetId":"team","messageType":1,"content":{"content":"x","extra":{"a":${deepArray(50_000)}}}}`, 'content'],
    ['set-session-read', 'a payload that is itself an array 100000 levels deep', deepArray(100_000), 'body'],
    ['presence-query', 'userIds 100000 levels deep', `{"userIds":${deepArray(100_000)}}`, 'userIds'],
    ['typing', 'an unknown field 100000 levels deep', `{"sid":"000000000000000000000000","deep":${deepArray(100_000)}}`, 'deep'],
  ])('%s with %s -> INVALID_PARAMS naming the field', async (event, _what, payload, field) => {
    const alice = await device('alice');
    expect(await rawRequest(alice, event, payload)).toEqual({ status: 0, code: 'INVALID_PARAMS', message: `${field}: nests deeper than 32 levels` });
  });

  it('33 levels are refused by this rule; 32 reach validation', async () => {
    const alice = await device('alice');
    const nest = (depth: number) => {
      let value: unknown = 'x';
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    expect(await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'x', extra: { a: nest(31) } } })).toEqual({
      status: 0,
      code: 'INVALID_PARAMS',
      message: 'content: nests deeper than 32 levels',
    });
    const ack = await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'x', extra: { a: nest(30) } } });
    expect(ack).toMatchObject({ status: 0, code: 'INVALID_PARAMS', message: 'content: must not nest deeper than 16 levels' });
  });

  it('a number beyond ±1.8e308 on the wire is refused, naming where it is', async () => {
    const alice = await device('alice');
    const ack = await rawRequest(alice, 'send-private-message', '{"targetId":"bob","messageType":1,"content":{"content":"x","extra":{"n":[1e400]}}}');
    expect(ack).toEqual({ status: 0, code: 'INVALID_PARAMS', message: 'content.extra.n[0]: must be a finite number (this one is beyond ±1.8e308)' });
  });

  it('a deep binary event, which socket.io itself cannot decode, closes only that connection', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const closed = disconnection(alice);
    // A binary event with one attachment: socket.io rebuilds it by recursion, before any handler sees it.
    alice.socket.io.engine.write(`51-${rawIds++}["send-private-message",{"content":${'['.repeat(100_000)}{"_placeholder":true,"num":0}${']'.repeat(100_000)}}]`);
    alice.socket.io.engine.write(new Uint8Array([1, 2, 3]));
    expect(await closed).toBe('transport close');
    // The server answers everyone else, and alice can come back.
    expect(await bob.ok('send-private-message', { targetId: 'alice', messageType: 1, content: { content: 'fine' } })).toMatchObject({ senderUserId: 'bob' });
    const again = await device('alice');
    expect(await again.ok('session-list')).toEqual(expect.any(Array));
  });
});

describe('property: no payload on any declared request gets an INTERNAL ack', () => {
  it('random field names (prototype names and __proto__ included), value types and nesting', async () => {
    const alice = await device('alice');
    const requests = [...world.t.server.realtime.requests.values()];
    expect(requests.length).toBeGreaterThan(5);
    const codes = new Set<string>();
    for (const request of requests) {
      const payload = fc.oneof(
        { weight: 4, arbitrary: fieldsArbitrary(request.example.payload) },
        { weight: 1, arbitrary: valueArbitrary(keyArbitrary(PROTOTYPE_NAMES)) },
      );
      await fc.assert(
        fc.asyncProperty(payload, async (sent) => {
          const ack = await alice.request(request.name, sent as never);
          const what = `${request.name} ${JSON.stringify(sent)}`;
          if (ack.status === 1) return;
          expect(ack, what).toEqual({ status: 0, code: expect.any(String), message: expect.any(String), ...(ack.retryAfterMs === undefined ? {} : { retryAfterMs: expect.any(Number) }) });
          expect(Object.values(ErrorCode), what).toContain(ack.code);
          expect(ack.code, what).not.toBe(ErrorCode.INTERNAL);
          codes.add(ack.code);
        }),
        { numRuns: 40 },
      );
    }
    expect(codes).toContain(ErrorCode.INVALID_PARAMS);
    expect(alice.socket.connected).toBe(true);
  }, 60_000);
});
