import type { Clock } from '../../clock.js';
import type { Bus } from '../ports.js';
import { MemoryNonceCache } from './nonce-cache.js';
import { MemoryPresence } from './presence.js';
import { MemoryRateLimiter } from './rate-limiter.js';

/** Everything cross-process, kept in this process: correct for a single server only. */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  readonly nonces: MemoryNonceCache;
  readonly presence: MemoryPresence;
  readonly rateLimits = new MemoryRateLimiter();

  constructor(clock: Clock) {
    this.nonces = new MemoryNonceCache(clock);
    this.presence = new MemoryPresence(clock);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
