/**
 * `npm run bench`: numbers for the HTTP API and the realtime gateway on this machine.
 *
 * Builds and starts the production server (`node server/dist/main.js`, memory store) as a child
 * process on 127.0.0.1, drives it from this process with `ParleyServerApi` over keep-alive
 * connections, and prints latency percentiles, throughput and the server's memory per stored
 * message. Bounded: a few seconds per scenario.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParleyServerApi } from '@parley/sdk/server';
import { latency, summary, throughput } from './bench-stats.js';
import { benchRealtime } from './bench-realtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', 'build', '--workspace', '@parley/server'], { cwd: root, stdio: 'ignore' });
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    // Default settings, request log included: the numbers are what a deployment would see. The
    // rate limits are raised so that they measure the server, not the limiter.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PASSWORD_SCRYPT_COST: '16384',
      API_REQUESTS_PER_SECOND: '100000',
      USER_SENDS_PER_SECOND: '10000',
      USER_SIGNALS_PER_SECOND: '10000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const listen = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      // From here on the request log is only drained, not kept.
      child.stdout!.off('data', listen);
      child.stdout!.resume();
      resolve(match[1]!);
    };
    child.stdout!.on('data', listen);
    child.once('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as { data: Record<string, string> }).data;
    };
    const { token } = await post('/console/signup', { email: 'bench@example.com', password: 'benchmark passphrase' });
    const app = await post('/app/create', { appName: 'bench', description: '' }, token);
    const api = new ParleyServerApi({ baseUrl: url, appId: app.appId!, appSecret: app.appSecret!, maxRetries: 0 });

    const users = Array.from({ length: 500 }, (_, i) => `u${i}`);
    for (const userId of users) await api.getToken({ userId, name: userId });
    await api.createGroup({ groupId: 'big', userIds: users, name: 'Big group' });
    const text = (senderUserId: string, targetId: string, i: number) => ({
      senderUserId,
      targetId,
      messageType: 1 as const,
      content: { content: `message ${i} with a little text in it` },
    });

    console.log(`Parley HTTP API benchmark · node ${process.version} · ${url}`);
    console.log('');

    const privateLatency = await latency(2000, (i) => api.sendPrivateMessage(text('u0', 'u1', i)));
    console.log(`private send, 1 client, 2000 sequential      ${summary(privateLatency)}`);

    const privateRate = await throughput(20_000, 64, (i) => api.sendPrivateMessage(text(users[i % 100]!, users[100 + (i % 100)]!, i)));
    console.log(`private send, 64 in flight, 20000 messages    ${privateRate.toFixed(0)} messages/s`);

    const groupRate = await throughput(10_000, 64, (i) => api.sendGroupMessage(text(users[i % 500]!, 'big', i)));
    console.log(`group send (500 members), 64 in flight        ${groupRate.toFixed(0)} messages/s (stored once each)`);

    for (let i = 1; i < 200; i++) await api.sendPrivateMessage(text(users[i]!, 'u0', i));
    const sessions = await latency(500, () => api.getUserSessions({ userId: 'u0' }));
    console.log(`session list of a user with 200 sessions      ${summary(sessions)}`);

    const history = await latency(1000, () => api.getSessionMessages({ userId: 'u1', targetId: 'big', conversationType: 2, limit: 20 }));
    console.log(`history page (20) of a 10000-message group    ${summary(history)}`);

    const before = rssBytes(child.pid!);
    await throughput(20_000, 64, (i) => api.sendPrivateMessage(text(users[200 + (i % 100)]!, users[300 + (i % 100)]!, i)));
    const after = rssBytes(child.pid!);
    console.log(`server memory per stored text message         ~${Math.round((after - before) / 20_000)} bytes (RSS growth over 20000 sends)`);

    await benchForgedRequests(url, app.appId!);

    await benchRealtime(url, app.appId!, api);
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * What a forged request costs the server: anyone knows an app's `app_id`, so a request of the
 * largest signed body (`SIGNED_BODY_MAX_BYTES`, 256 KiB by default) with a bogus `sign` is the
 * most expensive thing an anonymous client can ask for. Reported beside a small forged request.
 */
async function benchForgedRequests(url: string, appId: string): Promise<void> {
  const forged = (bytes: number) =>
    JSON.stringify({
      app_id: appId,
      time_stamp: String(Math.floor(Date.now() / 1000)),
      nonce_str: 'forged',
      sign: '0'.repeat(32),
      userId: 'mallory',
      // CJK text: 3 bytes per character in the body, 9 characters each once URL-encoded for signing.
      name: '汉'.repeat(Math.floor((bytes - 300) / 3)),
    });
  const send = (body: string) =>
    fetch(`${url}/user/getToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (res) => {
      await res.arrayBuffer();
      if (res.status !== 401) throw new Error(`forged request answered ${res.status}`);
    });
  const small = forged(1024);
  const large = forged(256 * 1024);
  const smallLatency = await latency(300, () => send(small));
  const largeLatency = await latency(300, () => send(large));
  const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  console.log(`forged signed request, 1 KiB, refused         ${summary(smallLatency)}`);
  console.log(
    `forged signed request, 256 KiB (max), refused ${summary(largeLatency)} (${(median(largeLatency) / median(smallLatency)).toFixed(1)}x the 1 KiB one)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
