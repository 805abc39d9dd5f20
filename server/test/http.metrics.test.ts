import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWorld, text } from './support/devices.js';
import { call, changeAppSettings } from './support/test-server.js';

/** `/metrics` as a Prometheus scraper sees it. */

const TOKEN = 'scrape-token-0123456789';
let world: GatewayWorld;
beforeAll(async () => {
  world = await GatewayWorld.start(['ann', 'ben'], { METRICS_TOKEN: TOKEN });
});
afterAll(() => world.close());

const scrape = async () => {
  const res = await fetch(`${world.t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

/** The value of one series, e.g. `parley_connected_sockets` or `parley_pushes_total{event="new-message"}`. */
function value(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('is refused without the token, and not served at all when no token is configured', async () => {
    expect((await call(`${world.t.url}/metrics`)).body).toMatchObject({ status: 0, code: 'TOKEN_INVALID' });
    expect((await call(`${world.t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const plain = await GatewayWorld.start([]);
    try {
      expect((await call(`${plain.t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts connected sockets, stored messages, pushes, deliveries and acks', async () => {
    const before = await scrape();
    const ann = await world.device('ann');
    const ben = await world.device('ben');
    await ann.ok('send-private-message', { targetId: 'ben', ...text('hello') });
    await ben.next('new-message');
    const after = await scrape();

    expect(value(after, 'parley_connected_sockets')).toBe(value(before, 'parley_connected_sockets') + 2);
    expect(value(after, 'parley_messages_stored_total{conversation_type="private"}')).toBe(
      value(before, 'parley_messages_stored_total{conversation_type="private"}') + 1,
    );
    expect(value(after, 'parley_pushes_total{event="new-message"}')).toBe(value(before, 'parley_pushes_total{event="new-message"}') + 1);
    // The ack to ann and the push to ben, at least (ready events too).
    expect(value(after, 'parley_socket_packets_sent_total')).toBeGreaterThanOrEqual(value(before, 'parley_socket_packets_sent_total') + 2);
    expect(value(after, 'parley_socket_ack_duration_seconds_count{request="send-private-message",outcome="ok"}')).toBe(
      value(before, 'parley_socket_ack_duration_seconds_count{request="send-private-message",outcome="ok"}') + 1,
    );
    world.closeDevices();
  });

  it('labels HTTP requests by route template, never by the ids in the path', async () => {
    await call(`${world.t.url}/console/apps/${world.app.appId}`, { headers: world.app.tenant.auth });
    const exposition = await scrape();
    expect(exposition).toContain('parley_http_request_duration_seconds_count{method="GET",route="/console/apps/:appId",status="200"}');
    expect(exposition).not.toContain(world.app.appId);
  });

  it('counts rate-limit refusals by limit', async () => {
    await changeAppSettings(world.t, world.app, { userSignalsPerSecond: 1 });
    const ann = await world.device('ann');
    const before = value(await scrape(), 'parley_rate_limit_refusals_total{limit="signal"}');
    const answers = await Promise.all([1, 2, 3].map(() => ann.request('presence-query', { userIds: ['ben'] })));
    const refused = answers.filter((answer) => answer.status === 0).length;
    expect(refused).toBeGreaterThan(0);
    expect(value(await scrape(), 'parley_rate_limit_refusals_total{limit="signal"}')).toBe(before + refused);
    await changeAppSettings(world.t, world.app, { userSignalsPerSecond: 1000 });
    world.closeDevices();
  });
});
