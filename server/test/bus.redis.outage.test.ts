import { ErrorCode } from '@parley/sdk/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openAdapters } from '../src/adapters.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { Metrics } from '../src/metrics/metrics.js';
import { CuttableLink } from './support/cuttable-link.js';
import { connectDevice } from './support/devices.js';
import { scrapeMetrics, seriesValue } from './support/metrics-scrape.js';
import { serviceUrl } from './support/services.js';
import { signParams } from './support/signed-request.js';
import { startTestWorld, type TestWorld } from './support/test-server.js';

/**
 * Redis out of reach, as `/metrics` tells it: both Redis clients that `openAdapters` opens count
 * their connection errors, rate limits decided by this process alone are counted, and a signed
 * request refused because its nonce cannot be checked counts as a bus failure. Runs when
 * REDIS_URL is set.
 */

const url = serviceUrl('REDIS_URL');
const METRICS_TOKEN = 'scrape-token-0123456789';
let link: CuttableLink;
let world: TestWorld;

beforeAll(async () => {
  if (!url) return;
  link = new CuttableLink(new URL(url));
  await link.up();
  const env = { REDIS_URL: link.url, METRICS_TOKEN, STORE: 'memory' };
  // As main.ts wires it: one Metrics for the adapters and the server.
  const metrics = new Metrics({ processMetrics: false });
  const adapters = await openAdapters(loadConfig(env), systemClock, pino({ level: 'silent' }), metrics);
  world = await startTestWorld(['alice', 'bob'], env, { ...adapters, metrics });
});
afterAll(async () => {
  await world?.close();
  await link?.down();
  if (!url || !world) return;
  // The adapters use the production key prefix; only the keys naming this run's app or tenant are its own.
  const admin = new Redis(url);
  const keys = [...(await admin.keys(`parley:*${world.app.appId}*`)), ...(await admin.keys(`parley:*${world.app.tenant.email}*`))];
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

it.runIf(url)('counts connection errors of both Redis clients, rate limits decided alone and requests refused for the bus', async () => {
  const alice = await connectDevice(world.t, world.app.appId, world.tokens.alice!);
  const scrape = () => scrapeMetrics(world.t.url, METRICS_TOKEN);
  try {
    const before = await scrape();
    expect(seriesValue(before, 'parley_bus_connection_errors_total{client="bus"}')).toBe(0);
    expect(seriesValue(before, 'parley_bus_connection_errors_total{client="socket_adapter"}')).toBe(0);
    expect(seriesValue(before, 'parley_rate_limit_fallbacks_total')).toBe(0);
    await link.down();

    const params = signParams(
      { senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'over REST' } },
      { appId: world.app.appId, secret: world.app.appSecret, now: world.t.clock.now() },
    );
    const rest = await fetch(`${world.t.url}/private/send/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    expect(await rest.json()).toMatchObject({ status: 0, code: ErrorCode.UNAVAILABLE });

    // Its send limit is decided here, from this process's own count.
    await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'over the socket' } });

    const after = await scrape();
    expect(seriesValue(after, 'parley_dependency_failures_total{dependency="bus"}')).toBe(1);
    expect(seriesValue(after, 'parley_dependency_failures_total{dependency="store"}')).toBe(0);
    expect(seriesValue(after, 'parley_rate_limit_fallbacks_total')).toBeGreaterThan(0);
    // The nonce check gave up after failed reconnects, each one reported.
    expect(seriesValue(after, 'parley_bus_connection_errors_total{client="bus"}')).toBeGreaterThan(0);
    // The adapter's client reconnects on its own schedule, unrelated to any request.
    await vi.waitFor(async () => expect(seriesValue(await scrape(), 'parley_bus_connection_errors_total{client="socket_adapter"}')).toBeGreaterThan(0), {
      timeout: 5_000,
      interval: 50,
    });
  } finally {
    alice.close();
  }
});
