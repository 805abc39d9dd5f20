import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyClient, ParleyError } from '@parley/sdk';
import { Server } from 'socket.io';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The client against a scripted gateway that says `ready` and then answers requests however the
// test wants, including in ways a real Parley server never would. Untyped on purpose: a server
// that breaks the protocol is what is being tested.

let http: HttpServer;
let io: Server;
let url: string;
/** What the scripted gateway does with each request: (arguments, ack) => void. */
let script: Record<string, (args: unknown[], ack: (reply: unknown) => void) => void>;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  http = createServer();
  io = new Server(http);
  io.on('connection', (socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      script[event]?.(args.slice(0, -1), (reply) => ack(reply));
    });
    socket.emit('ready', { appId: 'app', userId: 'alice', platform: 'other', serverTime: Date.now() });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(async () => {
  io.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

async function connected(requestTimeoutMs = 2_000): Promise<ParleyClient> {
  const client = new ParleyClient({ url, appId: 'app', token: 't', requestTimeoutMs, socketOptions: { transports: ['websocket'] } });
  clients.push(client);
  await client.connect();
  return client;
}

const ok = (data: unknown) => ({ status: 1, data });

describe('acks', () => {
  it('a request without payload is emitted with the ack alone; a payload goes first', async () => {
    const seen: Record<string, unknown[]> = {};
    script = {
      'session-list': (args, ack) => ((seen['session-list'] = args), ack(ok([]))),
      'presence-query': (args, ack) => ((seen['presence-query'] = args), ack(ok([]))),
    };
    const client = await connected();
    expect(await client.getSessions()).toEqual([]);
    expect(await client.presence(['bob'])).toEqual([]);
    expect(seen['session-list']).toEqual([]);
    expect(seen['presence-query']).toEqual([{ userIds: ['bob'] }]);
  });

  it('an error envelope rejects with its code and message', async () => {
    script = {
      'session-list': (_args, ack) => ack(ok([])),
      'recall-message': (_args, ack) => ack({ status: 0, code: 'FORBIDDEN', message: 'not yours' }),
    };
    const client = await connected();
    const error = await client.recall('m1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'not yours', retryable: false });
  });

  it.each([['a string', 'nope'], ['null', null], ['an unknown status', { status: 2, data: [] }], ['a failure without a code', { status: 0 }]])(
    'an ack that is not an envelope (%s) rejects with BAD_RESPONSE',
    async (_what, reply) => {
      script = {
        'session-list': (_args, ack) => ack(ok([])),
        'presence-query': (_args, ack) => ack(reply),
      };
      const client = await connected();
      await expect(client.presence(['bob'])).rejects.toMatchObject({ code: 'BAD_RESPONSE', message: 'presence-query: the ack is not a Parley envelope' });
    },
  );

  it('no ack within requestTimeoutMs rejects with TIMEOUT; the connection stays up', async () => {
    script = { 'session-list': (_args, ack) => ack(ok([])), 'presence-query': () => {} };
    const client = await connected(200);
    await expect(client.presence(['bob'])).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(client.state).toBe('connected');
  });
});
