import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyClient } from '@parley/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../e2e/support/markdown.js';

/**
 * What `npm run demo` runs once its builds are done (scripts/demo.ts): the server and the demo's
 * backend, a seeded demo app, and the URLs it prints. Two users log in through the demo's own
 * backend, as the chat page does, and chat over the SDK.
 */
describe('npm run demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-demo-command-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts both processes, prints where to open the chat and the console, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DEMO_PORT: '0', DATA_DIR: join(dir, 'data'), DEMO_STATE_FILE: join(dir, 'demo-app.json'), PASSWORD_SCRYPT_COST: '16384' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no summary within 45 s; it printed:\n${output}`)), 45_000);
        child.stdout.on('data', () => {
          if (output.includes('Press Ctrl-C to stop.')) {
            clearTimeout(timer);
            resolve();
          }
        });
        void exited.then((code) => reject(new Error(`exited with ${code}; it printed:\n${output}`)));
      });
      const chat = /Chat: +Open (http:\/\/\S+) in two windows/.exec(output)?.[1]?.replace(/\/?$/, '/');
      const consoleUrl = /Console: +(http:\/\/\S+\/console)/.exec(output)?.[1];
      expect(chat, output).toBeDefined();
      expect(consoleUrl, output).toBeDefined();
      const page = await fetch(chat!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"');
      expect((await fetch(consoleUrl!)).status).toBe(200);

      const { parleyUrl, appId } = (await (await fetch(`${chat}demo-api/config`)).json()) as { parleyUrl: string; appId: string };
      const login = async (userId: string) => {
        const res = await fetch(`${chat}demo-api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
        const { token } = (await res.json()) as { token: string };
        const client = new ParleyClient({ url: parleyUrl, appId, token });
        await client.connect();
        return client;
      };
      const [alice, bob] = [await login('alice'), await login('bob')];
      try {
        const arrives = new Promise((resolve) => bob.once('new-message', resolve));
        const sent = await alice.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: 'hello from the demo' } });
        expect(await arrives).toMatchObject({ msgId: sent.msgId });
      } finally {
        alice.disconnect();
        bob.disconnect();
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
