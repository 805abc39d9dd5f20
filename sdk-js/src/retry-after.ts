import { ErrorCode } from './protocol/errors.js';
import type { ParleyError } from './errors.js';

/** The longest the SDK waits on a server's `retryAfterMs` before trying again. */
export const RETRY_AFTER_MAX_MS = 60_000;
/** The wait taken when a refusal names none. */
const RETRY_AFTER_DEFAULT_MS = 1_000;

/**
 * True for the refusals that say "nothing was done, try again later": `RATE_LIMITED` and
 * `SERVER_BUSY`. Unlike a timeout or `INTERNAL`, repeating such a request is safe whatever it is.
 *
 * @internal
 */
export function isRefusedForNow(error: ParleyError): boolean {
  return error.code === ErrorCode.RATE_LIMITED || error.code === ErrorCode.SERVER_BUSY;
}

/**
 * How long to wait before trying again after `error`: the server's `retryAfterMs` (1 s when it
 * gave none) plus a random extra of up to a fifth of it and 50 ms, so that devices refused
 * together do not all come back in the same instant and the retry lands after the window ends;
 * at most {@link RETRY_AFTER_MAX_MS}.
 *
 * @internal
 */
export function retryAfterDelay(error: ParleyError, random: () => number = Math.random): number {
  const base = Math.min(RETRY_AFTER_MAX_MS, Math.max(0, error.retryAfterMs ?? RETRY_AFTER_DEFAULT_MS));
  return Math.min(RETRY_AFTER_MAX_MS, base + random() * (50 + base / 5));
}
