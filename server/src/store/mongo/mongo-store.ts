import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { AppScope, Store } from '../ports.js';
import { MongoAppRepo, MongoConsoleTokenRepo, MongoTenantRepo } from './accounts.js';
import { MongoBlockRepo } from './blocks.js';
import { APP_COLLECTIONS, collectionsOf, type Collections } from './collections.js';
import { MongoConversationRepo } from './conversations.js';
import { reportingUnavailable } from './errors.js';
import { MongoFileRepo } from './files.js';
import { MongoFriendRepo } from './friends.js';
import { createIndexes } from './indexes.js';
import { MongoGroupRepo } from './groups.js';
import { MongoJoinRequestRepo } from './join-requests.js';
import { MongoUserRepo, MongoUserTokenRepo } from './people.js';
import { MongoSessionRepo } from './sessions.js';
import { MongoStoreTransfer } from './transfer.js';

export interface MongoStoreOptions {
  /** Database name; defaults to the one in the URL's path (`mongodb://host/parley`), else `parley`. */
  dbName?: string;
  /** Passed to the driver as is (pool size, timeouts, TLS, ...). */
  client?: MongoClientOptions;
}

/**
 * The production store: MongoDB through the official driver, shared by any number of server
 * processes.
 *
 * Guarantees, without multi-document transactions (FerretDB v1 has none, and MongoDB would need
 * a replica set): most calls are one document write. The calls written in steps, and what a crash
 * between the steps leaves:
 * - `conversations.append`: message stored, conversation summary not yet raised. No hole; every
 *   reader and the next append repair the summary (see conversations.ts).
 * - `conversations.delete`: messages gone, summary left. Read as absent; the next append replaces it.
 * - `conversations.recall`: the list preview hidden, the message not yet recalled. The caller's
 *   retry finishes it.
 * - `tokens.insert`, `consoleTokens.insert`: expired tokens swept, new token not stored. Nothing
 *   live was lost; the caller's retry stores it.
 * - `friends.befriend`: one side of the friendship written. The next call writes the other
 *   (each side an insert that the unique index refuses once it exists).
 * - `friends.deleteFriendGroup`: the group gone, its friends still naming it. Read as in no group.
 * - `purge`: some collections of the app emptied. Calling it again finishes.
 * Uniqueness, seq allocation and idempotent sends rest on unique indexes, so they hold across
 * processes. Every document of app data carries `appId` and every query filters by it. Records
 * are returned as fresh copies without `_id` or `appId`.
 *
 * Needs no `$lookup`, `$facet`, change streams, transactions or partial indexes; uses only find,
 * distinct, count, insert, update and replace (`$set`, `$setOnInsert`, `$max`), findAndModify,
 * delete, one aggregate (`files.usage`: `$match`, `$unwind`, `$group` with a single `$sum`) and
 * plain (unique) indexes, which FerretDB v1 implements too.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb';
  readonly tenants: MongoTenantRepo;
  readonly consoleTokens: MongoConsoleTokenRepo;
  readonly apps: MongoAppRepo;
  /**
   * Not wrapped by `reportingUnavailable`: its reads are async iterables, which that wrapper
   * (made for promise-returning methods) would break; export and import report driver errors as they are.
   */
  readonly transfer: MongoStoreTransfer;
  readonly #collections: Collections;
  readonly #db: Db;
  constructor(
    private readonly client: MongoClient,
    db: Db,
    /** The FerretDB version when the server is FerretDB rather than MongoDB (from `buildInfo`), else null. */
    readonly ferretDbVersion: string | null = null,
  ) {
    this.#db = db;
    this.#collections = collectionsOf(db);
    this.tenants = reportingUnavailable(new MongoTenantRepo(this.#collections.tenants));
    this.consoleTokens = reportingUnavailable(new MongoConsoleTokenRepo(this.#collections.consoleTokens));
    this.apps = reportingUnavailable(new MongoAppRepo(this.#collections.apps));
    this.transfer = new MongoStoreTransfer(this.#collections);
  }

  /** Creates every index (idempotent; see indexes.ts). `open` calls it. */
  async createIndexes(): Promise<void> {
    await createIndexes(this.#collections);
  }

  forApp(appId: string): AppScope {
    const c = this.#collections;
    return {
      appId,
      users: reportingUnavailable(new MongoUserRepo(appId, c.users)),
      tokens: reportingUnavailable(new MongoUserTokenRepo(appId, c.userTokens)),
      groups: reportingUnavailable(new MongoGroupRepo(appId, c.groups, c.groupMembers)),
      conversations: reportingUnavailable(new MongoConversationRepo(appId, c.conversations, c.messages)),
      sessions: reportingUnavailable(new MongoSessionRepo(appId, c.sessions)),
      files: reportingUnavailable(new MongoFileRepo(appId, c.files)),
      blocks: reportingUnavailable(new MongoBlockRepo(appId, c.blocks)),
      friends: reportingUnavailable(new MongoFriendRepo(appId, c.friendRequests, c.friends, c.friendGroups)),
      joinRequests: reportingUnavailable(new MongoJoinRequestRepo(appId, c.joinRequests)),
      purge: async () => {
        for (const name of APP_COLLECTIONS) await c[name].deleteMany({ appId });
      },
    };
  }

  async ping(): Promise<void> {
    await this.#db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Connects to `url`, creates the indexes and returns the store. Fails (and closes the client)
 * when the server cannot be reached or an index cannot be created.
 *
 * @example
 * const store = await openMongoStore('mongodb://127.0.0.1:27017/parley');
 */
export async function openMongoStore(url: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
  // A request waits at most 5 s for a reachable server (the driver's default is 30 s), then fails
  // with UNAVAILABLE: a client retries sooner than a proxy in front gives up. The driver lets an
  // option object override the URL, so the default is given only when the URL names none.
  const defaults = urlNamesOption(url, 'serverSelectionTimeoutMS') ? {} : { serverSelectionTimeoutMS: 5000 };
  const client = new MongoClient(url, { ignoreUndefined: true, ...defaults, ...options.client });
  try {
    await client.connect();
    // An undefined field (an optional one left out) is not written, rather than written as null.
    const db = client.db(options.dbName ?? databaseInUrl(url) ?? 'parley', { ignoreUndefined: true });
    const build = await db.admin().command({ buildInfo: 1 });
    const store = new MongoStore(client, db, typeof build['ferretdbVersion'] === 'string' ? build['ferretdbVersion'] : null);
    await store.createIndexes();
    return store;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** Whether the connection string's query sets `option` (URI options are case-insensitive). */
function urlNamesOption(url: string, option: string): boolean {
  const query = url.split('?', 2)[1] ?? '';
  return [...new URLSearchParams(query).keys()].some((key) => key.toLowerCase() === option.toLowerCase());
}

/** The database named in a connection string's path, if any (`mongodb://a:1,b:2/parley?replicaSet=rs`). */
function databaseInUrl(url: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url)?.[1];
  return name === undefined ? undefined : decodeURIComponent(name);
}
