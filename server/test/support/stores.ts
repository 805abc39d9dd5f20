import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/ports.js';
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
