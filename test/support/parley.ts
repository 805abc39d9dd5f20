import { ParleyClient, type Message, type ParleyClientEvents, type ParleyClientOptions } from '@parley/sdk';
import { startTestWorld, type TestApp, type TestServer } from '../../server/test/support/test-server.js';

/** A running server with one app and some users, and a factory for their SDK clients. */
export interface ChatWorld {
  t: TestServer;
  app: TestApp;
  tokens: Record<string, string>;
  /** A ParleyClient for `userId`, not yet connected; closed by `closeClients()`. */
  client(userId: string, options?: Partial<ParleyClientOptions>): ParleyClient;
  /** `client()` and `connect()`. */
  connected(userId: string, options?: Partial<ParleyClientOptions>): Promise<ParleyClient>;
  closeClients(): void;
  close(): Promise<void>;
}

export async function startChatWorld(userIds: string[], env: Record<string, string> = {}): Promise<ChatWorld> {
  const { t, app, tokens } = await startTestWorld(userIds, env);
  const clients: ParleyClient[] = [];
  const world: ChatWorld = {
    t,
    app,
    tokens,
    client(userId, options = {}) {
      const client = new ParleyClient({
        url: t.url,
        appId: app.appId,
        token: tokens[userId]!,
        platform: 'other',
        // Fast retries keep reconnect tests short; the defaults suit real networks.
        socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200, transports: ['websocket'] },
        ...options,
      });
      clients.push(client);
      return client;
    },
    async connected(userId, options) {
      const client = world.client(userId, options);
      await client.connect();
      return client;
    },
    closeClients() {
      for (const client of clients.splice(0)) client.disconnect();
    },
    async close() {
      world.closeClients();
      await t.close();
    },
  };
  return world;
}

/** Everything a client emits under `event`, in order. */
export function collect<E extends keyof ParleyClientEvents>(client: ParleyClient, event: E): Array<ParleyClientEvents[E]> {
  const seen: Array<ParleyClientEvents[E]> = [];
  client.on(event, (payload) => {
    seen.push(payload);
  });
  return seen;
}

/** The next `event` from `client`. */
export function nextEvent<E extends keyof ParleyClientEvents>(client: ParleyClient, event: E, timeoutMs = 5000): Promise<ParleyClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Polls until `check` holds (or fails after `timeoutMs`); for counts that arrive over time. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const text = (content: string) => ({ messageType: 1 as const, content: { content } });

/**
 * Sends one more message into each conversation (`sends`) and waits until all are in `received`:
 * the client delivers a conversation in seq order and drops anything at or below what it
 * delivered, so once the marker is in, no earlier message can still arrive (as a duplicate or
 * otherwise). For asserting that nothing more came.
 */
export async function afterMarkers(received: readonly Message[], sends: Array<() => Promise<Message>>): Promise<Message[]> {
  const markers = await Promise.all(sends.map((send) => send()));
  await eventually(() => markers.every((marker) => received.some((m) => m.msgId === marker.msgId)), 10_000, 'the markers');
  return markers;
}
