import { createHmac } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { ParleyServerApi } from '@parley/sdk/server';
import { percentiles } from './stats.js';

export interface RestSpec {
  kind: 'parley' | 'koa-hmac';
  url: string;
  /** Parley only. */
  appId?: string;
  appSecret?: string;
  /** Senders and targets of the sends: pairs of existing users (Parley). */
  pairs: { senderUserId: string; targetId: string }[];
  /** Requests in flight at once, each on its own keep-alive connection of fetch's pool. */
  concurrency: number;
  durationMs: number;
}

export interface RestResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** The secret of bench/baselines/koa-hmac.ts. */
const BASELINE_SECRET = 'baseline-secret';

/**
 * Closed loop: `concurrency` workers each send one request, wait for its answer and send the
 * next, for `durationMs` after a warm-up. Parley's requests are signed as a tenant backend signs them (MD5 over
 * the sorted fields, a fresh nonce each); the baseline's carry an HMAC-SHA256 of the body.
 */
export async function runRest(spec: RestSpec): Promise<RestResult> {
  const api = spec.kind === 'parley' ? new ParleyServerApi({ baseUrl: spec.url, appId: spec.appId!, appSecret: spec.appSecret!, maxRetries: 0 }) : null;
  // node:http with a keep-alive agent: fetch (undici in Node 20) costs the load side several
  // times more per request, and the load side must not be what limits the figure.
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const target = new URL(api ? `${spec.url}/private/send/message` : spec.url);
  const post = (i: number): Promise<{ status?: number }> => {
    const pair = spec.pairs[i % spec.pairs.length]!;
    const fields = { ...pair, messageType: 1, content: { content: `REST message ${i} with a little text` } };
    const body = JSON.stringify(api ? api.sign(fields) : fields);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (!api) headers['x-signature'] = createHmac('sha256', BASELINE_SECRET).update(body).digest('hex');
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as { status?: number }));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  let next = 0;
  const loop = async (durationMs: number, latencies: number[] | null) => {
    let failures = 0;
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < deadline) {
          const sentAt = performance.now();
          const envelope = await post(next++);
          latencies?.push(performance.now() - sentAt);
          if (envelope.status !== 1) failures++;
        }
      }),
    );
    return failures;
  };
  try {
    // Warm-up, not counted: connections opened, both sides' code optimised.
    await loop(Math.min(2_000, spec.durationMs), null);
    const latencies: number[] = [];
    const started = performance.now();
    const failures = await loop(spec.durationMs, latencies);
    const elapsed = (performance.now() - started) / 1000;
    const { p50, p99 } = percentiles(latencies);
    return { requestsPerSecond: latencies.length / elapsed, p50, p99, failures };
  } finally {
    agent.destroy();
  }
}
