/**
 * `npm run bench [-- --quick]`: Parley beside the simplest thing that could do each job, measured
 * in one run so the ratios hold on any machine.
 *
 * The server under test and each baseline run as child processes pinned to one core; the load
 * generator runs in processes of its own pinned to another (bench/load/worker.ts), and this
 * orchestrator only starts things, mints tokens and writes results. Figures: stdout (a table),
 * `bench/results/<date>-<commit>.json`, and for a full run `docs/benchmarks.md` with its chart.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Limits } from '@parley/sdk/protocol';
import { ParleyServerApi } from '@parley/sdk/server';
import { renderLatencyChart } from './chart.js';
import { parleyApp, runJob } from './jobs.js';
import type { ChatEndpoint, Peer } from './load/endpoints.js';
import type { Job } from './load/worker.js';
import type { FanOutResult } from './load/fanout.js';
import type { ForgedResult } from './load/forged.js';
import type { IdleResult } from './load/idle.js';
import type { ReadsResult } from './load/reads.js';
import type { RestResult } from './load/rest.js';
import type { StormResult } from './load/storm.js';
import { pool } from './load/stats.js';
import {
  buildServer,
  freshDatabase,
  pin,
  placement,
  root,
  settle,
  startBaseline,
  startParley,
  stopAllChildren,
  withTemporaryDirectory,
  type Placement,
  type StoreEnv,
} from './processes.js';
import { formatMarkdown, formatTable, spliceGenerated } from './report.js';
import { sustains, type Backend, type BenchResults, type Measurement, type RateStep, type SteppedRun } from './results.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = args.quick;

/** Sizes and durations; `--quick` proves the harness in well under a minute. */
const SETTINGS = QUICK
  ? { pairs: 20, rates: [500, 1000], stepMs: 1_000, drainMs: 1_000, fanOutSizes: [100], fanOutMessages: 20, idle: [200], restMs: 1_000, restConcurrency: 8, sessions: 100, history: 200, reads: 50, readsFillMs: Infinity, stormDevices: 200, stormWhileAway: 2 }
  : {
      pairs: 100,
      rates: [1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000, 16_000, 24_000, 32_000],
      stepMs: 5_000,
      drainMs: 2_000,
      fanOutSizes: [100, 1_000],
      fanOutMessages: 200,
      idle: [1_000, 5_000],
      restMs: 5_000,
      restConcurrency: 32,
      sessions: 1_000,
      history: 2_000,
      reads: 500,
      /** How long the reads scenario may spend writing its sessions, and then its history. */
      readsFillMs: Infinity,
      stormDevices: 2_000,
      stormWhileAway: 3,
    };
const P99_BUDGET_MS = 50;

type Sizes = typeof SETTINGS;

/**
 * The sizes on a database server (MongoDB): offered rates start lower (a first step far
 * above what the backend carries leaves a backlog that spills into the next scenario), and fewer
 * users, devices and messages, so that a slow backend still finishes in minutes. The figures name
 * the sizes they were measured at.
 */
const DURABLE: Sizes = QUICK
  ? { ...SETTINGS, rates: [20, 50], stormDevices: 50, stormWhileAway: 1, idle: [], sessions: 50, history: 100, readsFillMs: 60_000 }
  : {
      ...SETTINGS,
      pairs: 20,
      rates: [20, 50, 100, 200, 400, 700, 1_000, 1_500, 2_000, 3_000, 4_000],
      fanOutSizes: [100],
      fanOutMessages: 50,
      idle: [],
      stormDevices: 200,
      stormWhileAway: 1,
      sessions: 100,
      history: 200,
      reads: 100,
      readsFillMs: 60_000,
    };

/**
 * The sizes on the embedded SQLite store: the memory store's, so its rows compare one to one. A
 * local file carries the same first steps, and the first step it cannot carry still drains within
 * the step's drain time, leaving no backlog for the next scenario (unlike MongoDB). No idle
 * connections: what a connection holds does not depend on the store, so the memory row's figure
 * is SQLite's too.
 */
const SQLITE: Sizes = { ...SETTINGS, idle: [] };
/** The server's default, what a deployment that sets nothing gets; named so the results can say so. */
const SQLITE_SYNCHRONOUS = 'normal';

/** How a Parley run differs by backend. */
interface RunShape {
  backend: Backend;
  sizes: Sizes;
  /** Receivers, group members and storm devices connect to the second process when there is one. */
  processes: 1 | 2;
}

const relayPeers = (count: number): Peer[] => Array.from({ length: count }, (_, i) => ({ userId: `u${i}` }));

function measurement(scenario: string, metric: string, backend: Backend, parley: number, baseline: number | null, better: 'higher' | 'lower', note?: string): Measurement {
  return { scenario, metric, backend, parley, baseline, better, ratio: baseline === null || baseline === 0 ? null : parley / baseline, ...(note ? { note } : {}) };
}

function steppedRun(scenario: string, target: 'parley' | 'baseline', backend: Backend | null, steps: RateStep[]): SteppedRun {
  const sustained = steps.filter((step) => sustains(step, P99_BUDGET_MS)).reduce((best, step) => Math.max(best, step.offered), 0);
  return { scenario, target, backend, steps, sustained };
}

/** What the baselines measure once per run: the same figures every Parley backend is compared with. */
interface Baselines {
  chat: SteppedRun;
  fanOut: Map<number, FanOutResult>;
  idle: Map<number, IdleResult>;
  rest: RestResult;
  storm: StormResult;
}

/** The storm's devices come after every user the other scenarios write to (chat pairs, groups), so their only conversation is the storm's. */
const stormFirst = (sizes: Sizes) => Math.max(sizes.pairs * 2, ...sizes.fanOutSizes);
/** Users a run needs: each scenario's, the storm's sender, and the reader of the reads scenario last. */
const usersFor = (sizes: Sizes) => Math.max(sizes.pairs * 2, ...sizes.fanOutSizes, ...sizes.idle, stormFirst(sizes) + sizes.stormDevices + 1) + 1;

function stormSpec(sizes: Sizes, endpoint: ChatEndpoint, peers: readonly Peer[], deviceEndpoint?: ChatEndpoint) {
  const first = stormFirst(sizes);
  return {
    endpoint,
    ...(deviceEndpoint ? { deviceEndpoint } : {}),
    devices: peers.slice(first, first + sizes.stormDevices),
    ...(endpoint.kind === 'parley' ? { sender: peers[first + sizes.stormDevices]! } : {}),
    whileAway: sizes.stormWhileAway,
    duringStorm: 1,
    timeoutMs: QUICK ? 20_000 : 120_000,
  };
}

async function measureBaselines(where: Placement): Promise<Baselines> {
  const relay = await startBaseline('relay', where.serverCpu);
  try {
    const endpoint: ChatEndpoint = { kind: 'relay', url: relay.url };
    const peers = relayPeers(usersFor(SETTINGS));
    log('baseline relay: 1:1 chat');
    const chatSteps = await runJob<RateStep[]>({ scenario: 'chat', spec: chatSpec(SETTINGS, endpoint, peers) }, where);
    const fanOut = new Map<number, FanOutResult>();
    for (const size of SETTINGS.fanOutSizes) {
      log(`baseline relay: fan-out to ${size}`);
      fanOut.set(size, await runJob<FanOutResult>({ scenario: 'fan-out', spec: fanOutSpec(SETTINGS, endpoint, peers, size) }, where));
    }
    const idle = new Map<number, IdleResult>();
    for (const count of SETTINGS.idle) {
      log(`baseline relay: ${count} idle connections`);
      idle.set(count, await runJob<IdleResult>({ scenario: 'idle', spec: { endpoint, peers: peers.slice(0, count), serverPid: relay.pid } }, where));
    }
    log(`baseline relay: reconnect storm of ${SETTINGS.stormDevices} devices`);
    const storm = await runJob<StormResult>({ scenario: 'storm', spec: stormSpec(SETTINGS, endpoint, peers) }, where);
    await relay.stop();
    const koa = await startBaseline('koa-hmac', where.serverCpu);
    log('baseline Koa + HMAC: REST');
    const rest = await runJob<RestResult>({ scenario: 'rest', spec: { kind: 'koa-hmac', url: koa.url, pairs: [{ senderUserId: 'u0', targetId: 'u1' }], concurrency: SETTINGS.restConcurrency, durationMs: SETTINGS.restMs } }, where);
    await koa.stop();
    return { chat: steppedRun('1:1 chat', 'baseline', null, chatSteps), fanOut, idle, rest, storm };
  } finally {
    await relay.stop();
  }
}

function chatSpec(sizes: Sizes, endpoint: ChatEndpoint, peers: readonly Peer[], receiverEndpoint?: ChatEndpoint) {
  const pairs = sizes.pairs;
  return {
    endpoint,
    ...(receiverEndpoint ? { receiverEndpoint } : {}),
    senders: peers.slice(0, pairs),
    receivers: peers.slice(pairs, 2 * pairs),
    rates: sizes.rates,
    stepMs: sizes.stepMs,
    drainMs: sizes.drainMs,
    warmUpMs: QUICK ? 500 : 5_000,
    leadInMs: QUICK ? 250 : 1_000,
    p99BudgetMs: P99_BUDGET_MS,
  };
}

function fanOutSpec(sizes: Sizes, endpoint: ChatEndpoint, peers: readonly Peer[], size: number, memberEndpoint?: ChatEndpoint) {
  // About 20 000 deliveries a second offered: more than a bare relay needs, so the figure is a rate.
  const rate = Math.max(1, Math.round(20_000 / size));
  const messages = Math.min(sizes.fanOutMessages, rate * (QUICK ? 1 : 5));
  return { endpoint, ...(memberEndpoint ? { memberEndpoint } : {}), groupId: `fan-${size}`, sender: peers[0]!, members: peers.slice(1, size), messages, rate, drainMs: QUICK ? 2_000 : 10_000 };
}

async function measureParley({ backend, sizes, processes }: RunShape, env: StoreEnv, where: Placement, baselines: Baselines, results: BenchResults): Promise<void> {
  const server = await startParley(where.serverCpu, env);
  const second = processes === 2 ? await startParley(where.serverCpu, env) : null;
  try {
    const users = usersFor(sizes);
    log(`Parley (${backend}): ${users} users`);
    const { endpoint, api, appSecret, peers } = await parleyApp(server, users);
    const other = second ? { ...endpoint, url: second.url } : undefined;
    /** A job on this server, then what it left queued drained (a durable store may lag behind). */
    const servers = second ? [server, second] : [server];
    const job = async <T>(run: Job): Promise<T> => {
      const result = await runJob<T>(run, where);
      const waited = Math.max(...(await Promise.all(servers.map((one) => settle(one.url)))));
      if (waited > 1_000) log(`Parley (${backend}): waited ${(waited / 1000).toFixed(1)} s for the server to drain after ${run.scenario}`);
      return result;
    };

    log(`Parley (${backend}): 1:1 chat`);
    const chat = steppedRun('1:1 chat', 'parley', backend, await job<RateStep[]>({ scenario: 'chat', spec: chatSpec(sizes, endpoint, peers, other) }));
    results.runs.push(chat);
    results.measurements.push(measurement('1:1 chat', `sustained msg/s (p99 ≤ ${P99_BUDGET_MS} ms)`, backend, chat.sustained, baselines.chat.sustained, 'higher'));

    for (const size of sizes.fanOutSizes) {
      log(`Parley (${backend}): fan-out to ${size}`);
      // A request names at most USER_IDS_PER_REQUEST_MAX users: create with the first ones, then add the rest.
      const memberIds = peers.slice(0, size).map((peer) => peer.userId);
      await api.createGroup({ groupId: `fan-${size}`, userIds: memberIds.slice(0, Limits.USER_IDS_PER_REQUEST_MAX), name: `fan-out ${size}` });
      for (let from = Limits.USER_IDS_PER_REQUEST_MAX; from < size; from += Limits.USER_IDS_PER_REQUEST_MAX) {
        await api.joinGroup({ groupId: `fan-${size}`, userIds: memberIds.slice(from, from + Limits.USER_IDS_PER_REQUEST_MAX) });
      }
      const parley = await job<FanOutResult>({ scenario: 'fan-out', spec: fanOutSpec(sizes, endpoint, peers, size, other) });
      const relay = baselines.fanOut.get(size)!;
      results.measurements.push(measurement(`group of ${size}`, 'deliveries/s', backend, parley.deliveriesPerSecond, relay.deliveriesPerSecond, 'higher'));
      results.measurements.push(measurement(`group of ${size}`, 'p99 ms to the last member', backend, parley.lastMember.p99, relay.lastMember.p99, 'lower'));
    }

    log(`Parley (${backend}): reconnect storm of ${sizes.stormDevices} devices`);
    const storm = await job<StormResult>({ scenario: 'storm', spec: stormSpec(sizes, endpoint, peers, other) });
    const stormScenario = `reconnect storm, ${storm.devices} devices`;
    // The relay's storm is of the default size; a smaller one has no baseline.
    const stormBaseline = storm.devices === baselines.storm.devices ? baselines.storm.allCaughtUpMs : null;
    const stormNote = `baseline: the relay's devices connected again (nothing to catch up); Parley's caught up by sync with ${sizes.stormWhileAway} message(s) each sent while away (${storm.synced} synced); ${storm.lost} lost, ${storm.duplicated} duplicated`;
    results.measurements.push(measurement(stormScenario, 'ms until all caught up', backend, storm.allCaughtUpMs, stormBaseline, 'lower', stormNote));
    results.measurements.push(measurement(stormScenario, 'messages lost or duplicated', backend, storm.lost + storm.duplicated, null, 'lower'));
    // Memory, REST and reads are figures of one process: the two-process run adds the path between them only.
    if (second) return;

    for (const count of sizes.idle) {
      log(`Parley (${backend}): ${count} idle connections`);
      const parley = await job<IdleResult>({ scenario: 'idle', spec: { endpoint, peers: peers.slice(0, count), serverPid: server.pid } });
      results.measurements.push(measurement(`${count} idle connections`, 'KiB per connection', backend, parley.kibPerConnection, baselines.idle.get(count)!.kibPerConnection, 'lower'));
    }

    log(`Parley (${backend}): signed REST`);
    const pairs = Array.from({ length: sizes.pairs }, (_, i) => ({ senderUserId: peers[i]!.userId, targetId: peers[i + sizes.pairs]!.userId }));
    const rest = await job<RestResult>(
      { scenario: 'rest', spec: { kind: 'parley', url: server.url, appId: endpoint.appId!, appSecret, pairs, concurrency: sizes.restConcurrency, durationMs: sizes.restMs } },
    );
    results.measurements.push(measurement('signed REST send', 'requests/s', backend, rest.requestsPerSecond, baselines.rest.requestsPerSecond, 'higher', rest.failures ? `${rest.failures} failed` : undefined));
    results.measurements.push(measurement('signed REST send', 'p99 ms', backend, rest.p99, baselines.rest.p99, 'lower'));

    log(`Parley (${backend}): session list of ${sizes.sessions} and history pages`);
    const reads = await measureReads(sizes, api, endpoint, peers, where);
    results.measurements.push(measurement(`session list of ${reads.sessions} sessions`, 'p50 ms', backend, reads.sessionList.p50, null, 'lower'));
    results.measurements.push(measurement(`session list of ${reads.sessions} sessions`, 'p99 ms', backend, reads.sessionList.p99, null, 'lower'));
    results.measurements.push(measurement(`history page of 20 (${reads.history}-message conversation)`, 'p50 ms', backend, reads.historyPage.p50, null, 'lower'));
    results.measurements.push(measurement(`history page of 20 (${reads.history}-message conversation)`, 'p99 ms', backend, reads.historyPage.p99, null, 'lower'));

    // A forged request is refused before any store is asked: one backend's figure is every backend's.
    if (backend === 'memory') {
      log('Parley: forged signed requests');
      const forged = await job<ForgedResult>({ scenario: 'forged', spec: { url: server.url, appId: endpoint.appId!, count: QUICK ? 50 : 300, maxBytes: 256 * 1024 } });
      const note = 'baseline: a forged request of 1 KiB to the same server';
      results.measurements.push(measurement('forged signed request, 256 KiB, refused', 'p50 ms', backend, forged.large.p50, forged.small.p50, 'lower', note));
      results.measurements.push(measurement('forged signed request, 256 KiB, refused', 'p99 ms', backend, forged.large.p99, forged.small.p99, 'lower', note));
    }
  } finally {
    await Promise.all([server.stop(), second?.stop()]);
  }
}

/**
 * The reader (the last user) gets a session with each of the first `sessions` users (one message
 * each, over REST) and a long conversation with the first of them, then pages it. Each of the two
 * fills stops after `readsFillMs` (a minute on a durable store), so a slow backend reads smaller
 * lists (the figures name the sizes actually read).
 */
async function measureReads(sizes: Sizes, api: ParleyServerApi, endpoint: ChatEndpoint, peers: readonly Peer[], where: Placement): Promise<ReadsResult & { history: number }> {
  const reader = peers[peers.length - 1]!;
  const others = peers.slice(0, Math.min(sizes.sessions, peers.length - 1));
  const text = (i: number) => ({ messageType: 1 as const, content: { content: `message ${i} with a little text in it` } });
  const sessions = await pool(others.length, 16, (i) => api.sendPrivateMessage({ senderUserId: others[i]!.userId, targetId: reader.userId, ...text(i) }), sizes.readsFillMs);
  const history = await pool(sizes.history, 4, (i) => api.sendPrivateMessage({ senderUserId: others[0]!.userId, targetId: reader.userId, ...text(i) }), sizes.readsFillMs);
  const reads = await runJob<ReadsResult>({ scenario: 'reads', spec: { endpoint, reader, historyWith: others[0]!.userId, count: sizes.reads } }, where);
  // The first sender's one message is part of the long conversation too.
  return { ...reads, history: history + (sessions > 0 ? 1 : 0) };
}

const flatten = (sizes: Sizes) => Object.fromEntries(Object.entries(sizes).map(([key, value]) => [key, Array.isArray(value) ? value.join(' ') : value === Infinity ? 'none' : value]));
const prefixed = (prefix: string, values: Record<string, string | number>) => Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}${key}`, value]));

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function commitName(): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
  return dirty ? `${commit}-dirty` : commit;
}

async function main(): Promise<void> {
  const where = placement();
  const cores = availableParallelism();
  pin(process.pid, where.loadCpu);
  buildServer();
  const socketIo = (JSON.parse(readFileSync(`${root}node_modules/socket.io/package.json`, 'utf8')) as { version: string }).version;
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    commit: commitName(),
    node: process.version,
    socketIo,
    cores,
    pinned: where.serverCpu !== null,
    quick: QUICK,
    settings: {
      ...flatten(SETTINGS),
      ...prefixed('sqlite.', { ...flatten(SQLITE), synchronous: SQLITE_SYNCHRONOUS }),
      ...(process.env.MONGODB_URL && process.env.REDIS_URL ? prefixed('durable.', flatten(DURABLE)) : {}),
      p99BudgetMs: P99_BUDGET_MS,
    },
    measurements: [],
    runs: [],
  };

  const baselines = await measureBaselines(where);
  results.runs.push(baselines.chat);
  await measureParley({ backend: 'memory', sizes: SETTINGS, processes: 1 }, { STORE: 'memory' }, where, baselines, results);
  // Saved after each backend: a run cut short (a slow database, Ctrl-C) keeps what it measured.
  save(results);
  await measureSqlite(where, baselines, results);
  save(results);
  const { MONGODB_URL, REDIS_URL } = process.env;
  if (MONGODB_URL && REDIS_URL) {
    const mongodb = (): StoreEnv => ({ STORE: 'mongodb', MONGODB_URL: freshDatabase(MONGODB_URL, 'parley_bench'), REDIS_URL });
    await measureParley({ backend: 'mongodb+redis', sizes: DURABLE, processes: 1 }, mongodb(), where, baselines, results);
    save(results);
    await measureParley({ backend: 'mongodb+redis, 2 processes', sizes: DURABLE, processes: 2 }, mongodb(), where, baselines, results);
    save(results);
  }
  console.log(formatTable(results));
  console.log(`\nwrote ${resultsFile(results)}${QUICK ? '' : ', docs/benchmarks.md and docs/benchmarks/latency.svg'}`);
}

/** On a data directory of its own, so no run reads another's data or the repo's `./data`. */
function measureSqlite(where: Placement, baselines: Baselines, results: BenchResults): Promise<void> {
  return withTemporaryDirectory('parley-bench-sqlite-', (dataDir) =>
    measureParley({ backend: 'sqlite', sizes: SQLITE, processes: 1 }, { STORE: 'sqlite', DATA_DIR: dataDir, SQLITE_SYNCHRONOUS }, where, baselines, results),
  );
}

const resultsFile = (results: BenchResults) => `bench/results/${results.startedAt.slice(0, 10)}-${results.commit}${QUICK ? '-quick' : ''}.json`;

/** The JSON of the run so far; for a full run also the generated block of docs/benchmarks.md and its chart. */
function save(results: BenchResults): void {
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}${resultsFile(results)}`, `${JSON.stringify(results, null, 2)}\n`);
  if (QUICK) return;
  mkdirSync(`${root}docs/benchmarks`, { recursive: true });
  writeFileSync(`${root}docs/benchmarks/latency.svg`, renderLatencyChart(results.runs, { p99BudgetMs: P99_BUDGET_MS }));
  const page = readFileSync(`${root}docs/benchmarks.md`, 'utf8');
  writeFileSync(`${root}docs/benchmarks.md`, spliceGenerated(page, formatMarkdown(results, 'benchmarks/latency.svg')));
}

process.once('SIGINT', () => {
  stopAllChildren();
  process.exit(130);
});
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopAllChildren);
