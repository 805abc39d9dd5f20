import type { Platform, PresenceState } from '@parley/sdk/protocol';

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

/**
 * Which users have connected devices. A user is online while at least one device is connected,
 * so a second tab closing does not make them look offline.
 */
export interface PresenceRegistry {
  /** Records a connected device. Returns true when it is the user's first one (they came online). */
  connect(appId: string, userId: string, connectionId: string, platform: Platform): Promise<boolean>;
  /** Forgets a device. Returns true when it was the user's last one (they went offline). */
  disconnect(appId: string, userId: string, connectionId: string): Promise<boolean>;
  /** Presence of each of `userIds`, in the same order. */
  query(appId: string, userIds: readonly string[]): Promise<PresenceState[]>;
}

/** At most `points` events per key in each window of `durationSeconds`. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/** The outcome of spending one point: allowed or not, and the window's state after it. */
export interface RateDecision {
  allowed: boolean;
  /** Points left in the current window (0 when refused). */
  remaining: number;
  /** Milliseconds until the window ends and the points return; when refused, how long to wait. */
  resetMs: number;
}

/**
 * Counts events per key in fixed windows. The memory adapter counts in this process only (with
 * several processes each counts its own share); the Redis adapter counts across all of them.
 * Memory is bounded by the keys active in one window: a key's counter lapses with its window.
 */
export interface RateLimiter {
  /** Spends one point of `key` under `limit`. */
  consume(key: string, limit: RateLimit): Promise<RateDecision>;
}

export interface Bus {
  /** Short name for logs: `memory`, `redis`. */
  readonly kind: string;
  readonly nonces: NonceCache;
  readonly presence: PresenceRegistry;
  readonly rateLimits: RateLimiter;
  close(): Promise<void>;
}
