import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, RateLimit, RateLimiter } from '../ports.js';

/**
 * Fixed-window counters in this process (`rate-limiter-flexible`'s memory store). One limiter per
 * distinct limit, because the library fixes points and duration per limiter; a tenant changing a
 * setting starts a fresh count under the new limit.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #limiters = new Map<string, RateLimiterMemory>();

  async consume(key: string, limit: RateLimit): Promise<RateDecision> {
    const limiter = this.#limiter(limit);
    try {
      const result = await limiter.consume(key);
      return { allowed: true, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
    } catch (refusal) {
      // The memory store rejects only with the counter's state; anything else is a bug.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, remaining: 0, resetMs: Math.max(1, refusal.msBeforeNext) };
    }
  }

  #limiter(limit: RateLimit): RateLimiterMemory {
    const id = `${limit.points}/${limit.durationSeconds}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points: limit.points, duration: limit.durationSeconds });
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}
