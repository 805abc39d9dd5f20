import type { Ack, ClientRequestName, ClientRequests, PresenceState, ServerEventName, ServerEvents } from '@parley/sdk/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { socketPushes } from '../../src/realtime/pushes.js';
import type { StoreAdapter } from './stores.js';
import { startTestWorld, type TestApp, type TestServer } from './test-server.js';

/**
 * Every push and every successful ack a test device receives is checked against the schema its
 * declaration documents, so no gateway test passes on an answer the reference does not describe.
 */
function conformance(t: TestServer) {
  return {
    push(event: ServerEventName, payload: unknown): void {
      const push = socketPushes.get(event);
      if (!push) throw new Error(`push ${event} is not declared in server/src/realtime/pushes.ts`);
      const checked = push.payload.safeParse(payload);
      if (!checked.success) throw new Error(`push ${event} does not match its declared schema: ${checked.error.message}`);
    },
    ack(event: ClientRequestName, data: unknown): void {
      const checked = t.server.realtime.requests.get(event)!.output.safeParse(data);
      if (!checked.success) throw new Error(`${event} acked data that does not match its declared output: ${checked.error.message}`);
    },
  };
}

/**
 * A device speaking the socket protocol directly with socket.io-client, as any client that does
 * not use our SDK would. Keeps every push it receives so tests can look back.
 */
export interface RawDevice {
  socket: Socket;
  /** Every push received so far, in arrival order. */
  received: Array<{ event: ServerEventName; payload: unknown }>;
  /** Sends a request and resolves with its ack (success or failure envelope). */
  request<E extends ClientRequestName>(event: E, ...payload: ClientRequests[E]['payload'] extends void ? [] : [unknown]): Promise<Ack<ClientRequests[E]['result']>>;
  /** Resolves with the data of a successful ack; throws with the code otherwise. */
  ok<E extends ClientRequestName>(event: E, ...payload: ClientRequests[E]['payload'] extends void ? [] : [unknown]): Promise<ClientRequests[E]['result']>;
  /** The next push of this name (or one already received and not yet taken). */
  next<E extends ServerEventName>(event: E, timeoutMs?: number): Promise<ServerEvents[E]>;
  /** Pushes of this name received so far. */
  all<E extends ServerEventName>(event: E): Array<ServerEvents[E]>;
  close(): void;
}

export interface DeviceOptions {
  platform?: string;
  /** Send credentials in the query string instead of `auth`. */
  viaQuery?: boolean;
  /** More socket.io-client options (`transports`, `agent`, ...). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/** Connects with `auth: {appId, token}` and waits for `ready`. */
export async function connectDevice(t: TestServer, appId: string, token: string, options: DeviceOptions = {}): Promise<RawDevice> {
  const device = openDevice(t, appId, token, options);
  await device.next('ready');
  return device;
}

/** Opens a connection without waiting; use for handshakes that should fail. */
export function openDevice(t: TestServer, appId: string, token: string, options: DeviceOptions = {}): RawDevice {
  const credentials = { appId, token, ...(options.platform ? { platform: options.platform } : {}) };
  const socket = io(t.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options.socketOptions,
    ...(options.viaQuery ? { query: credentials } : { auth: credentials }),
  });
  const check = conformance(t);
  const received: RawDevice['received'] = [];
  const taken = new Set<number>();
  const waiters: Array<{ event: ServerEventName; resolve: (payload: unknown) => void }> = [];
  socket.onAny((event: ServerEventName, payload: unknown) => {
    check.push(event, payload);
    received.push({ event, payload });
    const waiter = waiters.findIndex((w) => w.event === event);
    if (waiter >= 0) {
      taken.add(received.length - 1);
      waiters.splice(waiter, 1)[0]!.resolve(payload);
    }
  });

  const request = async (event: ClientRequestName, ...payload: unknown[]) => {
    const ack = (await socket.timeout(5000).emitWithAck(event, ...payload)) as Ack<unknown>;
    if (ack.status === 1) check.ack(event, ack.data);
    return ack;
  };
  return {
    socket,
    received,
    request: request as RawDevice['request'],
    ok: (async (event: ClientRequestName, ...payload: unknown[]) => {
      const ack = await request(event, ...payload);
      if (ack.status !== 1) throw Object.assign(new Error(`${event}: ${ack.code} ${ack.message}`), { code: ack.code });
      return ack.data;
    }) as RawDevice['ok'],
    next: ((event: ServerEventName, timeoutMs = 5000) => {
      const index = received.findIndex((r, i) => r.event === event && !taken.has(i));
      if (index >= 0) {
        taken.add(index);
        return Promise.resolve(received[index]!.payload);
      }
      return new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ event, resolve: (payload) => (clearTimeout(timer), resolve(payload)) });
      });
    }) as RawDevice['next'],
    all: ((event: ServerEventName) => received.filter((r) => r.event === event).map((r) => r.payload)) as RawDevice['all'],
    close: () => socket.close(),
  };
}

/** The `connect_error` a refused handshake produces: its message and `data`. */
export function refusalOf(device: RawDevice): Promise<{ message: string; data?: { code: string; message: string; reason?: string } }> {
  return new Promise((resolve, reject) => {
    device.socket.once('connect_error', (error: Error & { data?: { code: string; message: string; reason?: string } }) =>
      resolve({ message: error.message, ...(error.data ? { data: error.data } : {}) }),
    );
    device.socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
  });
}

/** Resolves when the device's connection ends, with socket.io's reason. */
export function disconnection(device: RawDevice): Promise<string> {
  return new Promise((resolve) => device.socket.once('disconnect', (reason) => resolve(reason)));
}

/** A server with one app and its users, and the devices a test opens (closed after each test). */
export class GatewayWorld {
  readonly #open: RawDevice[] = [];

  private constructor(
    readonly t: TestServer,
    readonly app: TestApp,
    readonly tokens: Record<string, string>,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /** A server (on a fresh store of `adapter`, memory by default) with an app and these users. */
  static async start(userIds: string[], env: Record<string, string> = {}, adapter?: StoreAdapter): Promise<GatewayWorld> {
    // Raw devices do not pace themselves as the SDK does, and these tests fire requests faster
    // than any user: per-user limits well above that (gateway.rate-limits.test.ts sets its own).
    const opened = adapter ? await adapter.open() : { store: undefined, cleanup: async () => {} };
    const { t, app, tokens } = await startTestWorld(userIds, { USER_SENDS_PER_SECOND: '1000', USER_SIGNALS_PER_SECOND: '1000', ...env }, opened.store ? { store: opened.store } : {});
    return new GatewayWorld(t, app, tokens, opened.cleanup);
  }

  /** A connected device of `userId` (of this world's app unless `appId` and `token` say otherwise). */
  async device(userId: string, platform?: string, appId = this.app.appId, token = this.tokens[userId]!): Promise<RawDevice> {
    const device = await connectDevice(this.t, appId, token, platform ? { platform } : {});
    this.#open.push(device);
    return device;
  }

  closeDevices(): void {
    for (const device of this.#open.splice(0)) device.close();
  }

  async close(): Promise<void> {
    this.closeDevices();
    await this.t.close();
    await this.cleanup();
  }
}

/** A text message payload. */
export const text = (content: string) => ({ messageType: 1, content: { content } });

/**
 * Resolves once every push already sent to these devices has arrived, to assert on the absence of
 * one: socket.io keeps the order of packets on a connection, so the ack of a request made now
 * comes after every push queued before it.
 */
export async function settled(...devices: RawDevice[]): Promise<void> {
  await Promise.all(devices.map((device) => device.ok('presence-query', { userIds: ['settle'] })));
}

/** Asks `observer` for `userId`'s presence until `check` holds (bounded), for changes made by a disconnect. */
export async function presenceUntil(observer: RawDevice, userId: string, check: (state: PresenceState) => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const [state] = await observer.ok('presence-query', { userIds: [userId] });
    if (state && check(state)) return;
    if (Date.now() > deadline) throw new Error(`presence of ${userId} did not change as expected within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
