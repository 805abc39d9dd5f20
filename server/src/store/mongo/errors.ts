import { MongoBulkWriteError, MongoNetworkError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { DuplicateKeyError, StoreUnavailableError } from '../ports.js';
import { translatingErrors } from '../translate-errors.js';

/** MongoDB's (and FerretDB's) code for a write that breaks a unique index. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * Whether a failed write failed only on duplicate keys: every failed operation of an unordered
 * bulk write (the others were applied), or the one operation of a plain write.
 */
export function failedOnDuplicateKeysOnly(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKey(error);
  const failures = [error.writeErrors].flat();
  return failures.length > 0 && failures.every((failure) => failure.code === DUPLICATE_KEY);
}

/** Runs `write`, turning a unique-index violation into the port's `DuplicateKeyError`. */
export async function mapDuplicateKey<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateKeyError(`${what} is taken`, { cause: error });
    throw error;
  }
}

/** Socket errors the driver lets through unwrapped when the server closed a pooled connection. */
const SOCKET_ERRORS = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/** Driver errors that mean "the server cannot be reached now", as opposed to a refused command. */
function isUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    (error instanceof Error && SOCKET_ERRORS.has((error as NodeJS.ErrnoException).code ?? ''))
  );
}

/**
 * `repo` with every method's unreachable-server failures turned into the port's
 * `StoreUnavailableError`, so the transports can answer `UNAVAILABLE` (retryable) instead of
 * `INTERNAL` without knowing the driver.
 */
export function reportingUnavailable<T extends object>(repo: T): T {
  return translatingErrors(repo, (error) => (isUnreachable(error) ? new StoreUnavailableError('the database cannot be reached', { cause: error }) : error));
}
