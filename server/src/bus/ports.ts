import type { Platform, PresenceState } from '@parley/sdk/protocol';

/**
 * Cross-process ports. The memory adapters serve one process; the Redis adapters (production)
 * share state between any number of server processes. Each port says what happens when the
 * shared state cannot be reached: a memory adapter never fails that way, a shared one does.
 * `server/test/bus.contract.ts` is the conformance suite of all three.
 */

/**
 * The shared service behind the bus (Redis) cannot be reached: the call was not applied, or the
 * adapter cannot tell, and may succeed later. Callers answer `UNAVAILABLE`.
 */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
}

/** Remembers which request nonces an app has used, for as long as a replay could be accepted. */
export interface NonceCache {
  /**
   * Records `nonce` for `appId` for `ttlMs`. Returns true when it was new, false when it was
   * already recorded and has not expired (a replay). Atomic: of two concurrent claims of the
   * same nonce exactly one returns true, in whichever process they run.
   *
   * Fails closed: when the shared state cannot be reached it rejects, and the caller refuses the
   * request, since a replay cannot be ruled out.
   */
  claim(appId: string, nonce: string, ttlMs: number): Promise<boolean>;
}

/**
 * Which users have connected devices. A user is online while at least one device is connected,
 * so a second tab closing does not make them look offline.
 *
 * A device is registered by the process that holds its connection, and lives as long as that
 * process does: the registry keeps it alive by itself (callers have nothing to refresh), and when
 * the process dies without calling `disconnect`, its devices lapse after the adapter's presence
 * TTL (the Redis adapter: `presenceTtlMs`, one minute by default; the memory adapter's devices die
 * with the process). A lapse is silent: no `disconnect` answers true for it, the user simply
 * reads offline, with `lastSeenAt` the moment it lapsed.
 *
 * When the shared state cannot be reached, every method rejects; a device whose `disconnect`
 * failed lapses after the TTL.
 */
export interface PresenceRegistry {
  /**
   * Records a connected device. Returns true when it is the user's first live one (they came
   * online); atomic, so of two processes racing for one user only one answers true. Connecting
   * the same `connectionId` again updates its platform and counts it once.
   */
  connect(appId: string, userId: string, connectionId: string, platform: Platform): Promise<boolean>;
  /**
   * Forgets a device. Returns true when it was the user's last live one (they went offline), and
   * false for a device that is unknown or has lapsed; atomic like `connect`.
   */
  disconnect(appId: string, userId: string, connectionId: string): Promise<boolean>;
  /**
   * Presence of each of `userIds`, in the same order (repeated ids repeated): the distinct
   * platforms of the user's live devices, in the order their first live device connected; for an
   * offline user, `lastSeenAt` is when their last device left or lapsed (null if never seen).
   */
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
 * A key counts separately under each distinct limit.
 *
 * Fails open: when the shared state cannot be reached, the Redis adapter counts in this process
 * instead (the memory adapter's behaviour) until it is back, rather than refusing everyone.
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
  /** Resolves when the backing service answers now; rejects otherwise (the readiness probe). */
  ping(): Promise<void>;
  /** Stops background work and disconnects; devices still registered then lapse as after a crash. */
  close(): Promise<void>;
}
