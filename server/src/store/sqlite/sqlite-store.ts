import Database from 'better-sqlite3';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AppScope, Store } from '../ports.js';
import { SqliteAppRepo, SqliteConsoleTokenRepo, SqliteTenantRepo } from './accounts.js';
import { SqliteBlockRepo } from './blocks.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { SqliteConversationRepo } from './conversations.js';
import { reportingUnavailable, SqliteOpenRefusal } from './errors.js';
import { SqliteFileRepo } from './files.js';
import { SqliteFriendRepo } from './friends.js';
import { SqliteGroupRepo } from './groups.js';
import { SqliteJoinRequestRepo } from './join-requests.js';
import { lockDataDirectory, type DataDirectoryLock } from './lock.js';
import { SqliteUserRepo, SqliteUserTokenRepo } from './people.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import { SqliteSessionRepo } from './sessions.js';
import { Sql } from './sql.js';
import { SqliteStoreTransfer } from './transfer.js';

/** The database file inside the data directory (with `-wal` and `-shm` beside it while open). */
export const DATABASE_FILE = 'parley.db';

/** How a commit reaches the disk (SQLite's `synchronous` in WAL mode). */
export type SqliteSync = 'normal' | 'full';

export interface SqliteStoreOptions {
  /**
   * `normal` (default): a commit is in the write-ahead log before the call returns, so it
   * survives the process being killed; the log is synced to disk at checkpoints, so a power cut
   * or kernel crash may lose the last commits (never corrupt the file). `full`: every commit
   * is synced to disk before the call returns, surviving power loss too, at the cost of an
   * fsync per write.
   */
  sync?: SqliteSync;
  /** Time of schema migrations, for `schema_migrations`. */
  now?: () => number;
}

/** The data directory cannot be created or written. */
export class DataDirectoryError extends SqliteOpenRefusal {
  override readonly name = 'DataDirectoryError';
}

/** App tables and their keys, for `purge`'s batched deletes. */
const APP_TABLES: readonly { table: string; key: string }[] = [
  { table: 'users', key: 'user_id' },
  { table: 'user_tokens', key: 'token_hash' },
  { table: 'group_members', key: 'group_id, user_id' },
  { table: 'chat_groups', key: 'group_id' },
  { table: 'join_requests', key: 'request_id' },
  { table: 'messages', key: 'conversation_id, seq' },
  { table: 'conversations', key: 'conversation_id' },
  { table: 'sessions', key: 'user_id, conversation_id' },
  { table: 'files', key: 'file_id' },
  { table: 'blocks', key: 'user_id, blocked_user_id' },
  { table: 'friend_requests', key: 'request_id' },
  { table: 'friends', key: 'user_id, friend_id' },
  { table: 'friend_groups', key: 'user_id, friend_group_id' },
];
/** Rows one purge step deletes before it lets other work run. */
const PURGE_BATCH = 2000;

/**
 * The embedded durable store: one SQLite file in the data directory, through better-sqlite3.
 *
 * Guarantees: every port call is one transaction (atomic, and committed before its promise
 * resolves, so whatever was acknowledged survives a crash of the process); WAL mode, so a
 * backup or an export can read while the server writes. better-sqlite3 is synchronous: a call
 * runs to its end without yielding, which serialises all writes of this process without
 * locks, and costs the event loop the few microseconds an indexed statement takes. The
 * exception is `purge`, which deletes an app's rows in batches between which other requests
 * run (a crash between batches leaves some rows of an already deleted app: calling it again
 * finishes).
 *
 * One process per data directory (see lock.ts): a second one is refused at start.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly tenants: SqliteTenantRepo;
  readonly consoleTokens: SqliteConsoleTokenRepo;
  readonly apps: SqliteAppRepo;
  readonly transfer: SqliteStoreTransfer;
  readonly #sql: Sql;
  readonly #lock: DataDirectoryLock | null;
  readonly #checkpointer: Checkpointer | null;

  constructor(
    readonly db: Database.Database,
    /** The directory the data lives in, absolute. */
    readonly dataDir: string,
    lock: DataDirectoryLock | null,
    checkpointer: Checkpointer | null = null,
  ) {
    this.#sql = new Sql(db);
    this.#lock = lock;
    this.#checkpointer = checkpointer;
    this.tenants = reportingUnavailable(new SqliteTenantRepo(this.#sql));
    this.consoleTokens = reportingUnavailable(new SqliteConsoleTokenRepo(this.#sql));
    this.apps = reportingUnavailable(new SqliteAppRepo(this.#sql));
    this.transfer = new SqliteStoreTransfer(this.#sql);
  }

  /** The database file. */
  get file(): string {
    return join(this.dataDir, DATABASE_FILE);
  }

  forApp(appId: string): AppScope {
    const sql = this.#sql;
    return {
      appId,
      users: reportingUnavailable(new SqliteUserRepo(appId, sql)),
      tokens: reportingUnavailable(new SqliteUserTokenRepo(appId, sql)),
      groups: reportingUnavailable(new SqliteGroupRepo(appId, sql)),
      conversations: reportingUnavailable(new SqliteConversationRepo(appId, sql)),
      sessions: reportingUnavailable(new SqliteSessionRepo(appId, sql)),
      files: reportingUnavailable(new SqliteFileRepo(appId, sql)),
      blocks: reportingUnavailable(new SqliteBlockRepo(appId, sql)),
      friends: reportingUnavailable(new SqliteFriendRepo(appId, sql)),
      joinRequests: reportingUnavailable(new SqliteJoinRequestRepo(appId, sql)),
      purge: async () => {
        for (const { table, key } of APP_TABLES) {
          const statement = `DELETE FROM ${table} WHERE app_id = @appId AND (${key}) IN (SELECT ${key} FROM ${table} WHERE app_id = @appId LIMIT ${PURGE_BATCH})`;
          while (sql.run(statement, { appId }) > 0) await nextTurn();
        }
      },
    };
  }

  /**
   * Runs `work` inside one read transaction, so everything it reads is one consistent state of
   * the database whatever is written meanwhile by other connections. Only for a connection that
   * nothing else uses (openSqliteReader's): the server's own would put its writes inside it.
   */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN');
    try {
      // A deferred transaction starts reading at its first statement: take the snapshot now.
      this.#sql.get('SELECT count(*) FROM schema_migrations');
      return await work();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  async ping(): Promise<void> {
    this.#sql.get('SELECT 1');
  }

  /**
   * Copies the whole database to `destination` while the server keeps writing (SQLite's online
   * backup API, a page range at a time): the copy is consistent as of the moment it finished.
   */
  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
  }

  async close(): Promise<void> {
    await this.#checkpointer?.close();
    if (this.db.open && this.#lock) {
      // Folds the write-ahead log into the database file, so a copy of parley.db alone is whole.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
    if (this.db.open) this.db.close();
    this.#lock?.release();
  }
}

/**
 * Opens (creating when missing) the store in `dataDir`: creates the directory, claims it for
 * this process, opens `parley.db` in WAL mode and migrates its schema.
 *
 * @throws DataDirectoryError when the directory cannot be created or written.
 * @throws DataDirectoryInUseError when another process has it open.
 * @example
 * const store = await openSqliteStore('./data');
 */
export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const directory = resolve(dataDir);
  prepareDirectory(directory);
  const lock = lockDataDirectory(directory);
  try {
    const db = new Database(join(directory, DATABASE_FILE));
    try {
      const synchronous = options.sync === 'full' ? 'FULL' : 'NORMAL';
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma('foreign_keys = OFF');
      // Another program reading the file (a backup, an export) may hold a lock briefly.
      db.pragma('busy_timeout = 2000');
      // After a checkpoint the log is reused from its start; this trims a log that a long read
      // (an export) made grow, so it does not keep its largest size forever.
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      migrate(db, (options.now ?? Date.now)());
      // Checkpoints run in a worker, off the event loop (see checkpointer.ts).
      db.pragma('wal_autocheckpoint = 0');
      const checkpointer = startCheckpointer(
        join(directory, DATABASE_FILE),
        synchronous,
        () => {
          if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
        },
        () => {
          if (db.open) db.pragma('wal_autocheckpoint = 1000');
        },
      );
      return new SqliteStore(db, directory, lock, checkpointer);
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Opens an existing data directory's database for reading only, without claiming the directory,
 * so `npm run export` and `npm run backup` work while the server runs.
 */
export function openSqliteReader(dataDir: string): SqliteStore {
  const directory = resolve(dataDir);
  const file = join(directory, DATABASE_FILE);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DataDirectoryError(`${file} cannot be opened: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new DataDirectoryError(`${file} has schema version ${version}, this Parley reads version ${SCHEMA_VERSION}: start the server once to migrate it`);
  }
  return new SqliteStore(db, directory, null);
}

function prepareDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
    // A file made and removed, rather than access(W_OK): permission bits do not bind root, and a
    // directory on a read-only or special file system (sysfs, a read-only mount) passes access().
    const probe = join(directory, `.parley-write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataDirectoryError(`the data directory ${directory} cannot be created or written (${reason}); set DATA_DIR to a writable directory`, {
      cause: error,
    });
  }
}
