import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteOpenRefusal } from './errors.js';

/** Another process holds the data directory. */
export class DataDirectoryInUseError extends SqliteOpenRefusal {
  override readonly name = 'DataDirectoryInUseError';
}

/** Held for as long as the store is open; `release` lets the next process in. */
export interface DataDirectoryLock {
  release(): void;
}

export const LOCK_FILE = 'parley.lock';
const OWNER_FILE = 'parley.pid';

/**
 * Claims `dataDir` for this process: one Parley process per data directory, because the
 * embedded store serialises writes inside its process (see sqlite-store.ts) and presence, rate
 * limits and pushes live in its memory.
 *
 * The claim is an exclusive lock on a small SQLite file held by an open transaction: the
 * operating system drops it when the process ends in any way (kill -9 included), so there is no
 * stale lock to clean up after a crash, and a second process, or a second store in this one, is
 * refused at once. The owner's pid is written beside it for the refusal's message only.
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The file holds no data: no journal, so a killed process leaves nothing beside it.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
      const owner = ownerOf(dataDir);
      throw new DataDirectoryInUseError(
        `${dataDir} is in use by another Parley process${owner ? ` (pid ${owner})` : ''}. The embedded store serves one process per data directory: ` +
          'stop the other one, give this one its own DATA_DIR, or run several processes on MongoDB + Redis (MONGODB_URL, REDIS_URL).',
        { cause: error },
      );
    }
    throw error;
  }
  writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
  return {
    release: () => {
      if (db.open) db.close();
    },
  };
}

function ownerOf(dataDir: string): string | null {
  try {
    return readFileSync(join(dataDir, OWNER_FILE), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
