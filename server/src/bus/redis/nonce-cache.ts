import type { Redis } from 'ioredis';
import type { NonceCache } from '../ports.js';
import { asBusFailure } from './errors.js';
import type { RedisKeys } from './keys.js';

/**
 * Nonces shared by every process: one `SET <key> 1 PX <ttl> NX` per claim, so the claim and its
 * expiry are a single atomic step and of two racing processes exactly one wins. The TTL is
 * counted by Redis, in real time (not by the injected clock).
 *
 * Fails closed: when Redis does not answer, `claim` rejects (`BusUnavailableError`, answered
 * `UNAVAILABLE`) and the request is refused, because a
 * replay cannot be ruled out. A claim that timed out on this side may still be applied once
 * Redis answers again, so a client retries with a fresh nonce (it has to sign anew anyway).
 */
export class RedisNonceCache implements NonceCache {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async claim(appId: string, nonce: string, ttlMs: number): Promise<boolean> {
    let reply: string | null;
    try {
      reply = await this.client.set(this.keys.nonce(appId, nonce), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    } catch (error) {
      throw asBusFailure('the nonce check', error);
    }
    return reply === 'OK';
  }
}
