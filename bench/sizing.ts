/**
 * `npm run sizing [-- --devices N]`: the numbers behind the deployment guide's sizing notes, as
 * measured on this machine.
 *
 * Builds the server once and starts the production build (`node server/dist/main.js`) as a child
 * process, on one core when the machine has two, with this process (the load side) on another, so
 * that "one core carries X msgs/s" means one core. For each backend (the memory store, SQLite in a
 * fresh temporary data directory, and MongoDB + Redis when MONGODB_URL and REDIS_URL are both set) it measures the server's RSS idle,
 * with N idle devices connected and per stored message, then a closed-loop socket send rate with
 * the server's CPU over that window. Bounded: a few minutes per backend.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ParleyClient } from '@parley/sdk';
import { ParleyServerApi } from '@parley/sdk/server';
import { signUpWithApp } from '../test/e2e/support/processes.js';
import { percentiles, pool, sleep } from './load/stats.js';
import { buildServer, freshDatabase, pin, placement, settledRss, startParley, stopAllChildren, withTemporaryDirectory, type StoreEnv } from './processes.js';

const { values: args } = parseArgs({ options: { devices: { type: 'string', default: '2000' } } });
const DEVICES = Number(args.devices);
if (!Number.isInteger(DEVICES) || DEVICES < 1 || DEVICES > 10_000) throw new Error('--devices must be a whole number from 1 to 10000');
const MESSAGES = 20_000;
const PAIRS = 100;
const SEND_WINDOW_MS = 10_000;
const socketOptions = { transports: ['websocket'] };

// ---- /proc readings ---------------------------------------------------------------------------

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Busy and total jiffies of the whole machine: FerretDB and Redis run outside both pinned processes. */
function machineTicks(): { busy: number; total: number } {
  const [, ...counts] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = counts.slice(0, 8).reduce((sum, n) => sum + n, 0);
  return { busy: total - counts[3]! - counts[4]!, total };
}

// ---- one backend ------------------------------------------------------------------------------

interface Row {
  rssIdle: number;
  users: number;
  rssUsers: number;
  devices: number;
  rssDevices: number;
  messages: number;
  perMessage: number;
  acked: number;
  late: number;
  failed: number;
  rate: number;
  ackP50: number | undefined;
  ackP99: number | undefined;
  serverCpu: number;
  loadCpu: number;
  machineCpu: number;
}

/**
 * Closed loop: each sender keeps one send in flight for `windowMs`. Resolves once the sends still
 * in flight at the end were acked (or after 15 s more), with the acks that came within the window,
 * every ack's latency, and the sends that failed.
 */
async function sendLoop(senders: ParleyClient[], windowMs: number, atEnd: () => void = () => {}) {
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + windowMs;
  const loops = Promise.all(
    senders.map(async (sender, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const start = performance.now();
        try {
          await sender.sendPrivateMessage({ targetId: `r${i}`, messageType: 1, content: { content: `realtime ${n} with a little text in it` } });
        } catch {
          failed++;
          return;
        }
        latencies.push(performance.now() - start);
      }
    }),
  );
  await sleep(windowMs);
  atEnd();
  const acked = latencies.length;
  await Promise.race([loops, sleep(15_000)]);
  return { acked, latencies: latencies.sort((a, b) => a - b), failed };
}

async function measure(label: string, serverCpu: number | null, env: StoreEnv): Promise<Row> {
  // Signed REST calls and connects in flight: enough to keep the memory store's core busy, and few
  // on MongoDB, as FerretDB on SQLite gets slower with each concurrent writer (40 getToken/s at 4
  // in flight, 15/s at 32).
  const inFlight = env.STORE === 'mongodb' ? 4 : 16;
  const log = (line: string) => console.error(`[${label}] ${(performance.now() / 1000).toFixed(0).padStart(4)} s  ${line}`);
  const server = await startParley(serverCpu, env);
  const { appId, appSecret } = await signUpWithApp(server.url, 'sizing').catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const api = new ParleyServerApi({ baseUrl: server.url, appId, appSecret, maxRetries: 0 });
  const clients: ParleyClient[] = [];
  const mint = async (prefix: string, count: number, budgetMs: number) => {
    const tokens: string[] = [];
    await pool(
      count,
      inFlight,
      async (i) => {
        tokens[i] = (await api.getToken({ userId: `${prefix}${i}`, name: `${prefix}${i}` })).token;
      },
      budgetMs,
    );
    return tokens;
  };
  const connectAll = (tokens: string[], budgetMs: number) =>
    pool(
      tokens.length,
      inFlight,
      async (i) => {
        const client = new ParleyClient({ url: server.url, appId, token: tokens[i]!, platform: 'other', socketOptions });
        clients.push(client);
        await client.connect();
      },
      budgetMs,
    );
  try {
    const rssIdle = await settledRss(server.pid);
    log(`listening on ${server.url}, RSS idle ${mib(rssIdle)} MiB`);

    // Every user exists before the baselines, so that the per-device and per-message figures are
    // connections and messages alone. The pair users and message users first, while minting is
    // fast: on FerretDB v1 each new user costs more than the one before (~0.3 ms per user already
    // stored, as measured here).
    const senderTokens = await mint('s', PAIRS, 30_000);
    const receiverTokens = await mint('r', PAIRS, 30_000);
    const messageUsers = await mint('m', 20, 30_000);
    if (senderTokens.length + receiverTokens.length + messageUsers.length < 2 * PAIRS + 20) throw new Error('the pair and message users were not minted within 90 s');
    const tokens = await mint('d', DEVICES, 40_000);
    const rssUsers = await settledRss(server.pid);
    log(`${tokens.length + 2 * PAIRS + 20} users minted, RSS ${mib(rssUsers)} MiB`);
    const devices = await connectAll(tokens, 40_000);
    const rssDevices = await settledRss(server.pid);
    log(`${devices} devices ready, RSS ${mib(rssDevices)} MiB`);

    // To users who are not connected, so that this is storage, not pushes. The devices stay
    // connected: memory freed by disconnecting them would be reused by the messages and hide them.
    const before = rssDevices;
    const [restCpu0, restStart] = [cpuSeconds(server.pid), performance.now()];
    const messages = await pool(
      MESSAGES,
      inFlight,
      (i) => api.sendPrivateMessage({ senderUserId: `m${i % 10}`, targetId: `m${10 + (i % 10)}`, messageType: 1, content: { content: `message ${i} with a little text in it` } }),
      40_000,
    );
    const perMessage = ((await settledRss(server.pid)) - before) / messages;
    const restSeconds = (performance.now() - restStart) / 1000;
    const restCpu = (cpuSeconds(server.pid) - restCpu0) / restSeconds;
    log(`${messages} messages stored (${(messages / restSeconds).toFixed(0)}/s at ${pct(restCpu)} server CPU), ${perMessage.toFixed(0)} bytes each`);

    // The idle devices leave, so that the load side only drives the pairs.
    for (const client of clients.splice(0)) client.disconnect();
    if ((await connectAll([...senderTokens, ...receiverTokens], 60_000)) < 2 * PAIRS) throw new Error('the pairs did not connect within 60 s');
    const senders = clients.slice(0, PAIRS);
    log(`${PAIRS} pairs connected; sending`);
    // A short warm-up: the JIT has not compiled the socket send path during the REST phases.
    await sendLoop(senders, 1000);
    const [cpu0, load0, machine0] = [cpuSeconds(server.pid), process.cpuUsage(), machineTicks()];
    let cpu = 0;
    let load = 0;
    let machine = 0;
    const loop = await sendLoop(senders, SEND_WINDOW_MS, () => {
      const used = process.cpuUsage(load0);
      const now = machineTicks();
      cpu = (cpuSeconds(server.pid) - cpu0) / (SEND_WINDOW_MS / 1000);
      load = (used.user + used.system) / 1e6 / (SEND_WINDOW_MS / 1000);
      machine = (now.busy - machine0.busy) / (now.total - machine0.total);
    });
    const row: Row = {
      rssIdle,
      users: tokens.length + 2 * PAIRS + 20,
      rssUsers,
      devices,
      rssDevices,
      messages,
      perMessage,
      acked: loop.acked,
      late: loop.latencies.length - loop.acked,
      failed: loop.failed,
      rate: loop.acked / (SEND_WINDOW_MS / 1000),
      ackP50: loop.latencies.length > 0 ? percentiles(loop.latencies).p50 : undefined,
      ackP99: loop.latencies.length > 0 ? percentiles(loop.latencies).p99 : undefined,
      serverCpu: cpu,
      loadCpu: load,
      machineCpu: machine,
    };
    log(`${row.rate.toFixed(0)} messages/s at ${(row.serverCpu * 100).toFixed(0)} % server CPU`);
    return row;
  } finally {
    for (const client of clients) client.disconnect();
    await server.stop();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

async function main(): Promise<void> {
  buildServer();
  // The server on one core, this process (all its threads) on another.
  const cores = availableParallelism();
  const where = placement();
  pin(process.pid, where.loadCpu);
  const serverCpu = where.serverCpu;

  const backends: { label: string; measureRow: () => Promise<Row> }[] = [
    { label: 'memory', measureRow: () => measure('memory', serverCpu, { STORE: 'memory' }) },
    {
      label: 'sqlite',
      // A directory of its own: the repo's ./data may hold a developer's server, and its lock would refuse this one.
      measureRow: () =>
        withTemporaryDirectory('parley-sizing-sqlite-', (dataDir) => measure('sqlite', serverCpu, { STORE: 'sqlite', DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'normal' })),
    },
  ];
  const { MONGODB_URL, REDIS_URL } = process.env;
  let database: string | null = null;
  if (MONGODB_URL && REDIS_URL) {
    const url = freshDatabase(MONGODB_URL, 'parley_sizing');
    database = new URL(url).pathname.slice(1);
    backends.push({ label: 'mongodb+redis', measureRow: () => measure('mongodb+redis', serverCpu, { STORE: 'mongodb', MONGODB_URL: url, REDIS_URL }) });
  }
  const rows: Row[] = [];
  for (const { measureRow } of backends) {
    rows.push(await measureRow());
  }

  const lines: [string, (row: Row) => string][] = [
    ['server RSS idle (after sign-up + app), MiB', (r) => mib(r.rssIdle)],
    [`users minted (${2 * PAIRS + 20} for the sends + devices)`, (r) => String(r.users)],
    ['server RSS after minting them, MiB', (r) => mib(r.rssUsers)],
    ['idle devices connected (ParleyClient, websocket)', (r) => String(r.devices)],
    ['server RSS with them connected, MiB', (r) => mib(r.rssDevices)],
    ['RSS per idle device, KiB', (r) => ((r.rssDevices - r.rssUsers) / r.devices / 1024).toFixed(1)],
    ['text messages stored (signed REST sends)', (r) => String(r.messages)],
    ['RSS per stored text message, B', (r) => r.perMessage.toFixed(0)],
    [`socket sends, ${PAIRS} pairs x 1 in flight, msg/s`, (r) => r.rate.toFixed(0)],
    [`acks in the ${SEND_WINDOW_MS / 1000} s window (+ later, failed)`, (r) => `${r.acked} (+${r.late}, ${r.failed})`],
    ['ack p50 / p99 (all acks), ms', (r) => `${r.ackP50?.toFixed(1) ?? '-'} / ${r.ackP99?.toFixed(1) ?? '-'}`],
    ['server CPU over the window (of 1 core)', (r) => pct(r.serverCpu)],
    ['load side CPU over the window (of 1 core)', (r) => pct(r.loadCpu)],
    [`machine CPU over the window (of ${cores} cores)`, (r) => pct(r.machineCpu)],
  ];
  const cell = (text: string) => text.padStart(15);
  console.log(`Parley sizing · node ${process.version} · ${cores} cores available · ${new Date().toISOString()}`);
  console.log(
    serverCpu !== null
      ? `pinned: server on core ${serverCpu}, load side on core ${where.loadCpu} (taskset)`
      : 'not pinned (needs taskset and at least 2 cores): server and load side share the machine',
  );
  console.log('');
  console.log(`${''.padEnd(54)}${backends.map((b) => cell(b.label)).join('')}`);
  for (const [name, value] of lines) console.log(`${name.padEnd(54)}${rows.map((r) => cell(value(r))).join('')}`);
  console.log('');
  for (const [i, row] of rows.entries()) {
    if (row.devices === DEVICES && row.messages === MESSAGES) continue;
    console.log(
      `${backends[i]!.label}: only ${row.devices} of ${DEVICES} devices and ${row.messages} of ${MESSAGES} messages fit the time budget; its per-device and per-message figures are rough.`,
    );
  }
  for (const [i, row] of rows.entries()) {
    if (i > 0) console.log(`send rate ${backends[i]!.label} / memory: ${(row.rate / rows[0]!.rate).toFixed(2)}`);
  }
  console.log('sqlite: SYNCHRONOUS=normal (the default), data directory removed afterwards; RSS per message there is server process memory (SQLite\'s page cache included), not storage.');
  if (database !== null) {
    console.log(`mongodb+redis: database ${database} (left in place); RSS per message there is server process memory, not storage.`);
    console.log('If MONGODB_URL points at FerretDB (scripts/services.sh), that is a development stand-in, not production MongoDB.');
  } else {
    console.log('Set MONGODB_URL and REDIS_URL to add a mongodb+redis column.');
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren();
    process.exit(130);
  });
}
main().then(
  () => {
    stopAllChildren();
    process.exit(0);
  },
  (error: unknown) => {
    stopAllChildren();
    console.error(error);
    process.exit(1);
  },
);
