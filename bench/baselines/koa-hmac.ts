/**
 * Baseline of the signed REST figure: a Koa route that reads a JSON body, checks an HMAC-SHA256
 * of it against the `x-signature` header and answers JSON. The least a signed API can do per
 * request, on the same framework Parley's HTTP API uses.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

export const BASELINE_SECRET = 'baseline-secret';

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const expected = createHmac('sha256', BASELINE_SECRET).update(body).digest();
  const given = Buffer.from(String(ctx.get('x-signature')), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    ctx.status = 401;
    ctx.body = { status: 0, code: 'SIGNATURE_INVALID' };
    return;
  }
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  ctx.body = { status: 1, data: { received: parsed['targetId'] ?? null, at: Date.now() } };
});
const http = createServer(app.callback());
http.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
