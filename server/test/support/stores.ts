import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../src/store/ports.js';
import type { RawDevice } from './devices.js';
import { startTestServer, type TestServer } from './test-server.js';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { serviceUrl } from './services.js';

/**
 * The store adapters a domain suite runs on: memory and SQLite always, MongoDB when `MONGODB_URL`
 * is set. `open` gives a fresh, empty store; the composed server closes it, and `cleanup` then
 * removes what it left on disk or in the database.
 */
export interface StoreAdapter {
  name: 'memory' | 'sqlite' | 'mongodb';
  open(): Promise<{ store: Store | undefined; cleanup(): Promise<void> }>;
}

export function storeAdapters(): StoreAdapter[] {
  const adapters: StoreAdapter[] = [
    { name: 'memory', open: async () => ({ store: undefined, cleanup: async () => {} }) },
    {
      name: 'sqlite',
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'parley-domain-'));
        return { store: await openSqliteStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    },
  ];
  const url = serviceUrl('MONGODB_URL');
  if (url) {
    adapters.push({
      name: 'mongodb',
      open: async () => {
        const dbName = `parley_domain_${randomBytes(6).toString('hex')}`;
        const store = await openMongoStore(url, { dbName });
        return {
          store,
          cleanup: async () => {
            const { MongoClient } = await import('mongodb');
            const client = await new MongoClient(url).connect();
            try {
              await client.db(dbName).dropDatabase();
            } finally {
              await client.close();
            }
          },
        };
      },
    });
  }
  return adapters;
}

/**
 * A test server on a fresh store of `adapter` for the suite that calls it (started before its
 * tests, closed after them), with per-user limits above what raw test devices fire (and `env`), and the
 * devices tests open there (closed with it). `server()` is the running server.
 */
export function serverOnAdapter(adapter: StoreAdapter, env: Record<string, string> = {}): { server: () => TestServer; track: (device: RawDevice) => RawDevice } {
  let t: TestServer | undefined;
  let cleanup: () => Promise<void> = async () => {};
  const open: RawDevice[] = [];
  beforeAll(async () => {
    const opened = await adapter.open();
    cleanup = opened.cleanup;
    t = await startTestServer({ USER_SIGNALS_PER_SECOND: '1000', USER_SENDS_PER_SECOND: '1000', ...env }, opened.store ? { store: opened.store } : {});
  });
  afterAll(async () => {
    for (const device of open.splice(0)) device.close();
    await t?.close();
    await cleanup();
  });
  return {
    server: () => t!,
    track: (device) => {
      open.push(device);
      return device;
    },
  };
}
