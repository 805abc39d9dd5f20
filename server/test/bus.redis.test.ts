import { randomUUID } from 'node:crypto';
import { Platform } from '@parley/sdk/protocol';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BusUnavailableError } from '../src/bus/ports.js';
import { createRedisBus, type RedisBus, type RedisBusOptions } from '../src/bus/redis/redis-bus.js';
import { busContract, ContractClock, type BusWorld } from './bus.contract.js';
import { CuttableLink } from './support/cuttable-link.js';
import { serviceUrl } from './support/services.js';

/**
 * The Redis bus against a real Redis: the shared contract, then what only a shared store has
 * (key layout and TTLs, losing the data, losing the connection). Each test works under its own
 * key prefix and deletes its keys afterwards, so runs can share a Redis.
 */
const url = serviceUrl('REDIS_URL');
const PRESENCE_TTL_MS = 60_000;
const PRESENCE_REFRESH_MS = 20_000;

let admin: Redis;
beforeAll(() => {
  if (url) admin = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  await admin?.quit();
});

/** Deletes every key under `prefix`. */
async function flushPrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Buses of several "processes" on one Redis and one clock, under a fresh prefix. */
class RedisWorld implements BusWorld {
  readonly clock = new ContractClock();
  readonly presenceTtlMs = PRESENCE_TTL_MS;
  readonly prefix = `parley-test:${randomUUID()}:`;
  readonly #buses: RedisBus[] = [];
  bus!: RedisBus;

  static async open(options: RedisBusOptions = {}, target = url!): Promise<RedisWorld> {
    const world = new RedisWorld();
    world.bus = await world.openProcess(options, target);
    return world;
  }

  async openProcess(options: RedisBusOptions = {}, target = url!): Promise<RedisBus> {
    const bus = await createRedisBus(target, this.clock, {
      keyPrefix: this.prefix,
      presenceTtlMs: PRESENCE_TTL_MS,
      presenceRefreshMs: PRESENCE_REFRESH_MS,
      ...options,
    });
    this.#buses.push(bus);
    return bus;
  }

  /** Time passes in refresh-sized steps; each process still open refreshes its devices after each step, as its timer would. */
  async advance(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= PRESENCE_REFRESH_MS) {
      this.clock.advance(Math.min(left, PRESENCE_REFRESH_MS));
      // A closed bus's refresh does nothing: its devices are left to lapse.
      await Promise.all(this.#buses.map((bus) => bus.presence.refreshNow()));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#buses.map((bus) => bus.close()));
    await flushPrefix(this.prefix);
  }
}


describe.skipIf(!url)(url ? 'redis bus' : 'redis bus (skipped: set REDIS_URL, e.g. redis://127.0.0.1:6379, to run it against a real Redis)', () => {
  busContract('redis', () => RedisWorld.open(), { processes: 'many' });

  describe('redis bus in Redis', () => {
    let world: RedisWorld;
    afterEach(async () => {
      await world.close();
    });

    it('keeps nonces, presence and rate limits under the documented keys and TTLs', async () => {
      world = await RedisWorld.open();
      const { bus, prefix } = world;

      await bus.nonces.claim('0123456789abcdef', 'n1', 600_000);
      const nonceTtl = await admin.pttl(`${prefix}nonce:0123456789abcdef:n1`);
      expect(nonceTtl).toBeGreaterThan(590_000);
      expect(nonceTtl).toBeLessThanOrEqual(600_000);
      // However long the nonce, the key stays short.
      await bus.nonces.claim('0123456789abcdef', 'x'.repeat(10_000), 600_000);
      const nonceKeys = await admin.keys(`${prefix}nonce:*`);
      expect(nonceKeys).toHaveLength(2);
      for (const key of nonceKeys) expect(key.length).toBeLessThanOrEqual(prefix.length + 'nonce:'.length + 16 + 1 + 65);

      await bus.presence.connect('0123456789abcdef', 'bob', 'c1', Platform.WEB);
      const devices = `${prefix}presence:0123456789abcdef:bob`;
      expect(Object.keys(await admin.hgetall(devices)).sort()).toEqual(['c:c1', 'n']);
      const devicesTtl = await admin.pttl(devices);
      expect(devicesTtl).toBeGreaterThan(PRESENCE_TTL_MS);
      expect(devicesTtl).toBeLessThanOrEqual(2 * PRESENCE_TTL_MS);
      await bus.presence.disconnect('0123456789abcdef', 'bob', 'c1');
      expect(await admin.exists(devices)).toBe(0);
      const seen = `${prefix}seen:0123456789abcdef:bob`;
      expect(Number(await admin.get(seen))).toEqual((await bus.presence.query('0123456789abcdef', ['bob']))[0]!.lastSeenAt);
      expect(await admin.pttl(seen)).toBe(-1);

      await bus.rateLimits.consume('api:0123456789abcdef', { points: 3, durationSeconds: 60 });
      const rateTtl = await admin.pttl(`${prefix}rl:3/60:api:0123456789abcdef`);
      expect(rateTtl).toBeGreaterThan(50_000);
      expect(rateTtl).toBeLessThanOrEqual(60_000);
    });

    it('registers live devices again after Redis loses its data', async () => {
      world = await RedisWorld.open();
      const { bus, prefix } = world;
      await bus.presence.connect('app1', 'bob', 'c1', Platform.IOS);
      await flushPrefix(prefix);
      expect((await bus.presence.query('app1', ['bob']))[0]!.online).toBe(false);

      await world.advance(PRESENCE_REFRESH_MS);
      expect(await bus.presence.query('app1', ['bob'])).toEqual([{ userId: 'bob', online: true, platforms: [Platform.IOS], lastSeenAt: null }]);
      expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(true);
    });

    it('refuses to start on a Redis it cannot reach, naming it without the password', async () => {
      const link = new CuttableLink(new URL(url!));
      await link.up();
      const unreachable = link.url.replace('//', '//:hunter2@');
      await link.down();
      world = new RedisWorld();
      const started = Date.now();
      const failure = await world.openProcess({ startTimeoutMs: 300 }, unreachable).catch((error: unknown) => error as Error);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+(\/\d*)? is unreachable: /);
      expect((failure as Error).message).not.toContain('hunter2');
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it(
      'while Redis is unreachable: nonces fail closed, presence rejects, rate limits count per process; all recover when it is back',
      async () => {
        const link = new CuttableLink(new URL(url!));
        await link.up();
        let fallbacks = 0;
        const errors: Error[] = [];
        world = await RedisWorld.open({ commandTimeoutMs: 500, onRateLimitFallback: () => fallbacks++, onError: (error) => errors.push(error) }, link.url);
        const { bus, prefix } = world;
        await bus.presence.connect('app1', 'bob', 'c1', Platform.IOS);

        await link.down();
        await vi.waitFor(() => expect(bus.ready).toBe(false));

        // Rate limits: answered at once, from this process's own count of the same limit.
        const limit = { points: 2, durationSeconds: 60 };
        const decisions = [];
        for (let i = 0; i < 3; i++) decisions.push((await bus.rateLimits.consume('k', limit)).allowed);
        expect(decisions).toEqual([true, true, false]);
        expect(fallbacks).toBe(3);

        // Nonces and presence: refused within the command timeout, never answered "new".
        const started = Date.now();
        // The port's sentinel, which the transports answer as UNAVAILABLE rather than INTERNAL.
        await expect(bus.nonces.claim('app1', 'n1', 60_000)).rejects.toBeInstanceOf(BusUnavailableError);
        await expect(bus.presence.query('app1', ['bob'])).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(3_000);
        expect(errors.length).toBeGreaterThan(0);

        // Redis comes back without its data (a restart without persistence).
        await flushPrefix(prefix);
        await link.up();
        await vi.waitFor(() => expect(bus.ready).toBe(true), { timeout: 8_000, interval: 50 });

        // The device is registered again on reconnect, without waiting for the timer.
        await vi.waitFor(async () => expect((await admin.hkeys(`${prefix}presence:app1:bob`)).sort()).toEqual(['c:c1', 'n']));
        expect(await bus.presence.query('app1', ['bob'])).toEqual([{ userId: 'bob', online: true, platforms: [Platform.IOS], lastSeenAt: null }]);
        expect(await bus.nonces.claim('app1', 'n2', 60_000)).toBe(true);
        expect(await bus.nonces.claim('app1', 'n2', 60_000)).toBe(false);
        const before = fallbacks;
        expect((await bus.rateLimits.consume('other', limit)).allowed).toBe(true);
        expect(fallbacks).toBe(before);

        await world.close();
        await link.down();
      },
      20_000,
    );
  });
});
