import type { Clock } from '../../clock.js';
import type { NonceCache } from '../ports.js';

/**
 * Nonces in a Map. Limits: one process only (behind a load balancer, a replay sent to another
 * process would pass; set `REDIS_URL` there). Memory is bounded by the request rate times the
 * TTL: expired entries are swept at most once per second, on the next claim.
 */
export class MemoryNonceCache implements NonceCache {
  readonly #expiry = new Map<string, number>();
  #lastSweep = 0;

  constructor(private readonly clock: Clock) {}

  async claim(appId: string, nonce: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    this.#sweep(now);
    const key = `${appId}\n${nonce}`;
    const expiresAt = this.#expiry.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#expiry.set(key, now + ttlMs);
    return true;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [key, expiresAt] of this.#expiry) if (expiresAt <= now) this.#expiry.delete(key);
  }
}
