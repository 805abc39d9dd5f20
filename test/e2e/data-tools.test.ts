import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyServerApi } from '@parley/sdk/server';
import { afterAll, describe, expect, it } from 'vitest';
import { baseEnv, run, signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';

/**
 * The data commands as an operator runs them (`npm run export`, `import`, `backup` run
 * `node server/dist/data-cli.js <command>` after the build): against the data directory of a
 * running server, then restored into new directories that a new server starts from.
 */

const root = mkdtempSync(join(tmpdir(), 'parley-data-tools-'));
const running: ProductionServer[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.kill()));
  rmSync(root, { recursive: true, force: true });
});

const dataCli = (dataDir: string, ...args: string[]) => run(process.execPath, ['server/dist/data-cli.js', ...args], { env: baseEnv({ DATA_DIR: dataDir }), timeoutMs: 30_000 });

async function serve(dataDir: string): Promise<ProductionServer> {
  const server = await startProductionServer(15_000, { DATA_DIR: dataDir });
  running.push(server);
  return server;
}

describe('npm run export / import / backup on the SQLite store', () => {
  it('exports and backs up while the server runs, and both restore into a server that answers the same', async () => {
    const live = join(root, 'live');
    const server = await serve(live);
    const app = await signUpWithApp(server.url, 'moving');
    const api = new ParleyServerApi({ baseUrl: server.url, appId: app.appId, appSecret: app.appSecret });
    for (const userId of ['ann', 'ben']) await api.getToken({ userId, name: userId });
    for (let i = 0; i < 5; i++) await api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'ben', messageType: 1, content: { content: `hello ${i}` } });
    const sessions = await api.getUserSessions({ userId: 'ben' });

    const exported = await dataCli(live, 'export', '--out', join(root, 'export'));
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/exported from the sqlite store to .*: tenants 1, consoleTokens 1, apps 1, users 2, userTokens 2, .* messages 5, sessions 2/);
    const backup = await dataCli(live, 'backup', '--out', join(root, 'backup.db'));
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('backed up');

    // Importing into the live directory is refused: the server holds it.
    const refused = await dataCli(live, 'import', '--in', join(root, 'export'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is in use by another Parley process');

    const imported = join(root, 'imported');
    const importRun = await dataCli(imported, 'import', '--in', join(root, 'export'));
    expect(importRun.code).toBe(0);
    expect(importRun.stdout).toContain('into the sqlite store');
    const restored = join(root, 'restored');
    mkdirSync(restored);
    copyFileSync(join(root, 'backup.db'), join(restored, 'parley.db'));

    for (const dataDir of [imported, restored]) {
      const copy = await serve(dataDir);
      const same = new ParleyServerApi({ baseUrl: copy.url, appId: app.appId, appSecret: app.appSecret });
      expect(await same.getUserSessions({ userId: 'ben' })).toEqual(sessions);
      expect((await same.sendPrivateMessage({ senderUserId: 'ann', targetId: 'ben', messageType: 1, content: { content: 'next' } })).seq).toBe(6);
      await copy.stop();
    }
  }, 60_000);

  it('explains its usage, and refuses what it cannot do', async () => {
    const none = await dataCli(join(root, 'none'), 'frobnicate');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('unknown command frobnicate');
    expect(none.stderr).toContain('npm run export -- --out <directory> [--app <appId>]');
    const missing = await dataCli(join(root, 'none'), 'export', '--out', join(root, 'x'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/parley\.db cannot be opened/);
    const memory = await run(process.execPath, ['server/dist/data-cli.js', 'backup', '--out', join(root, 'y')], { env: baseEnv({ STORE: 'memory' }), timeoutMs: 30_000 });
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('backup copies the SQLite store');
  });
});
