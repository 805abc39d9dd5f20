import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@parley/sdk/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDevice } from './support/devices.js';
import { CuttableLink } from './support/cuttable-link.js';
import { scrapeMetrics, seriesValue } from './support/metrics-scrape.js';
import { serviceUrl } from './support/services.js';
import { signParams } from './support/signed-request.js';
import { startTestWorld, type TestWorld } from './support/test-server.js';
import { openMongoStore } from '../src/store/mongo/mongo-store.js';

/**
 * MongoDB out of reach: requests fail with UNAVAILABLE (retryable, with retryAfterMs) instead of
 * INTERNAL, on both transports, and nothing is acknowledged as stored. Runs when MONGODB_URL is set.
 */

const url = serviceUrl('MONGODB_URL');
const METRICS_TOKEN = 'scrape-token-0123456789';
const STORE_FAILURES = 'parley_dependency_failures_total{dependency="store"}';
let link: CuttableLink;
let world: TestWorld;

beforeAll(async () => {
  if (!url) return;
  link = new CuttableLink(new URL(url));
  await link.up();
  const database = new URL(link.url);
  database.pathname = `/parley_outage_${randomBytes(4).toString('hex')}`;
  // Short waits for a server, so the test sees the outage in well under a second.
  const store = await openMongoStore(database.toString(), { client: { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 } });
  world = await startTestWorld(['alice', 'bob'], { METRICS_TOKEN }, { store });
});
afterAll(async () => {
  await world?.close();
  await link?.down();
});

it.runIf(url)('answers UNAVAILABLE with retryAfterMs over REST and on the socket while the database is unreachable, and counts each answer', async () => {
  const alice = await connectDevice(world.t, world.app.appId, world.tokens.alice!);
  try {
    const failuresBefore = seriesValue(await scrapeMetrics(world.t.url, METRICS_TOKEN), STORE_FAILURES);
    await link.down();
    const params = signParams(
      { senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'over REST' } },
      { appId: world.app.appId, secret: world.app.appSecret, now: world.t.clock.now() },
    );
    const rest = await fetch(`${world.t.url}/private/send/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    expect(rest.status).toBe(503);
    expect(await rest.json()).toMatchObject({ status: 0, code: ErrorCode.UNAVAILABLE, retryAfterMs: 1000 });
    expect(rest.headers.get('retry-after')).toBe('1');

    const ack = await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'over the socket' } });
    expect(ack).toMatchObject({ status: 0, code: ErrorCode.UNAVAILABLE, retryAfterMs: 1000 });

    const exposition = await scrapeMetrics(world.t.url, METRICS_TOKEN);
    expect(seriesValue(exposition, STORE_FAILURES)).toBe(failuresBefore + 2);
    expect(seriesValue(exposition, 'parley_dependency_failures_total{dependency="bus"}')).toBe(0);
  } finally {
    alice.close();
  }
});

it.runIf(url)('serves again once the database is back, to a client that retries after retryAfterMs', async () => {
  await link.down();
  await link.up();
  const alice = await connectDevice(world.t, world.app.appId, world.tokens.alice!);
  try {
    // As a client following the contract: an UNAVAILABLE ack is retried after its retryAfterMs.
    let ack = await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'back' }, clientMsgId: 'back-1' });
    for (let attempt = 0; attempt < 5 && ack.status === 0 && ack.code === ErrorCode.UNAVAILABLE; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, ack.status === 0 ? (ack.retryAfterMs ?? 1000) : 0));
      ack = await alice.request('send-private-message', { targetId: 'bob', messageType: 1, content: { content: 'back' }, clientMsgId: 'back-1' });
    }
    expect(ack).toMatchObject({ status: 1, data: { clientMsgId: 'back-1', seq: 1 } });
  } finally {
    alice.close();
  }
});
