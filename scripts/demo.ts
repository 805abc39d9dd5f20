/**
 * `npm run demo`: the Parley server and the demo chat's backend, together, on this machine.
 *
 * Starts `node server/dist/main.js` (PORT 3000 and HOST 127.0.0.1 unless set; data in ./data,
 * the default store), waits for its listening line, then starts the demo backend
 * (demo-vue/server/main.ts) pointed at it, which serves the built demo-vue app. Prints where to
 * open the chat and the console (with the demo tenant's login), and stops both on Ctrl-C.
 *
 * Build first (the root script does): the SDK, the server, the console and demo-vue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverMain = resolve(root, 'server/dist/main.js');
const demoMain = resolve(root, 'demo-vue/server/main.ts');
const demoDist = resolve(root, 'demo-vue/dist/index.html');
const stateFile = resolve(process.env['DEMO_STATE_FILE'] || resolve(root, 'data/demo-app.json'));
const verbose = process.env['DEMO_VERBOSE'] === '1';

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

const children: Child[] = [];
let stopping = false;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

if (!existsSync(serverMain)) fail('server/dist/main.js is missing: run `npm run build -w @parley/server` (or `npm run demo`, which builds everything)');
if (!existsSync(demoDist)) fail('demo-vue/dist is missing: run `npm run build -w @parley/demo-vue` (or `npm run demo`)');

/**
 * Starts a child and resolves with the URL of its first line matching `listening`. Its output is
 * passed on, prefixed with its name; `show` may turn a line into what to print (or null to skip).
 */
function start(name: string, args: string[], env: NodeJS.ProcessEnv, listening: RegExp, show: (line: string) => string | null): Promise<string> {
  // In a process group of its own, so a Ctrl-C reaches this script only and each child gets exactly
  // one SIGTERM from stopAll (the server takes a second signal as "exit now").
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : null))));
  children.push({ name, process: child, exited });
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
  return new Promise((resolveUrl, reject) => {
    let url: string | null = null;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const shown = show(line);
      if (shown !== null) process.stdout.write(`[${name}] ${shown}\n`);
      const match = url === null ? listening.exec(line) : null;
      if (match) {
        url = match[1]!;
        resolveUrl(url);
      }
    });
    void exited.then((code) => {
      if (url === null) reject(new Error(`${name} exited with ${code} before it was listening`));
      else if (!stopping) {
        process.stderr.write(`demo: ${name} stopped unexpectedly (exit ${code}); stopping the rest\n`);
        void stopAll(1);
      }
    });
  });
}

/** Parley logs JSON lines: shown by their message, and only the warnings and errors unless DEMO_VERBOSE=1. */
function parleyLine(line: string): string | null {
  let entry: { level?: number; msg?: string };
  try {
    entry = JSON.parse(line) as { level?: number; msg?: string };
  } catch {
    return line;
  }
  if (verbose) return line;
  if ((entry.level ?? 30) >= 40 || /listening on/.test(entry.msg ?? '')) return entry.msg ?? line;
  return null;
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
  // The demo backend first, then Parley, each with SIGTERM; whatever is still there after 12 s is killed.
  for (const child of running.reverse()) {
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 12_000);
    await child.exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

// Whatever way this script ends, it takes its children with it.
process.on('exit', () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
});
process.on('SIGINT', () => {
  process.stdout.write('\nstopping…\n');
  void stopAll(0);
});
process.on('SIGTERM', () => void stopAll(0));

async function main(): Promise<void> {
  const parleyUrl = await start(
    'parley',
    [serverMain],
    { ...process.env, PORT: process.env['PORT'] ?? '3000', HOST: process.env['HOST'] ?? '127.0.0.1' },
    /listening on (http:\/\/[^\s"]+)/,
    parleyLine,
  );
  const publicUrl = process.env['PARLEY_PUBLIC_URL'] || parleyUrl;
  const demoUrl = await start(
    'demo',
    ['--import', 'tsx', demoMain],
    { ...process.env, PARLEY_URL: parleyUrl, PARLEY_PUBLIC_URL: publicUrl, DEMO_STATE_FILE: stateFile },
    /^demo listening on (http:\/\/\S+)$/,
    // Its own "Open … in two windows" hint is in the summary below.
    (line) => (line.startsWith('Open ') ? null : line),
  );

  let login = '';
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { email?: string; password?: string; appId?: string };
    login = `  (log in as ${state.email} / ${state.password} to see the demo app ${state.appId})`;
  } catch {
    // The backend printed why it could not write its state; the console still works.
  }
  process.stdout.write(
    [
      '',
      'Parley demo is running.',
      `  Chat:     Open ${demoUrl} in two windows and log in as alice and bob`,
      `  Console:  ${publicUrl}/console${login}`,
      `  Parley:   ${parleyUrl}, data in ${process.env['DATA_DIR'] ?? './data'}; the demo tenant is kept in ${stateFile}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll(1);
});
