import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, RateLimit, RateLimiter } from '../ports.js';
import type { RedisKeys } from './keys.js';

/**
 * Fixed-window counters in Redis (`rate-limiter-flexible`'s `RateLimiterRedis`), so a limit counts
 * across every process. One limiter per distinct limit, each under its own key prefix
 * (`keys.ts`), as the memory adapter keeps one per limit: a tenant changing a setting starts a
 * fresh count under the new limit.
 *
 * Fails open to a per-process limit: while Redis is not connected (`rejectIfRedisNotReady`, so
 * no request waits for a reconnect) or a command fails, each limiter's `insuranceLimiter`, a
 * memory limiter with the same points and window, counts in this process instead. With N
 * processes a key may then get up to N times its points per window; refusing all traffic because
 * Redis is away would be worse. `onFallback` hears of every decision taken that way.
 *
 * Once a key is refused, this process refuses it from memory until the window ends
 * (`inMemoryBlockOnConsumed`), so a flood from one key does not reach Redis at all.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #limiters = new Map<string, RateLimiterRedis>();

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly onFallback: () => void,
  ) {}

  async consume(key: string, limit: RateLimit): Promise<RateDecision> {
    const limiter = this.#limiter(limit);
    try {
      const result = await limiter.consume(this.keys.rateLimitKey(key));
      return { allowed: true, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
    } catch (refusal) {
      // A refusal is the counter's state; anything else means both Redis and the memory fallback failed.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, remaining: 0, resetMs: Math.max(1, refusal.msBeforeNext) };
    }
  }

  #limiter(limit: RateLimit): RateLimiterRedis {
    const id = `${limit.points}/${limit.durationSeconds}`;
    let limiter = this.#limiters.get(id);
    if (!limiter) {
      const options = { points: limit.points, duration: limit.durationSeconds, keyPrefix: this.keys.rateLimitPrefix(limit) };
      limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.client,
        // ioredis, not the `redis` package.
        useRedisPackage: false,
        rejectIfRedisNotReady: true,
        inMemoryBlockOnConsumed: limit.points + 1,
        insuranceLimiter: new FallbackLimiter(options, this.onFallback),
      });
      this.#limiters.set(id, limiter);
    }
    return limiter;
  }
}

/** The per-process limiter used while Redis is away; tells `onUse` each time it decides. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: { points: number; duration: number; keyPrefix: string },
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.onUse();
    return super.consume(...args);
  }
}
