import type { Platform, PresenceState } from '@parley/sdk/protocol';
import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import type { PresenceRegistry } from '../ports.js';
import { asBusFailure } from './errors.js';
import { deviceField, type RedisKeys } from './keys.js';
import { CONNECT, DISCONNECT, QUERY, REFRESH } from './presence-scripts.js';

export interface RedisPresenceOptions {
  /** How long a device stays registered after its last refresh. */
  ttlMs: number;
  /** How often this process refreshes its own devices; well under `ttlMs`. */
  refreshMs: number;
  /** A refresh failed (Redis unreachable); the next one retries. */
  onRefreshError: (error: Error) => void;
}

/** Users per query script and devices per refresh script, so no single script blocks Redis for long. */
const BATCH = 250;

type Script = (numberOfKeys: number, ...args: (string | number)[]) => Promise<unknown>;

interface LocalDevice {
  appId: string;
  userId: string;
  connectionId: string;
  platform: Platform;
}

/**
 * Presence shared by every process, with entries that lapse unless refreshed (centrifuge's
 * `presence.go`): each device is stored with an expiry of now + `ttlMs`, and the process that
 * registered it extends that every `refreshMs` for as long as the device is connected. A process
 * that dies stops refreshing, so its devices lapse within `ttlMs` and their users read offline,
 * with `lastSeenAt` the moment the last one lapsed. Lapsed devices are ignored by every read and
 * deleted by the next script that touches their user. The layout and the atomic scripts are in
 * `keys.ts` and `presence-scripts.ts`.
 *
 * What the port's callers see:
 * - `connect` / `disconnect` answer first / last device atomically across processes.
 * - A lapse publishes nothing (no process is there to say so): the user just reads offline. If a
 *   stalled process refreshes a lapsed device later, the device reads online again, silently.
 * - If Redis loses its data (restart without persistence), live devices are registered again at
 *   the next refresh, which also runs as soon as the connection is ready again; last-seen times
 *   are lost.
 * - When Redis does not answer, every call rejects with `BusUnavailableError` (after the client's
 *   retry and timeout bounds);
 *   a device whose `disconnect` failed lapses after `ttlMs`, since it is no longer refreshed.
 *
 * Command order on the one connection keeps a refresh from resurrecting a device that has just
 * disconnected: a refresh reads this process's devices and sends its command in the same tick,
 * and `disconnect` forgets the device before sending its own.
 */
export class RedisPresence implements PresenceRegistry {
  /** This process's connected devices, refreshed on the timer. */
  readonly #local = new Map<string, LocalDevice>();
  readonly #connect: Script;
  readonly #disconnect: Script;
  readonly #refresh: Script;
  readonly #query: Script;
  readonly #timer: NodeJS.Timeout;
  #refreshing: Promise<void> | undefined;
  #stopped = false;

  constructor(
    client: Redis,
    private readonly keys: RedisKeys,
    private readonly clock: Clock,
    private readonly options: RedisPresenceOptions,
  ) {
    this.#connect = defineScript(client, 'parleyPresenceConnect', CONNECT);
    this.#disconnect = defineScript(client, 'parleyPresenceDisconnect', DISCONNECT);
    this.#refresh = defineScript(client, 'parleyPresenceRefresh', REFRESH);
    this.#query = defineScript(client, 'parleyPresenceQuery', QUERY);
    this.#timer = setInterval(() => void this.refreshNow(), options.refreshMs);
    this.#timer.unref();
    // After a reconnect Redis may have lost everything (a restart without persistence).
    client.on('ready', () => void this.refreshNow());
  }

  async connect(appId: string, userId: string, connectionId: string, platform: Platform): Promise<boolean> {
    const id = localId(appId, userId, connectionId);
    this.#local.set(id, { appId, userId, connectionId, platform });
    try {
      const now = this.clock.now();
      const first = await this.#connect(2, this.keys.devices(appId, userId), this.keys.seen(appId, userId), now, this.options.ttlMs, deviceField(connectionId), platform);
      return first === 1;
    } catch (error) {
      // Not refreshed, so whatever Redis may still apply later lapses on its own.
      this.#local.delete(id);
      throw error;
    }
  }

  async disconnect(appId: string, userId: string, connectionId: string): Promise<boolean> {
    this.#local.delete(localId(appId, userId, connectionId));
    const now = this.clock.now();
    const last = await this.#disconnect(2, this.keys.devices(appId, userId), this.keys.seen(appId, userId), now, this.options.ttlMs, deviceField(connectionId));
    return last === 1;
  }

  async query(appId: string, userIds: readonly string[]): Promise<PresenceState[]> {
    const distinct = [...new Set(userIds)];
    const now = this.clock.now();
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < distinct.length; i += BATCH) {
      const keys = distinct.slice(i, i + BATCH).flatMap((userId) => [this.keys.devices(appId, userId), this.keys.seen(appId, userId)]);
      batches.push(this.#query(keys.length, ...keys, now));
    }
    const rows = (await Promise.all(batches)).flatMap((reply) => reply as string[][]);
    const byId = new Map(distinct.map((userId, i) => [userId, stateOf(userId, rows[i])]));
    return userIds.map((userId) => byId.get(userId)!);
  }

  /**
   * Extends the expiry of every device this process has connected, registering again any that
   * Redis lost. The timer calls it every `refreshMs` and on every reconnect; a call while one is
   * running waits for that one. Never rejects: a failure goes to `onRefreshError`.
   */
  refreshNow(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#refreshing ??= this.#refreshAll().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Stops refreshing (the bus is closing): devices still registered lapse after the TTL, as after a crash. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#refreshing;
  }

  async #refreshAll(): Promise<void> {
    const devices = [...this.#local.values()];
    if (devices.length === 0) return;
    const now = this.clock.now();
    // Every batch is sent in this tick, before any later disconnect can be (see the class comment).
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < devices.length; i += BATCH) {
      const batch = devices.slice(i, i + BATCH);
      const keys = batch.flatMap(({ appId, userId }) => [this.keys.devices(appId, userId), this.keys.seen(appId, userId)]);
      const args = batch.flatMap(({ connectionId, platform }) => [deviceField(connectionId), platform]);
      batches.push(this.#refresh(keys.length, ...keys, now, this.options.ttlMs, ...args));
    }
    for (const outcome of await Promise.allSettled(batches)) {
      if (outcome.status === 'rejected') this.options.onRefreshError(asError(outcome.reason));
    }
  }
}

function stateOf(userId: string, row: string[] | undefined): PresenceState {
  const [seen = '', ...platforms] = row ?? [];
  const online = platforms.length > 0;
  return { userId, online, platforms: platforms as Platform[], lastSeenAt: online || seen === '' ? null : Number(seen) };
}

function localId(appId: string, userId: string, connectionId: string): string {
  return `${appId}\n${userId}\n${connectionId}`;
}

/**
 * A Lua script as a client method (ioredis sends EVAL once per connection, then EVALSHA), whose
 * connection failures are the port's `BusUnavailableError` (see errors.ts).
 */
function defineScript(client: Redis, name: string, lua: string): Script {
  client.defineCommand(name, { lua });
  const command = (client as unknown as Record<string, Script>)[name]!.bind(client);
  return async (...args) => {
    try {
      return await command(...args);
    } catch (error) {
      throw asBusFailure(name, error);
    }
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason), { cause: reason });
}
