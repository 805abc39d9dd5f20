import { ReplyError } from 'ioredis';
import { BusUnavailableError } from '../ports.js';

/**
 * `error` of a Redis command as the bus port reports it: a connection that is down, closed or
 * timed out becomes `BusUnavailableError` (answered `UNAVAILABLE`, retryable); an error Redis
 * itself replied (a broken script, a wrong type) stays as it is, since retrying will not help.
 */
export function asBusFailure(what: string, error: unknown): unknown {
  if (error instanceof ReplyError) return error;
  return new BusUnavailableError(`redis did not answer ${what}`, { cause: error });
}
