import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Every child this run started, stopped on exit whatever happens. */
const children = new Set<ChildProcess>();
export function stopAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
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

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `args` under `command` on `cpu` and resolves with the URL of its `listening on <url>`
 * line (Parley's server and the baselines print the same line).
 */
function startListening(command: string, args: string[], cpu: number | null, env: Record<string, string>, what: string): Promise<ServerProcess> {
  const [file, argv] = cpu === null ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
  const child = spawn(file, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
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
      // From here on its output is drained, not kept (the request log would grow without end).
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      resolve({
        url: match[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }).finally(() => children.delete(child)),
      });
    };
    child.stdout!.on('data', onData);
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
 * The production build (`node server/dist/main.js`, as `npm start` runs it), with default settings
 * but the limits. Its backends are those of `env` alone: a `MONGODB_URL` or `REDIS_URL` of this
 * process's environment is not passed on, so an embedded-store run stays one.
 */
export function startParley(cpu: number | null, env: Record<string, string> = {}): Promise<ServerProcess> {
  const backends = { MONGODB_URL: '', REDIS_URL: '' };
  return startListening(process.execPath, ['server/dist/main.js'], cpu, { PORT: '0', HOST: '127.0.0.1', ...UNLIMITED, ...backends, ...env }, 'the Parley server');
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
export function startBaseline(name: 'relay' | 'koa-hmac', cpu: number | null): Promise<ServerProcess> {
  return startListening(process.execPath, ['--import', 'tsx', `bench/baselines/${name}.ts`], cpu, {}, `the ${name} baseline`);
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
