import { Platform } from '@parley/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus } from '../src/bus/ports.js';

/** Real time plus an offset the test moves forward, so both real TTLs and the clock can pass. */
export class ContractClock {
  #offset = 0;
  now(): number {
    return Date.now() + this.#offset;
  }
  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** One adapter's world: a server process's bus, its clock, and (when shared) more processes. */
export interface BusWorld {
  /** The bus of one server process. */
  readonly bus: Bus;
  /** The clock every process of this world reads. */
  readonly clock: ContractClock;
  /** How long a device stays registered once its process stops refreshing it. */
  readonly presenceTtlMs: number;
  /** Lets `ms` pass: the clock moves, and every process still open does its periodic work meanwhile. */
  advance(ms: number): Promise<void>;
  /** Opens another server process on the same shared state (only for adapters of `processes: 'many'`). */
  openProcess(): Promise<Bus>;
  /** Closes every process and removes what the world stored. */
  close(): Promise<void>;
}

export interface BusContractOptions {
  /** `one`: state lives in one process (memory); `many`: shared by every process (Redis). */
  processes: 'one' | 'many';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The conformance suite of the bus ports (nonces, presence, rate limits). Every adapter runs it;
 * what it checks is what the domain relies on and what `bus/ports.ts` documents, so an adapter
 * that passes can replace another without the domain noticing. The cross-process cases run only
 * for adapters whose state is shared; for the memory adapter a dead process takes its state along.
 */
export function busContract(name: string, open: () => Promise<BusWorld>, options: BusContractOptions): void {
  const shared = options.processes === 'many';
  /** A cross-process case's title; for a one-process adapter, why it is skipped. */
  const crossProcess = (title: string) => (shared ? title : `${title} (skipped: one process only, its state dies with it)`);

  describe(`${name} bus contract`, () => {
    let world: BusWorld;
    let bus: Bus;
    beforeEach(async () => {
      world = await open();
      bus = world.bus;
    });
    afterEach(async () => {
      await world.close();
    });

    describe('nonces', () => {
      it('accepts a nonce once per app', async () => {
        expect(await bus.nonces.claim('app1', 'n1', 60_000)).toBe(true);
        expect(await bus.nonces.claim('app1', 'n1', 60_000)).toBe(false);
        expect(await bus.nonces.claim('app1', 'n2', 60_000)).toBe(true);
        expect(await bus.nonces.claim('app2', 'n1', 60_000)).toBe(true);
      });

      it('accepts a nonce again once its TTL has passed, and then only once', async () => {
        expect(await bus.nonces.claim('app1', 'n1', 100)).toBe(true);
        expect(await bus.nonces.claim('app1', 'n1', 100)).toBe(false);
        // The TTL may be counted on the process clock or by the shared store, in real time: let both pass.
        world.clock.advance(150);
        await sleep(150);
        expect(await bus.nonces.claim('app1', 'n1', 100)).toBe(true);
        expect(await bus.nonces.claim('app1', 'n1', 100)).toBe(false);
      });

      it('lets exactly one of many concurrent claims of a nonce win', async () => {
        const claims = await Promise.all(Array.from({ length: 20 }, () => bus.nonces.claim('app1', 'race', 60_000)));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('keeps nonces of any length and character apart, and apart from other apps', async () => {
        const nonces = ['~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./ 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR'.slice(0, 64), 'a'.repeat(65), 'a'.repeat(66), 'é'.repeat(300), 'b:c'];
        for (const nonce of nonces) expect(await bus.nonces.claim('app1', nonce, 60_000), nonce).toBe(true);
        for (const nonce of nonces) expect(await bus.nonces.claim('app1', nonce, 60_000), nonce).toBe(false);
        // An app id followed by a nonce never meets another split of the same characters.
        expect(await bus.nonces.claim('app1:b', 'c', 60_000)).toBe(true);
      });

      it.skipIf(!shared)(crossProcess('refuses on one process a nonce claimed on another, and lets one of racing processes win'), async () => {
        const other = await world.openProcess();
        expect(await bus.nonces.claim('app1', 'n1', 60_000)).toBe(true);
        expect(await other.nonces.claim('app1', 'n1', 60_000)).toBe(false);
        const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? bus : other).nonces.claim('app1', 'race', 60_000)));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('presence', () => {
      const offline = (userId: string, lastSeenAt: number | null = null) => ({ userId, online: false, platforms: [], lastSeenAt });
      const online = (userId: string, ...platforms: Platform[]) => ({ userId, online: true, platforms, lastSeenAt: null });

      it('reads a user never seen as offline, never seen', async () => {
        expect(await bus.presence.query('app1', ['nobody'])).toEqual([offline('nobody')]);
        expect(await bus.presence.query('app1', [])).toEqual([]);
      });

      it('says "came online" for the first device and "went offline" for the last', async () => {
        expect(await bus.presence.connect('app1', 'bob', 'c1', Platform.IOS)).toBe(true);
        expect(await bus.presence.connect('app1', 'bob', 'c2', Platform.WEB)).toBe(false);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.IOS, Platform.WEB)]);

        expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(false);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.WEB)]);

        const before = world.clock.now();
        expect(await bus.presence.disconnect('app1', 'bob', 'c2')).toBe(true);
        const after = world.clock.now();
        const [state] = await bus.presence.query('app1', ['bob']);
        expect(state).toEqual(offline('bob', expect.any(Number) as unknown as number));
        expect(state!.lastSeenAt).toBeGreaterThanOrEqual(before);
        expect(state!.lastSeenAt).toBeLessThanOrEqual(after);
      });

      it('lists each platform once, in the order its first live device connected', async () => {
        await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB);
        await bus.presence.connect('app1', 'bob', 'c2', Platform.ANDROID);
        await bus.presence.connect('app1', 'bob', 'c3', Platform.WEB);
        await bus.presence.connect('app1', 'bob', 'c4', Platform.DESKTOP);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.WEB, Platform.ANDROID, Platform.DESKTOP)]);
        await bus.presence.disconnect('app1', 'bob', 'c1');
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.ANDROID, Platform.WEB, Platform.DESKTOP)]);
      });

      it('counts a connection registered twice once, with its latest platform', async () => {
        expect(await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB)).toBe(true);
        expect(await bus.presence.connect('app1', 'bob', 'c1', Platform.DESKTOP)).toBe(false);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.DESKTOP)]);
        expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(true);
        expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(false);
      });

      it('ignores the disconnect of a device it does not know', async () => {
        expect(await bus.presence.disconnect('app1', 'bob', 'nope')).toBe(false);
        await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB);
        expect(await bus.presence.disconnect('app1', 'bob', 'nope')).toBe(false);
        expect(await bus.presence.disconnect('app1', 'carol', 'c1')).toBe(false);
        expect(await bus.presence.query('app1', ['bob', 'carol'])).toEqual([online('bob', Platform.WEB), offline('carol')]);
      });

      it('answers in the order asked, repeated ids included, and clears lastSeenAt while online again', async () => {
        await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB);
        await bus.presence.connect('app1', 'carol', 'c2', Platform.IOS);
        await bus.presence.disconnect('app1', 'carol', 'c2');
        const [carolGone] = await bus.presence.query('app1', ['carol']);
        expect(await bus.presence.query('app1', ['carol', 'nobody', 'bob', 'carol'])).toEqual([carolGone, offline('nobody'), online('bob', Platform.WEB), carolGone]);

        expect(await bus.presence.connect('app1', 'carol', 'c3', Platform.ANDROID)).toBe(true);
        expect(await bus.presence.query('app1', ['carol'])).toEqual([online('carol', Platform.ANDROID)]);
      });

      it('keeps two apps apart, even for the same user and connection ids', async () => {
        expect(await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB)).toBe(true);
        expect(await bus.presence.query('app2', ['bob'])).toEqual([offline('bob')]);
        expect(await bus.presence.connect('app2', 'bob', 'c1', Platform.IOS)).toBe(true);
        expect(await bus.presence.disconnect('app2', 'bob', 'c1')).toBe(true);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.WEB)]);
        expect((await bus.presence.query('app2', ['bob']))[0]!.lastSeenAt).toEqual(expect.any(Number));
      });

      it('says "came online" and "went offline" once among concurrent connects and disconnects', async () => {
        const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
        const connected = await Promise.all(ids.map((id) => bus.presence.connect('app1', 'bob', id, Platform.WEB)));
        expect(connected.filter(Boolean)).toHaveLength(1);
        const disconnected = await Promise.all(ids.map((id) => bus.presence.disconnect('app1', 'bob', id)));
        expect(disconnected.filter(Boolean)).toHaveLength(1);
      });

      it('keeps the devices of a running process online long past the TTL', async () => {
        await bus.presence.connect('app1', 'bob', 'c1', Platform.WEB);
        await world.advance(world.presenceTtlMs * 3);
        expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.WEB)]);
        expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(true);
      });

      describe.skipIf(!shared)(crossProcess('across processes'), () => {
        it('counts devices on every process: first and last device once among them', async () => {
          const other = await world.openProcess();
          expect(await bus.presence.connect('app1', 'bob', 'c1', Platform.IOS)).toBe(true);
          expect(await other.presence.connect('app1', 'bob', 'c2', Platform.WEB)).toBe(false);
          expect(await other.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.IOS, Platform.WEB)]);
          expect(await bus.presence.disconnect('app1', 'bob', 'c1')).toBe(false);
          expect(await other.presence.disconnect('app1', 'bob', 'c2')).toBe(true);
          expect((await bus.presence.query('app1', ['bob']))[0]!.online).toBe(false);
        });

        it('lets one of two racing processes say "came online", and one say "went offline"', async () => {
          const other = await world.openProcess();
          for (let round = 0; round < 10; round++) {
            const connected = await Promise.all([bus.presence.connect('app1', 'bob', 'a', Platform.WEB), other.presence.connect('app1', 'bob', 'b', Platform.IOS)]);
            expect(connected.filter(Boolean), `round ${round}`).toHaveLength(1);
            const disconnected = await Promise.all([bus.presence.disconnect('app1', 'bob', 'a'), other.presence.disconnect('app1', 'bob', 'b')]);
            expect(disconnected.filter(Boolean), `round ${round}`).toHaveLength(1);
          }
        });

        it('lets the devices of a process that died lapse after the TTL', async () => {
          const dying = await world.openProcess();
          const connectedAt = world.clock.now();
          await dying.presence.connect('app1', 'bob', 'c1', Platform.IOS);
          await dying.presence.connect('app1', 'carol', 'c2', Platform.IOS);
          await bus.presence.connect('app1', 'carol', 'c3', Platform.WEB);
          // The process ends without disconnecting anyone, as a crash would.
          await dying.close();

          await world.advance(world.presenceTtlMs / 2);
          expect(await bus.presence.query('app1', ['bob'])).toEqual([online('bob', Platform.IOS)]);

          await world.advance(world.presenceTtlMs);
          const [bob, carol] = await bus.presence.query('app1', ['bob', 'carol']);
          expect(bob).toEqual(offline('bob', expect.any(Number) as unknown as number));
          // Last seen when the device lapsed: after it connected, no later than its TTL after that.
          expect(bob!.lastSeenAt).toBeGreaterThanOrEqual(connectedAt + world.presenceTtlMs);
          expect(bob!.lastSeenAt).toBeLessThanOrEqual(world.clock.now());
          expect(carol).toEqual(online('carol', Platform.WEB));

          // The lapse announced nothing, so the next device is a coming online again.
          expect(await bus.presence.connect('app1', 'bob', 'c4', Platform.WEB)).toBe(true);
          expect(await bus.presence.disconnect('app1', 'carol', 'c3')).toBe(true);
        });
      });
    });

    describe('rate limits', () => {
      it('allows the points of a window, then refuses until it ends', async () => {
        const limit = { points: 3, durationSeconds: 60 };
        const decisions = [];
        for (let i = 0; i < 4; i++) decisions.push(await bus.rateLimits.consume('k', limit));
        expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
          [true, 2],
          [true, 1],
          [true, 0],
          [false, 0],
        ]);
        for (const decision of decisions) {
          expect(decision.resetMs).toBeGreaterThan(0);
          expect(decision.resetMs).toBeLessThanOrEqual(60_000);
        }
        expect((await bus.rateLimits.consume('k', limit)).allowed).toBe(false);
      });

      it('counts each key, and each limit of a key, on its own', async () => {
        const limit = { points: 1, durationSeconds: 60 };
        expect((await bus.rateLimits.consume('a', limit)).allowed).toBe(true);
        expect((await bus.rateLimits.consume('a', limit)).allowed).toBe(false);
        expect((await bus.rateLimits.consume('b', limit)).allowed).toBe(true);
        expect((await bus.rateLimits.consume('a', { points: 2, durationSeconds: 60 })).allowed).toBe(true);
        const long = 'k'.repeat(500);
        expect((await bus.rateLimits.consume(long, limit)).allowed).toBe(true);
        expect((await bus.rateLimits.consume(`${long}x`, limit)).allowed).toBe(true);
        expect((await bus.rateLimits.consume(long, limit)).allowed).toBe(false);
      });

      it('gives the points back when the window turns over', async () => {
        const limit = { points: 1, durationSeconds: 1 };
        expect((await bus.rateLimits.consume('k', limit)).allowed).toBe(true);
        const refused = await bus.rateLimits.consume('k', limit);
        expect(refused.allowed).toBe(false);
        expect(refused.resetMs).toBeGreaterThan(0);
        expect(refused.resetMs).toBeLessThanOrEqual(1000);
        await sleep(refused.resetMs + 50);
        expect(await bus.rateLimits.consume('k', limit)).toMatchObject({ allowed: true, remaining: 0 });
      });

      it('allows exactly the points among concurrent consumers', async () => {
        const limit = { points: 5, durationSeconds: 60 };
        const decisions = await Promise.all(Array.from({ length: 12 }, () => bus.rateLimits.consume('k', limit)));
        expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
      });

      it.skipIf(!shared)(crossProcess('counts across processes'), async () => {
        const other = await world.openProcess();
        const limit = { points: 4, durationSeconds: 60 };
        const decisions = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? bus : other).rateLimits.consume('k', limit)));
        expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
        expect((await other.rateLimits.consume('k', limit)).allowed).toBe(false);
        expect((await bus.rateLimits.consume('k', limit)).allowed).toBe(false);
      });
    });
  });
}
