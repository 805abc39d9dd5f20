import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyClient } from '../src/client/parley-client.js';
import type { ConnectionState, ParleyClientOptions } from '../src/client/types.js';
import { ParleyError } from '../src/errors.js';

// connect() to a server that never says `ready` gives up after `connectTimeoutMs`. No Parley
// server here: a TCP port that accepts and stays silent, and a port where nothing listens.

const CONNECT_TIMEOUT_MS = 300;

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A TCP server that accepts every connection and never writes a byte. */
async function silentServer(): Promise<{ url: string; accepted: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, accepted: () => accepted };
}

/** A port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function client(url: string, options: Partial<ParleyClientOptions> = {}): ParleyClient {
  const created = new ParleyClient({
    url,
    appId: 'app',
    token: 'token',
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    socketOptions: { reconnectionDelay: 20, reconnectionDelayMax: 50 },
    ...options,
  });
  cleanup.push(() => created.disconnect());
  return created;
}

/** How long `promise` took to reject, and with what. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('connect() timeout', () => {
  it('rejects with TIMEOUT naming the URL when the server accepts the connection but never answers', async () => {
    const silent = await silentServer();
    const parley = client(silent.url);
    const states: ConnectionState[] = [];
    const errors: ParleyError[] = [];
    parley.on('state', ({ state }) => states.push(state));
    parley.on('error', (error) => errors.push(error));

    const { error, ms } = await rejection(parley.connect());

    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
      message: expect.stringContaining(`could not connect to ${silent.url} within ${CONNECT_TIMEOUT_MS} ms`),
    });
    expect(ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1_000);
    expect(silent.accepted()).toBeGreaterThan(0);
    expect(parley.state).toBe('disconnected');
    expect(states.at(-1)).toBe('disconnected');
    // The connect() that timed out was awaited: no separate `error` event.
    expect(errors).toEqual([]);
  });

  it('rejects with TIMEOUT when every attempt is refused (nothing listens on the port)', async () => {
    const url = await closedPort();
    const parley = client(url);
    const states: ConnectionState[] = [];
    parley.on('state', ({ state }) => states.push(state));

    const { error, ms } = await rejection(parley.connect());

    expect(error).toMatchObject({ name: 'ParleyError', code: 'TIMEOUT', message: expect.stringContaining(url) });
    expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1_000);
    // socket.io was retrying when the time ran out.
    expect(states).toContain('reconnecting');
    expect(parley.state).toBe('disconnected');
  });

  it('fails pending requests and sends with DISCONNECTED, as any stop does', async () => {
    const silent = await silentServer();
    const parley = client(silent.url, { requestTimeoutMs: 60_000 });
    const request = rejection(parley.getSessions());
    const send = rejection(parley.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: 'queued' } }));

    await expect(parley.connect()).rejects.toMatchObject({ code: 'TIMEOUT' });

    expect((await request).error).toMatchObject({ code: 'DISCONNECTED' });
    expect((await send).error).toMatchObject({ code: 'DISCONNECTED' });
  });

  it('every connect() call out of `disconnected` gets its own time; calls while connecting share it', async () => {
    const silent = await silentServer();
    const parley = client(silent.url);
    const first = parley.connect();
    const joined = parley.connect();
    await expect(first).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(joined).rejects.toMatchObject({ code: 'TIMEOUT' });

    const { error, ms } = await rejection(parley.connect());
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 20);
  });

  it('a getToken that never settles is bounded too', async () => {
    const silent = await silentServer();
    const parley = client(silent.url, { token: undefined, getToken: () => new Promise<string>(() => {}) });
    await expect(parley.connect()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(silent.accepted()).toBe(0);
  });
});
