import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParleyServerApi } from '@parley/sdk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpWithApp } from './support/processes.js';

/**
 * The README's path for a newcomer, on the production build: `npm start` builds the server and
 * runs `node server/dist/main.js`; a tenant signs up, creates an app, mints tokens and chats.
 * The e2e global setup (e2e/global-setup.ts) has built the server.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = 'server/dist/main.js';

interface Running {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [main], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function waitFor(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A data directory for one test, removed after the file's tests (the README's default is ./data). */
const scratch = mkdtempSync(join(tmpdir(), 'parley-quickstart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm start', () => {
  let server: Running;
  let url: string;
  const dataDir = join(scratch, 'data');

  beforeAll(async () => {
    server = start({ PORT: '0', HOST: '127.0.0.1', PASSWORD_SCRYPT_COST: '16384', DATA_DIR: dataDir });
    await waitFor(() => /listening on http:\/\/[^ ]+/.test(server.output()), 'the listening line');
    url = /listening on (http:\/\/[^ ]+?)(?= )/.exec(server.output())![1]!;
  });
  afterAll(() => {
    server.child.kill('SIGKILL');
  });

  it('logs one line with the URL and the mode', () => {
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { msg: string; store: string; data: string };
    expect(line.msg).toBe(`Parley listening on ${url} (sqlite store: ${dataDir}; memory bus; local files: ${dataDir}/uploads); console: ${url}/console`);
    expect(line).toMatchObject({ store: 'sqlite', data: dataDir });
  });

  it('serves the whole quickstart: console sign-up, app, tokens, messages', async () => {
    const app = await signUpWithApp(url, 'My chat');
    const api = new ParleyServerApi({ baseUrl: url, appId: app.appId, appSecret: app.appSecret });
    const alice = await api.getToken({ userId: 'alice', name: 'Alice' });
    await api.getToken({ userId: 'bob', name: 'Bob' });
    expect(alice.token.length).toBeGreaterThan(40);
    await api.sendPrivateMessage({ senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'Hello Bob' } });
    const [session] = await api.getUserSessions({ userId: 'bob' });
    expect(session).toMatchObject({ title: 'Alice', unread: 1, lastMsg: { content: 'Hello Bob' } });
    const history = await api.getSessionMessages({ userId: 'bob', targetId: 'alice', conversationType: 1 });
    expect(history.map((m) => m.content.content)).toEqual(['Hello Bob']);
  });

  it('refuses a second server on the same data directory, saying why', async () => {
    const second = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    expect(await second.exit).toBe(1);
    expect(second.output()).toContain(`${dataDir} is in use by another Parley process (pid ${server.child.pid})`);
    expect(second.output()).toContain('MONGODB_URL');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('shutting down');
  });
});

describe('bad configuration', () => {
  it('refuses to start, naming each bad variable', async () => {
    const bad = start({ PORT: 'eighty', MAX_BODY_BYTES: '1' });
    expect(await bad.exit).toBe(1);
    expect(bad.output()).toContain('PORT="eighty": must be a whole number from 0 to 65535');
    expect(bad.output()).toContain('MAX_BODY_BYTES="1": must be at least 4096');
  });

  it('refuses a data directory it cannot create, naming it', async () => {
    writeFileSync(join(scratch, 'a-file'), '');
    const bad = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(scratch, 'a-file', 'data') });
    expect(await bad.exit).toBe(1);
    expect(bad.output()).toContain(`the data directory ${join(scratch, 'a-file', 'data')} cannot be created or written`);
    expect(bad.output()).not.toContain('    at ');
  });
});
