import { MongoServerError } from 'mongodb';
import { DuplicateKeyError } from '../ports.js';

/** MongoDB's (and FerretDB's) code for a write that breaks a unique index. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
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
