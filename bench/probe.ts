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
 * The server runs on one core and the load generator (bench/load/worker.ts) on another, as in the
 * bench. Prints each step as JSON. A CPU profile (`.cpuprofile`) opens in Chrome's DevTools.
 */
import { parseArgs } from 'node:util';
import { parleyApp, runJob } from './jobs.js';
import type { ChatEndpoint, Peer } from './load/endpoints.js';
import type { Job } from './load/worker.js';
import { placement, startBaseline, startParley, stopAllChildren, withTemporaryDirectory, type ServerProcess, type StartOptions } from './processes.js';

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
const look: StartOptions = {
  nodeFlags: options['node-flags'].split(' ').filter(Boolean),
  ...(options['server-log'] ? { stdoutFile: options['server-log'] } : {}),
};

try {
  if (options.target !== 'parley') {
    const server = await startBaseline(options.target === 'koa' ? 'koa-hmac' : 'relay', where.serverCpu, look);
    const peers = Array.from({ length: PAIRS * 2 }, (_, i) => ({ userId: `u${i}` }));
    await probe(server, { kind: 'relay', url: server.url }, peers);
  } else if (options.store === 'sqlite') {
    await withTemporaryDirectory('parley-probe-', async (dataDir) => {
      const server = await startParley(where.serverCpu, { STORE: 'sqlite', DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'normal' }, look);
      const { endpoint, peers, appSecret } = await parleyApp(server, PAIRS * 2);
      await probe(server, endpoint, peers, appSecret);
    });
  } else {
    const server = await startParley(where.serverCpu, { STORE: 'memory' }, look);
    const { endpoint, peers, appSecret } = await parleyApp(server, PAIRS * 2);
    await probe(server, endpoint, peers, appSecret);
  }
} finally {
  stopAllChildren();
}

/** Runs the scenario, prints its result, and stops the server (SIGTERM: a CPU profile is written on the way out). */
async function probe(server: ServerProcess, endpoint: ChatEndpoint, peers: Peer[], appSecret?: string): Promise<void> {
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ senderUserId: peers[i]!.userId, targetId: peers[i + PAIRS]!.userId }));
  const job: Job =
    options.scenario === 'rest'
      ? { scenario: 'rest', spec: { kind: endpoint.kind === 'parley' ? 'parley' : 'koa-hmac', url: server.url, ...(endpoint.appId && appSecret ? { appId: endpoint.appId, appSecret } : {}), pairs, concurrency: 32, durationMs: 5_000 } }
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
  console.log(JSON.stringify(await runJob(job, where), null, 2));
  await server.stop();
}
