import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Every child this run started, stopped on exit whatever happens. */
const children = new Set<ChildProcess>();
/** Temporary directories not yet removed: an interrupted run (Ctrl-C) skips the `finally` that would. */
const temporaryDirectories = new Set<string>();

/** Stops every child and removes the temporary directories made for them. */
export function stopAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
  temporaryDirectories.clear();
}

/** Runs `use` with a fresh, empty directory under the OS's temporary directory, removed afterwards even when `use` fails. */
export async function withTemporaryDirectory<T>(prefix: string, use: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.add(directory);
  try {
    return await use(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
    temporaryDirectories.delete(directory);
  }
}

/**
 * Cores for the server side and the load side. With two or more cores and `taskset` available
 * they differ, so the server never shares a core (or an event loop) with the clients measuring it.
 */
export interface Placement {
  serverCpu: number | null;
  loadCpu: number | null;
}

export function placement(): Placement {
  const tasksetWorks = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  if (!tasksetWorks || availableParallelism() < 2) return { serverCpu: null, loadCpu: null };
  return { serverCpu: 0, loadCpu: 1 };
}

/** Pins a running process and all its threads (libuv's pool included) to `cpu`. */
export function pin(pid: number, cpu: number | null): void {
  if (cpu === null) return;
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** How `bench:probe` looks inside a server: flags for its node, and a file for all it prints. */
export interface StartOptions {
  nodeFlags?: readonly string[];
  stdoutFile?: string;
}

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `args` under `command` on `cpu` and resolves with the URL of its `listening on <url>`
 * line (Parley's server and the baselines print the same line).
 */
function startListening(command: string, args: string[], cpu: number | null, env: Record<string, string>, what: string, options: StartOptions): Promise<ServerProcess> {
  const nodeArgs = [...(options.nodeFlags ?? []), ...args];
  const [file, argv] = cpu === null ? [command, nodeArgs] : ['taskset', ['-c', String(cpu), command, ...nodeArgs]];
  const child = spawn(file, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  if (options.stdoutFile) child.stdout!.pipe(createWriteStream(options.stdoutFile));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`printed no listening line within 60 s`), 60_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${what} ${why}:\n${output}`));
    };
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()).length > 20_000 && (output = output.slice(-10_000)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.off('data', onData);
      child.stderr!.removeAllListeners('data');
      reportUnexpectedExit(child, what);
      resolve({
        url: match[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            // Out of the set first: an exit asked for is not one to report.
            children.delete(child);
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      });
    };
    child.stdout!.on('data', onData);
  });
}

/**
 * Keeps only the last few KiB of a listening child's output (its request log would grow without
 * end), and prints them if it exits while still in use: the scenario that then fails with
 * ECONNREFUSED cannot say why the server went away.
 */
function reportUnexpectedExit(child: ChildProcess, what: string): void {
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', (code, signal) => {
    if (!children.has(child)) return;
    children.delete(child);
    process.stderr.write(`bench: ${what} exited unexpectedly (${signal ?? `code ${code}`}); its last output:\n${tail}\n`);
  });
}

/** Limits raised so the run measures the server, not its rate limiter or quotas. */
const UNLIMITED = {
  PASSWORD_SCRYPT_COST: '16384',
  API_REQUESTS_PER_SECOND: '100000',
  USER_SENDS_PER_SECOND: '10000',
  USER_SIGNALS_PER_SECOND: '10000',
  CONSOLE_AUTH_PER_IP: '100000',
  MAX_GROUP_MEMBERS: '10000',
};

/**
 * The store (and bus) a Parley server under test runs on, always named by its caller: left to the
 * server, the store would be its default, SQLite in `./data` of the repo, which no row means to measure.
 */
export type StoreEnv =
  | { STORE: 'memory' }
  | { STORE: 'sqlite'; DATA_DIR: string; SQLITE_SYNCHRONOUS: 'normal' | 'full' }
  | { STORE: 'mongodb'; MONGODB_URL: string; REDIS_URL: string };

/** The server takes an empty variable for an unset one: what this process's environment says of stores never reaches it. */
const NO_INHERITED_STORE = { STORE: '', DATA_DIR: '', SQLITE_SYNCHRONOUS: '', MONGODB_URL: '', REDIS_URL: '' };

/**
 * The production build (`node server/dist/main.js`, as `npm start` runs it), with default settings
 * but the limits, on the store of `store` alone.
 */
export function startParley(cpu: number | null, store: StoreEnv, options: StartOptions = {}): Promise<ServerProcess> {
  const env = { PORT: '0', HOST: '127.0.0.1', ...UNLIMITED, ...NO_INHERITED_STORE, ...store };
  return startListening(process.execPath, ['server/dist/main.js'], cpu, env, 'the Parley server', options);
}

/** `url` with a database of its own (named `<prefix>_<time>`), so that runs never share data. */
export function freshDatabase(url: string, prefix: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${prefix}_${Date.now()}`;
  return parsed.toString();
}

/**
 * A baseline server of `bench/baselines/`, in this very node process (tsx as a loader, not its
 * CLI, which would run it in a child: the PID whose memory is read must be the server's).
 */
export function startBaseline(name: 'relay' | 'koa-hmac', cpu: number | null, options: StartOptions = {}): Promise<ServerProcess> {
  return startListening(process.execPath, ['--import', 'tsx', `bench/baselines/${name}.ts`], cpu, {}, `the ${name} baseline`, options);
}

export function buildServer(): void {
  execFileSync('npm', ['run', 'build', '--workspace', '@parley/server'], { cwd: root, stdio: 'ignore' });
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/**
 * RSS once it stops moving: two samples 500 ms apart within 0.5 % (or 10 s at most). Nothing is
 * forced (no GC): this is what the process holds, garbage not yet collected included.
 */
export async function settledRss(pid: number): Promise<number> {
  let previous = rssBytes(pid);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = rssBytes(pid);
    if (Math.abs(current - previous) <= previous * 0.005) return current;
    previous = current;
  }
  return previous;
}

/**
 * Resolves once the server answers `/readyz` (which asks its store and bus) within 100 ms, or
 * after `timeoutMs`: on a slow backend, what a scenario left queued must drain before the next
 * one is measured. Resolves with how long that took.
 */
export async function settle(url: string, timeoutMs = 180_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const asked = performance.now();
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ready && performance.now() - asked < 100) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return performance.now() - started;
}
