import { Redis, type RedisOptions } from 'ioredis';
import { systemClock, type Clock } from '../../clock.js';
import type { Bus } from '../ports.js';
import { RedisKeys } from './keys.js';
import { RedisNonceCache } from './nonce-cache.js';
import { RedisPresence } from './presence.js';
import { RedisRateLimiter } from './rate-limiter.js';

/** Tuning of the Redis bus; every field has a default fit for production. */
export interface RedisBusOptions {
  /** Prefix of every key, so several deployments (or test runs) can share one Redis. Default `parley:`. */
  keyPrefix?: string;
  /** How long a device stays online after its process last refreshed it. Default 60 000 ms. */
  presenceTtlMs?: number;
  /** How often a process refreshes its own devices. Default a third of the TTL (two may be missed). */
  presenceRefreshMs?: number;
  /** Longest wait for one command, queued or sent, before it rejects. Default 2 000 ms. */
  commandTimeoutMs?: number;
  /** Reconnect attempts a command waits through before it rejects. Default 2. */
  maxRetriesPerRequest?: number;
  /** Longest wait for one connection attempt. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** Longest wait for the first connection in {@link createRedisBus}. Default 10 000 ms. */
  startTimeoutMs?: number;
  /** A connection error or a failed presence refresh; the client reconnects by itself. Default: ignored. */
  onError?: (error: Error) => void;
  /** A rate limit was counted by this process alone because Redis did not answer. Default: ignored. */
  onRateLimitFallback?: () => void;
}

const DEFAULTS = {
  keyPrefix: 'parley:',
  presenceTtlMs: 60_000,
  commandTimeoutMs: 2_000,
  maxRetriesPerRequest: 2,
  connectTimeoutMs: 5_000,
  startTimeoutMs: 10_000,
} as const;

/** First reconnect delay and the cap of the exponential backoff. */
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 3_000;

/**
 * Everything cross-process in one Redis primary at one URL (not Redis Cluster, whose slots the
 * multi-user presence scripts would cross): nonces, presence with expiry, rate limits.
 * Key layout: `keys.ts`. Failure semantics, per port:
 * - nonces fail closed (`claim` rejects: a replay cannot be ruled out);
 * - presence calls reject, devices of a dead process lapse after `presenceTtlMs`, and live devices
 *   are registered again after Redis loses its data;
 * - rate limits fail open to a per-process memory limit of the same size.
 *
 * One ioredis connection, connected at once (`lazyConnect: false`) and reconnecting forever
 * with exponential backoff and jitter. While it is down, commands wait in ioredis's offline queue
 * (`enableOfflineQueue: true`, so a short blip such as a Redis restart goes unnoticed) but
 * never longer than `commandTimeoutMs` nor `maxRetriesPerRequest` failed reconnects; rate limits
 * do not wait at all.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis';
  readonly nonces: RedisNonceCache;
  readonly presence: RedisPresence;
  readonly rateLimits: RedisRateLimiter;
  readonly #client: Redis;
  #closed: Promise<void> | undefined;

  /** Connects to `url` (`redis://[:password@]host[:port][/db]`, or `rediss://` for TLS) and waits until it is ready. */
  static open(url: string, clock: Clock = systemClock, options: RedisBusOptions = {}): Promise<RedisBus> {
    return createRedisBus(url, clock, options);
  }

  /** Use {@link createRedisBus}, which waits for the first connection. */
  constructor(client: Redis, clock: Clock, options: RedisBusOptions = {}) {
    const keys = new RedisKeys(options.keyPrefix ?? DEFAULTS.keyPrefix);
    const ttlMs = options.presenceTtlMs ?? DEFAULTS.presenceTtlMs;
    const onError = options.onError ?? (() => {});
    this.#client = client;
    this.nonces = new RedisNonceCache(client, keys);
    this.presence = new RedisPresence(client, keys, clock, {
      ttlMs,
      refreshMs: options.presenceRefreshMs ?? Math.floor(ttlMs / 3),
      onRefreshError: onError,
    });
    this.rateLimits = new RedisRateLimiter(client, keys, options.onRateLimitFallback ?? (() => {}));
  }

  /** True while the connection to Redis is up and ready for commands. */
  get ready(): boolean {
    return this.#client.status === 'ready';
  }

  async ping(): Promise<void> {
    await this.#client.ping();
  }

  /** Stops refreshing presence and closes the connection after the commands already sent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.presence.stop();
      try {
        await this.#client.quit();
      } catch {
        // Not connected: nothing is waiting for an answer.
        this.#client.disconnect();
      }
    })();
    return this.#closed;
  }
}

/**
 * A Redis bus on `url`, resolved once the first connection is ready. Rejects, naming the server
 * but not its password, when Redis cannot be reached within `startTimeoutMs`, so a misconfigured
 * server fails at start instead of on its first request.
 */
export async function createRedisBus(url: string, clock: Clock = systemClock, options: RedisBusOptions = {}): Promise<RedisBus> {
  const onError = options.onError ?? (() => {});
  // The latest connection error, for the message if the start fails.
  let lastError: Error | undefined;
  const client = new Redis(url, clientOptions(options));
  client.on('error', (error: Error) => {
    lastError = error;
    onError(error);
  });
  const timeoutMs = options.startTimeoutMs ?? DEFAULTS.startTimeoutMs;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`, { cause: lastError })), timeoutMs);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (error) {
    client.disconnect();
    const reason = lastError?.message ?? (error as Error).message;
    throw new Error(`Redis at ${redactedUrl(url)} is unreachable: ${reason}`, { cause: lastError ?? error });
  }
  return new RedisBus(client, clock, options);
}

/** The ioredis options the bus relies on (see {@link RedisBus}). */
function clientOptions(options: RedisBusOptions): RedisOptions {
  return {
    lazyConnect: false,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? DEFAULTS.maxRetriesPerRequest,
    commandTimeout: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    connectionName: 'parley-bus',
    // Exponential backoff with jitter; never gives up (null would end the client for good).
    retryStrategy: (attempt: number) => {
      const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** (attempt - 1));
      return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    },
  };
}

/** `url` without its password (and user), for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '(an invalid Redis URL)';
  }
}
