/**
 * Cross-process ports. The memory adapters serve one process; the Redis adapters (production)
 * share state between any number of server processes.
 */

/** Remembers which request nonces an app has used, for as long as a replay could be accepted. */
export interface NonceCache {
  /**
   * Records `nonce` for `appId` for `ttlMs`. Returns true when it was new, false when it was
   * already recorded and has not expired (a replay). Atomic: of two concurrent claims of the
   * same nonce exactly one returns true.
   */
  claim(appId: string, nonce: string, ttlMs: number): Promise<boolean>;
}

export interface Bus {
  /** Short name for logs: `memory`, `redis`. */
  readonly kind: string;
  readonly nonces: NonceCache;
  close(): Promise<void>;
}
