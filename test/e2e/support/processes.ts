import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './markdown.js';

/** What a finished command printed, and how it ended. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the command (nothing is inherited). */
  env: Record<string, string>;
  /** Text written to the command's standard input, which is then closed. */
  input?: string;
  /** The command is killed after this long; the promise then rejects. */
  timeoutMs: number;
}

/** Runs a command to its end. Rejects when it does not end within `timeoutMs`. */
export function run(command: string, args: string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not end within ${options.timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The environment a command gets: PATH and HOME (npm's cache lives there), plus `extra`. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** `node server/dist/main.js`, running, as `npm start` leaves it. */
export interface ProductionServer {
  /** `http://127.0.0.1:<port>`, from the server's listening line. */
  url: string;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (no chance to flush or close anything), then resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the production build (built by the e2e global setup) on a free port, with the same
 * settings as the quickstart test plus `env`, and resolves once it printed its listening line.
 * With the default store (SQLite) and no `DATA_DIR` in `env`, it gets a data directory of its
 * own, removed when it exits.
 */
export function startProductionServer(timeoutMs = 10_000, env: Record<string, string> = {}): Promise<ProductionServer> {
  const ownDataDir = env.DATA_DIR === undefined && env.STORE === undefined && env.MONGODB_URL === undefined ? mkdtempSync(join(tmpdir(), 'parley-e2e-')) : null;
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    env: baseEnv({ PORT: '0', HOST: '127.0.0.1', PASSWORD_SCRYPT_COST: '16384', ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  let output = '';
  let listening = false;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      if (listening) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the server ${why}; it printed:\n${output}`));
    };
    const timer = setTimeout(() => fail(`printed no listening line within ${timeoutMs} ms`), timeoutMs);
    child.on('exit', (code) => fail(`exited with ${code} before listening`));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /listening on (http:\/\/\S+)/.exec(output);
      if (listening || !line) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url: line[1]!,
        pid: child.pid!,
        output: () => output,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

/**
 * A tenant signs up on the console and creates an app, as the README does with curl; each call
 * uses a new email, so it can run many times against one server.
 */
let signups = 0;
export async function signUpWithApp(
  url: string,
  appName: string,
): Promise<{ consoleToken: string; appId: string; appSecret: string; email: string; password: string }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const envelope = (await res.json()) as { status: number; data: Record<string, string> };
    if (envelope.status !== 1) throw new Error(`${path}: ${JSON.stringify(envelope)}`);
    return envelope.data;
  };
  const email = `dev${++signups}-${Date.now()}@example.com`;
  const password = 'a long passphrase';
  const { token } = await post('/console/signup', { email, password });
  const app = await post('/app/create', { appName }, token);
  return { consoleToken: token!, appId: app.appId!, appSecret: app.appSecret!, email, password };
}
