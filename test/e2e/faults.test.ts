import { randomBytes } from 'node:crypto';
import { ErrorCode, type Message } from '@parley/sdk/protocol';
import { ParleyServerApi, toSignedFields } from '@parley/sdk/server';
import { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, nextEvent, text } from '../support/parley.js';
import { CuttableLink } from '../../server/test/support/cuttable-link.js';
import { scrapeMetrics, seriesValue } from '../../server/test/support/metrics-scrape.js';
import { serviceUrl } from '../../server/test/support/services.js';
import { signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';
import { hasRedisServer, RedisServer } from './support/redis-server.js';

/**
 * Two production processes while their services fail: a Redis of this file's own is killed and
 * started again (every key lost, every connection dropped), and MongoDB is cut off behind a relay.
 * Nothing acknowledged is lost, delivery resumes by itself, and the SDK's outbox resends what the
 * server refused with UNAVAILABLE. Runs when MONGODB_URL is set and redis-server is installed.
 */

const MONGODB_URL = serviceUrl('MONGODB_URL');
const run = Boolean(MONGODB_URL) && (hasRedisServer() || process.env.PARLEY_REQUIRE_SERVICES === '1');
const METRICS_TOKEN = 'faults-scrape-token-0123456789';

describe.runIf(run)('faults under two server processes', () => {
  let redis: RedisServer;
  let mongo: CuttableLink;
  let a: ProductionServer;
  let b: ProductionServer;
  let api: ParleyServerApi;
  let appId: string;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    const database = new URL(MONGODB_URL!);
    database.pathname = `/parley_faults_${randomBytes(4).toString('hex')}`;
    mongo = new CuttableLink(database);
    await mongo.up();
    // A server is chosen within 1 s or the request answers UNAVAILABLE (the default waits 5 s).
    const mongoUrl = new URL(mongo.url);
    mongoUrl.searchParams.set('serverSelectionTimeoutMS', '1000');
    const env = { MONGODB_URL: mongoUrl.toString(), REDIS_URL: redis.url, METRICS_TOKEN };
    [a, b] = await Promise.all([startProductionServer(20_000, env), startProductionServer(20_000, env)]);
    const app = await signUpWithApp(a.url, 'faults');
    appId = app.appId;
    api = new ParleyServerApi({ baseUrl: b.url, appId, appSecret: app.appSecret, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await mongo?.down();
  });

  const connect = async (userId: string, server: ProductionServer) => {
    const client = await clientOf(userId, server);
    await client.connect();
    return client;
  };

  /** A client of `userId` on `server` with its token minted now, not yet connected. */
  const clientOf = async (userId: string, server: ProductionServer) => {
    const { token } = await api.getToken({ userId, name: userId });
    const client = new ParleyClient({
      url: server.url,
      appId,
      token,
      socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200, transports: ['websocket'] },
    });
    clients.push(client);
    return client;
  };

  const ready = async (server: ProductionServer) => (await fetch(`${server.url}/readyz`)).status === 200;

  it('carries on after Redis restarts: every acknowledged message arrives once, presence and nonces work again', async () => {
    const ann = await connect('ann', a);
    const ben = await connect('ben', b);
    const received = collect(ben, 'new-message');
    const sent: Message[] = [await ann.sendPrivateMessage({ targetId: 'ben', ...text('before the restart') })];
    await eventually(() => received.length === 1, 10_000, 'the first message');

    const latecomer = await clientOf('eve', a);
    await redis.kill();
    // Sends are stored in MongoDB while Redis is away; the push to the other process may wait or be lost.
    for (let i = 0; i < 3; i++) sent.push(await ann.sendPrivateMessage({ targetId: 'ben', ...text(`while Redis is down ${i}`) }));
    expect(await ready(a)).toBe(false);
    // A device connecting now cannot be registered as online: it is told to come back, and does.
    const states = collect(latecomer, 'state');
    const latecomerConnected = latecomer.connect();
    await eventually(() => states.some(({ state }) => state === 'reconnecting'), 10_000, 'the latecomer told to come back');

    await redis.restart();
    await latecomerConnected;
    await eventually(async () => (await ready(a)) && (await ready(b)), 20_000, 'both processes ready again');
    sent.push(await ann.sendPrivateMessage({ targetId: 'ben', ...text('after the restart') }));

    // What a push missed, the client fetches by sync when the next message shows the gap.
    await eventually(() => received.length >= sent.length, 15_000, 'every message at ben');
    expect(received.map((message) => message.msgId)).toEqual(sent.map((message) => message.msgId));

    // Redis lost the presence keys; each process registers its live devices again.
    const [annSeenFromB] = await ben.presence(['ann']);
    expect(annSeenFromB).toMatchObject({ online: true });

    const query = toSignedFields(api.sign({ userId: 'ann' })).toString();
    expect((await fetch(`${a.url}/user/sessions?${query}`)).status).toBe(200);
    const replay = await fetch(`${b.url}/user/sessions?${query}`);
    expect(((await replay.json()) as { code: string }).code).toBe(ErrorCode.NONCE_REUSED);
  });

  it('applies a settings change and an app deletion made while Redis was away to devices on the other process', async () => {
    const other = await signUpWithApp(a.url, 'changed during the outage');
    const otherApi = new ParleyServerApi({ baseUrl: b.url, appId: other.appId, appSecret: other.appSecret, maxRetries: 0 });
    await otherApi.getToken({ userId: 'lee', name: 'lee' });
    const { token } = await otherApi.getToken({ userId: 'kim', name: 'kim' });
    const kim = new ParleyClient({ url: b.url, appId: other.appId, token, socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200, transports: ['websocket'] } });
    clients.push(kim);
    await kim.connect();
    const message = await kim.sendPrivateMessage({ targetId: 'lee', ...text('to be recalled') });
    const console = (method: string, body?: unknown) =>
      fetch(`${a.url}/console/apps/${other.appId}`, {
        method,
        headers: { authorization: `Bearer ${other.consoleToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const bothReady = () => eventually(async () => (await ready(a)) && (await ready(b)), 20_000, 'both processes ready again');

    // The change is stored, but its relay to process B has no Redis to travel through.
    await redis.kill();
    expect((await console('PATCH', { settings: { recallWindowSeconds: 0 } })).status).toBe(200);
    const rechecked = (server: ProductionServer) => server.output().split('connections checked again').length - 1;
    const rechecksBefore = rechecked(b);
    await redis.restart();
    await bothReady();
    await eventually(() => rechecked(b) > rechecksBefore, 15_000, 'process B to check its connections again');
    expect(await kim.recall(message.msgId).then(() => 'recalled', (error: { code: string }) => error.code)).toBe(ErrorCode.FORBIDDEN);

    const kicked = nextEvent(kim, 'kicked', 20_000);
    await redis.kill();
    expect((await console('DELETE')).status).toBe(200);
    await redis.restart();
    expect(await kicked).toMatchObject({ reason: 'APP_DELETED' });
  });

  it('keeps a send the database refused in the SDK outbox and stores it once when MongoDB is back', async () => {
    const cat = await connect('cat', a);
    const dan = await connect('dan', b);
    const received = collect(dan, 'new-message');
    const latecomer = await clientOf('fay', b);

    await mongo.down();
    const rest = await api.sendPrivateMessage({ senderUserId: 'dan', targetId: 'cat', ...text('over REST') }).then(
      () => 'stored',
      (error: { code: string }) => error.code,
    );
    expect(rest).toBe(ErrorCode.UNAVAILABLE);
    expect(await ready(b)).toBe(false);

    let settled = false;
    const pending = cat.sendPrivateMessage({ targetId: 'dan', ...text('sent while MongoDB is away') }).finally(() => (settled = true));
    // The outbox holds it through a refusal: the server has answered the send UNAVAILABLE, and the
    // promise is still pending.
    await eventually(async () => (await unavailableSends(a)) >= 1, 15_000, 'a send refused with UNAVAILABLE');
    expect(settled).toBe(false);

    // A device connecting now cannot have its token checked: it is told to come back after retryAfterMs.
    const latecomerConnected = latecomer.connect();

    await mongo.up();
    const message = await pending;
    await latecomerConnected;
    expect(latecomer.state).toBe('connected');
    await eventually(() => received.some((m) => m.msgId === message.msgId), 10_000, 'the resent message at dan');
    const session = (await dan.getSessions()).find((candidate) => candidate.targetId === 'cat');
    const history = await dan.getMessages(session!.sid);
    expect(history.filter((m) => m.clientMsgId === message.clientMsgId)).toHaveLength(1);
    expect(received.filter((m) => m.msgId === message.msgId)).toHaveLength(1);
  });
});

/** How many `send-private-message` requests the process has answered UNAVAILABLE, from its /metrics. */
async function unavailableSends(server: ProductionServer): Promise<number> {
  const exposition = await scrapeMetrics(server.url, METRICS_TOKEN);
  return seriesValue(exposition, `parley_socket_ack_duration_seconds_count{request="send-private-message",outcome="${ErrorCode.UNAVAILABLE}"}`);
}
