import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './support/markdown.js';
import { baseEnv, run, signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';

/** The files guide's runnable example prints what the guide says it prints, against `npm start`'s build. */
describe('docs/examples/files.mjs', () => {
  let server: ProductionServer;
  beforeAll(async () => {
    server = await startProductionServer(20_000);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sends an image, a file and a voice note that arrive byte for byte, and shows a refused upload', async () => {
    const app = await signUpWithApp(server.url, 'files example');
    const { code, stdout: output, stderr } = await run(process.execPath, ['docs/examples/files.mjs'], {
      env: baseEnv({ PARLEY_URL: server.url, PARLEY_APP_ID: app.appId, PARLEY_APP_SECRET: app.appSecret }),
      timeoutMs: 20_000,
    });
    expect(code, `${output}${stderr}`).toBe(0);

    // The guide's sample, with the one figure that depends on the multipart boundary left open.
    const guide = readFileSync(`${root}docs/guides/files.md`, 'utf8');
    const sample = /node docs\/examples\/files\.mjs\n((?:# -> .*\n)+)/.exec(guide)![1]!.trimEnd().split('\n').map((line) => line.slice('# -> '.length));
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(sample.length);
    lines.forEach((line, i) => {
      const pattern = new RegExp(`^${sample[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('…', '\\d+')}$`);
      expect(line).toMatch(pattern);
    });
  });
});
