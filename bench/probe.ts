/**
 * `npm run bench:probe -- [options]`: one scenario at one rate against one server, to look inside
 * the server while it works (the full `npm run bench` says how fast; this says why).
 *
 *   --scenario chat|rest   1:1 chat at a fixed offered rate (default), or the signed REST send
 *   --target parley|relay|koa   the server under test, or a baseline (relay for chat, koa for rest)
 *   --store memory|sqlite  Parley's store (default memory; SQLite in a fresh temporary directory)
 *   --rate N --steps N     chat: N messages/s, in N measured steps of 5 s (default 2000, 3)
 *   --node-flags="..."     flags for the server's node (note the =), e.g. "--cpu-prof --cpu-prof-dir=prof",
 *                          "--trace-gc", "--log-maps --logfile=v8.log --no-logfile-per-isolate"
 *   --server-log FILE      where the server's stdout goes (its log, `--trace-gc` lines)
 *
 * The server runs on core 0 and the load generator (bench/load/worker.ts) on core 1, as in the
 * bench. Prints each step as JSON. A CPU profile (`.cpuprofile`) opens in Chrome's DevTools.
 */
import { fork, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ParleyServerApi } from '@parley/sdk/server';
import { signUpWithApp } from '../test/e2e/support/processes.js';
import type { ChatEndpoint, Peer } from './load/endpoints.js';
import { pool } from './load/stats.js';
import type { Job } from './load/worker.js';
import { pin, placement, root, UNLIMITED } from './processes.js';

const { values: options } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'chat' },
    target: { type: 'string', default: 'parley' },
    store: { type: 'string', default: 'memory' },
    rate: { type: 'string', default: '2000' },
    steps: { type: 'string', default: '3' },
    'node-flags': { type: 'string', default: '' },
    'server-log': { type: 'string', default: '' },
  },
});
const PAIRS = 100;
const where = placement();

const dataDir = options.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'parley-probe-')) : null;
const serverArgs = [
  ...options['node-flags'].split(' ').filter(Boolean),
  ...(options.target === 'parley' ? ['server/dist/main.js'] : ['--import', 'tsx', `bench/baselines/${options.target === 'koa' ? 'koa-hmac' : 'relay'}.ts`]),
];
const [command, argv] = where.serverCpu === null ? [process.execPath, serverArgs] : ['taskset', ['-c', String(where.serverCpu), process.execPath, ...serverArgs]];
const store = dataDir === null ? { STORE: 'memory' } : { STORE: 'sqlite', DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'normal' };
const server = spawn(command, argv, { cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...UNLIMITED, ...store }, stdio: ['ignore', 'pipe', 'inherit'] });
if (options['server-log']) server.stdout.pipe(createWriteStream(options['server-log']));
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  server.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]!);
  });
});

try {
  const { endpoint, peers, appSecret } = await usersOn(url);
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ senderUserId: peers[i]!.userId, targetId: peers[i + PAIRS]!.userId }));
  const job: Job =
    options.scenario === 'rest'
      ? { scenario: 'rest', spec: { kind: options.target === 'parley' ? 'parley' : 'koa-hmac', url, ...(endpoint.appId ? { appId: endpoint.appId, appSecret } : {}), pairs, concurrency: 32, durationMs: 5_000 } }
      : {
          scenario: 'chat',
          spec: {
            endpoint,
            senders: peers.slice(0, PAIRS),
            receivers: peers.slice(PAIRS),
            rates: Array<number>(Number(options.steps)).fill(Number(options.rate)),
            stepMs: 5_000,
            drainMs: 2_000,
            warmUpMs: 5_000,
            leadInMs: 1_000,
            // Every step is measured, however slow: the probe is for looking, not for judging
            // (finite: the spec crosses IPC as JSON, where Infinity would become null).
            p99BudgetMs: 1e9,
          },
        };
  console.log(JSON.stringify(await runJob(job), null, 2));
} finally {
  // SIGINT lets the server write its CPU profile on the way out.
  await new Promise((resolve) => {
    server.once('exit', resolve);
    server.kill('SIGINT');
  });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** Users and tokens on Parley (or plain names on a baseline). */
async function usersOn(target: string): Promise<{ endpoint: ChatEndpoint; peers: Peer[]; appSecret?: string }> {
  const names = Array.from({ length: PAIRS * 2 }, (_, i) => `u${i}`);
  if (options.target !== 'parley') return { endpoint: { kind: 'relay', url: target }, peers: names.map((userId) => ({ userId })) };
  const { appId, appSecret } = await signUpWithApp(target, 'probe');
  const api = new ParleyServerApi({ baseUrl: target, appId, appSecret, maxRetries: 0 });
  const peers: Peer[] = new Array(names.length);
  await pool(names.length, 16, async (i) => {
    peers[i] = { userId: names[i]!, token: (await api.getToken({ userId: names[i]!, name: names[i]! })).token };
  });
  return { endpoint: { kind: 'parley', url: target, appId }, peers, appSecret };
}

function runJob(job: Job): Promise<unknown> {
  const child = fork(`${root}bench/load/worker.ts`, [], { execArgv: ['--import', 'tsx', '--conditions=@parley/source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pin(child.pid!, where.loadCpu);
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { ok: boolean; result?: unknown; error?: string }) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error))));
    child.send(job);
  });
}
