import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import { MemoryBus } from './bus/memory/memory-bus.js';
import type { Bus } from './bus/ports.js';
import { createRedisBus } from './bus/redis/redis-bus.js';
import type { Clock } from './clock.js';
import type { Config, FileStorageChoice, StoreChoice } from './config.js';
import { LocalFileStorage } from './files/local/local-files.js';
import { OssFileStorage } from './files/oss/oss-files.js';
import type { FileStorage } from './files/ports.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import { MemoryStore } from './store/memory/memory-store.js';
import { MongoStore, openMongoStore } from './store/mongo/mongo-store.js';
import type { Store } from './store/ports.js';
import { openSqliteStore, SqliteStore } from './store/sqlite/sqlite-store.js';

/** How socket.io servers in several processes reach each other's sockets. */
export interface SocketFanOut {
  adapter: ServerOptions['adapter'];
  /** Calls `listener` each time the link to the other processes is back after it failed; returns its removal. */
  onReconnected(listener: () => void): () => void;
  close(): Promise<void>;
}

/** The adapters the configuration asks for, opened: connected, indexes created. */
export interface OpenedAdapters {
  store: Store;
  bus: Bus;
  files: FileStorage;
  /** Present with Redis: the socket.io adapter that carries pushes between processes. */
  fanOut?: SocketFanOut;
}

/** The store `choice` names, opened (SQLite: directory claimed, schema migrated; MongoDB: connected, indexes created). */
export async function openStore(choice: StoreChoice): Promise<Store> {
  switch (choice.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return openSqliteStore(choice.dataDir, { sync: choice.sync });
    case 'mongodb':
      return openMongoStore(choice.url);
  }
}

/** The file storage `choice` names: a directory (created, interrupted uploads cleared) or an OSS bucket. */
export async function openFileStorage(choice: FileStorageChoice): Promise<FileStorage> {
  if (choice.kind === 'local') return new LocalFileStorage(choice.dir).open();
  const { kind: _kind, ...options } = choice;
  return new OssFileStorage(options);
}

/** Where uploads are kept, for the start line. */
export function filesLocation(files: FileStorage, choice: FileStorageChoice): string {
  if (files instanceof LocalFileStorage) return files.root;
  return choice.kind === 'oss' ? `oss://${choice.bucket} (${choice.region})` : files.kind;
}

/** Where the store keeps its data, for the start line: a directory, a database, or nowhere. */
export function storeLocation(store: Store, choice: StoreChoice): string {
  if (store instanceof SqliteStore) return store.dataDir;
  if (choice.kind === 'mongodb') return redactedUrl(choice.url);
  return 'this process\'s memory, lost when it stops';
}

/** A connection string without its password, for logs. */
function redactedUrl(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

/**
 * `config.store` selects the store (SQLite by default); `REDIS_URL` selects the Redis
 * bus and socket.io's Redis Streams adapter, else both stay in this process. Whatever was opened
 * is closed again when a later one fails, so a refused start leaves no connection behind.
 * `metrics`, when given, also counts Redis connection errors and rate-limit fallbacks, which are
 * otherwise only logged.
 */
export async function openAdapters(config: Config, clock: Clock, logger: Logger, metrics?: Metrics): Promise<OpenedAdapters> {
  const store = await openStore(config.store);
  if (store instanceof MongoStore && store.ferretDbVersion !== null) {
    logger.warn(
      { ferretDbVersion: store.ferretDbVersion },
      `MONGODB_URL is FerretDB (version ${store.ferretDbVersion}), not MongoDB: fine for development and tests, but its conditional updates are not atomic under concurrent writers (two answers to one join request can both pass); use MongoDB in production`,
    );
  }
  let files: FileStorage;
  try {
    files = await openFileStorage(config.files);
  } catch (error) {
    await store.close();
    throw error;
  }
  if (config.redisUrl === null) return { store, files, bus: new MemoryBus(clock) };
  if (config.store.kind !== 'mongodb') {
    logger.warn(
      { store: config.store.kind },
      `REDIS_URL shares the bus between server processes, but the ${config.store.kind} store belongs to this process alone: other processes on this Redis see none of its data. Run several processes on MONGODB_URL`,
    );
  }
  try {
    const bus = await createRedisBus(config.redisUrl, clock, {
      onError: (error) => {
        metrics?.busConnectionErrors.inc({ client: 'bus' });
        logger.warn({ err: error }, 'redis bus: connection or presence refresh failed; retrying');
      },
      onRateLimitFallback: () => {
        metrics?.rateLimitFallbacks.inc();
        logger.debug('rate limit counted in this process only: redis did not answer');
      },
    });
    return { store, files, bus, fanOut: redisFanOut(config.redisUrl, logger, metrics) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * socket.io's Redis Streams adapter rather than its Pub/Sub one: a stream is read from the last
 * offset seen, so a process whose Redis connection blips (or a Redis restart) resumes without
 * losing the pushes published meanwhile, where Pub/Sub drops them. It needs one client (it
 * duplicates it for its blocking reads) and bounds the stream (`maxLen`).
 */
function redisFanOut(url: string, logger: Logger, metrics: Metrics | undefined): SocketFanOut {
  const client = new Redis(url, { maxRetriesPerRequest: 2, retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 3000) });
  const reconnected = new Set<() => void>();
  let lost = false;
  client.on('error', (error: Error) => {
    lost = true;
    metrics?.busConnectionErrors.inc({ client: 'socket_adapter' });
    logger.warn({ err: error }, 'socket.io redis adapter: connection failed; retrying');
  });
  client.on('close', () => (lost = true));
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    // What other processes relayed while the link was down may be gone (pushes published to a
    // Redis that was not there): the gateway checks its connections again.
    for (const listener of reconnected) listener();
  });
  return {
    adapter: createAdapter(client, { streamName: 'parley:socket.io', maxLen: 100_000 }),
    onReconnected: (listener) => {
      reconnected.add(listener);
      return () => reconnected.delete(listener);
    },
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
