import { Agent, request } from 'node:http';
import { percentiles } from './stats.js';

export interface ForgedSpec {
  url: string;
  appId: string;
  /** Requests of each size, one after another. */
  count: number;
  /** The largest signed body the server accepts (`SIGNED_BODY_MAX_BYTES`). */
  maxBytes: number;
}

export interface ForgedResult {
  small: { p50: number; p99: number };
  large: { p50: number; p99: number };
}

/**
 * What a forged request costs the server: anyone knows an app's `app_id`, so a signed request of
 * the largest accepted body with a bogus `sign` is the most expensive thing an anonymous client
 * can ask for (its string to sign is built and hashed before it is refused). Measured beside a
 * forged request of 1 KiB, one request at a time.
 */
export async function runForged(spec: ForgedSpec): Promise<ForgedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(`${spec.url}/user/getToken`);
  const forged = (bytes: number) =>
    JSON.stringify({
      app_id: spec.appId,
      time_stamp: String(Math.floor(Date.now() / 1000)),
      nonce_str: 'forged',
      sign: '0'.repeat(32),
      userId: 'mallory',
      // CJK text: 3 bytes per character in the body, 9 characters each once URL-encoded for signing.
      name: '汉'.repeat(Math.floor((bytes - 300) / 3)),
    });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 401 ? resolve() : reject(new Error(`a forged request was answered ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const timed = async (body: string) => {
    const samples: number[] = [];
    for (let i = 0; i < spec.count; i++) {
      const started = performance.now();
      await post(body);
      samples.push(performance.now() - started);
    }
    const { p50, p99 } = percentiles(samples);
    return { p50, p99 };
  };
  try {
    const small = forged(1024);
    const large = forged(spec.maxBytes);
    await timed(small);
    return { small: await timed(small), large: await timed(large) };
  } finally {
    agent.destroy();
  }
}
