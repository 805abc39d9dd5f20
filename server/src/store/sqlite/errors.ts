import Database from 'better-sqlite3';
import { DuplicateKeyError, StoreUnavailableError } from '../ports.js';
import { translatingErrors } from '../translate-errors.js';

/**
 * The store cannot open its data directory, for a reason its message gives the operator in
 * full (the directory, a second process, a newer schema): printed as is, without a stack.
 */
export class SqliteOpenRefusal extends Error {}

/** SQLite's codes for a write that breaks a unique index or primary key. */
const DUPLICATE_KEY = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * Codes that mean "the disk or the file cannot take this now" (full disk, I/O error, a lock
 * held by another program such as a backup tool): nothing was committed, and the same call may
 * succeed later, so callers answer `UNAVAILABLE` rather than `INTERNAL`.
 */
function isUnavailable(code: string): boolean {
  return code === 'SQLITE_FULL' || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN';
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof Database.SqliteError && DUPLICATE_KEY.has(error.code);
}

/** Runs `write`, turning a unique-key violation into the port's `DuplicateKeyError`. */
export function mapDuplicateKey<T>(what: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateKeyError(`${what} is taken`, { cause: error });
    throw error;
  }
}

/** `repo` with every method's disk failures turned into the port's `StoreUnavailableError`. */
export function reportingUnavailable<T extends object>(repo: T): T {
  return translatingErrors(repo, (error) =>
    error instanceof Database.SqliteError && isUnavailable(error.code)
      ? new StoreUnavailableError(`the database file cannot be written now (${error.code})`, { cause: error })
      : error,
  );
}
