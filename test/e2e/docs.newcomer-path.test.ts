import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneBlock, readPage, root, sectionBlocks, type FencedBlock } from './support/markdown.js';
import { baseEnv, run, signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';
import { PastedSession, maskIds } from './support/shell-docs.js';
import { installPackedSdk, tarball, type SdkProject } from './support/sdk-project.js';

/** One production server for the tests of a `describe`, started before them and stopped after. */
function productionServerForSuite(): { readonly url: string } {
  let server: ProductionServer | undefined;
  beforeAll(async () => {
    server = await startProductionServer();
  }, 20_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      if (!server) throw new Error('the production server is not started');
      return server.url;
    },
  };
}

/**
 * The path a newcomer follows on a fresh clone, as the docs write it: the SDK packed and installed
 * into a project of its own; the README's "Try it" and "Two users chatting from Node", and the
 * getting-started guide, pasted into bash, each sample answer checked against the real one; and
 * the SDK guide's complete example printing exactly what the guide shows, run after run.
 *
 * One file, so that its steps run one after the other: `npm run pack:sdk` rebuilds sdk-js/dist,
 * which nothing else may be reading meanwhile. The server is the production build
 * (`node server/dist/main.js`, built by the e2e global setup).
 */

const scratch = mkdtempSync(join(tmpdir(), 'parley-newcomer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let installing: Promise<SdkProject> | undefined;
/** The packed SDK installed into a new project, once for the whole file. */
const sdkProject = () => (installing ??= installPackedSdk(join(scratch, 'project')));

/**
 * The environment of pasted commands. `PARLEY_URL`: chat.mjs connects to http://localhost:3000
 * unless told otherwise. npm: `npm install` in a new project asks the registry about the SDK's
 * dependencies, as a newcomer's does; what npm's cache already holds is used as it is.
 */
const pastedEnv = (url: string) => ({ PARLEY_URL: url, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' });

/** The guide's `chat.mjs` and the output block it shows for it. */
function guideExample(): { script: string; output: string[] } {
  const guide = readPage('docs/guides/sdk.md');
  const script = oneBlock(guide, 'A complete example', 'the chat.mjs script', (block) => block.info === 'js' && block.lead.includes('`chat.mjs`'));
  const output = oneBlock(guide, 'A complete example', 'the printed output', (block) => block.info === '' && block.lead.startsWith('It prints'));
  return { script: `${script.text}\n`, output: output.text.split('\n') };
}

describe('npm run pack:sdk', () => {
  let project: SdkProject;
  beforeAll(async () => {
    project = await sdkProject();
  }, 180_000);

  it('writes parley-sdk.tgz at the root and says how to install it', () => {
    expect(project.packed.stdout).toContain(`Packed @parley/sdk into ${tarball}`);
    expect(project.packed.stdout).toContain(`npm install ${tarball}`);
    expect(lstatSync(tarball).isFile()).toBe(true);
  });

  it('installs offline into a new project as a copy, not a link', () => {
    const installed = join(project.dir, 'node_modules/@parley/sdk');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const version = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    expect(version(join(installed, 'package.json'))).toBe(version(join(root, 'sdk-js/package.json')));
  });

  describe('every entry point loads from the installed package', () => {
    const vector = (JSON.parse(readPage('test/vectors/signature-vectors.json')) as { secret: string; cases: { params: Record<string, string>; sign: string }[] });
    const signed = vector.cases[0]!;
    const expected = (format: 'esm' | 'cjs') => ({
      files: format === 'esm'
        ? ['node_modules/@parley/sdk/dist/index.js', 'node_modules/@parley/sdk/dist/protocol/index.js', 'node_modules/@parley/sdk/dist/server/index.js']
        : ['node_modules/@parley/sdk/dist/index.cjs', 'node_modules/@parley/sdk/dist/protocol/index.cjs', 'node_modules/@parley/sdk/dist/server/index.cjs'],
      state: 'idle',
      error: 'NOT_FOUND',
      messageType: 1,
      conversationType: 1,
      api: 'function',
      sign: signed.sign,
    });
    const body = `
const client = new ParleyClient({ url: 'http://127.0.0.1:9', appId: 'app', token: 'token' });
console.log(JSON.stringify({
  files: ['@parley/sdk', '@parley/sdk/protocol', '@parley/sdk/server'].map(where),
  state: client.state,
  error: new ParleyError(ErrorCode.NOT_FOUND, 'no such user').code,
  messageType: MessageType.TEXT,
  conversationType: ConversationType.PRIVATE,
  api: typeof ParleyServerApi,
  sign: computeSign(${JSON.stringify(signed.params)}, ${JSON.stringify(vector.secret)}),
}));
`;

    it('ESM: import', async () => {
      const script = `import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageType, ParleyClient, ParleyError } from '@parley/sdk';
import { ConversationType, ErrorCode } from '@parley/sdk/protocol';
import { ParleyServerApi, computeSign } from '@parley/sdk/server';
const where = (specifier) => relative(process.cwd(), fileURLToPath(import.meta.resolve(specifier)));
${body}`;
      writeFileSync(join(project.dir, 'entries.mjs'), script);
      const result = await run(process.execPath, ['entries.mjs'], { cwd: project.dir, env: baseEnv(), timeoutMs: 20_000 });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(expected('esm'));
    });

    it('CommonJS: require', async () => {
      const script = `const { relative } = require('node:path');
const { MessageType, ParleyClient, ParleyError } = require('@parley/sdk');
const { ConversationType, ErrorCode } = require('@parley/sdk/protocol');
const { ParleyServerApi, computeSign } = require('@parley/sdk/server');
const where = (specifier) => relative(process.cwd(), require.resolve(specifier));
${body}`;
      writeFileSync(join(project.dir, 'entries.cjs'), script);
      const result = await run(process.execPath, ['entries.cjs'], { cwd: project.dir, env: baseEnv(), timeoutMs: 20_000 });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(expected('cjs'));
    });
  });
});

describe('README: Try it, then two users chatting from Node', () => {
  const server = productionServerForSuite();

  it('pastes into bash as written; each command prints its `# ->` sample; the chat prints the guide\'s lines', async () => {
    const readme = readPage('README.md');
    const session = new PastedSession();
    session.commands(oneBlock(readme, 'Try it in one minute', 'shell', (block) => block.info === 'sh').text);
    session.commands(oneBlock(readme, 'Two users chatting from Node', 'shell', (block) => block.info === 'sh').text);
    expect(session.samples.length).toBeGreaterThanOrEqual(5);

    const { tail } = await session.run({
      cwd: root,
      host: new URL(server.url).host,
      scratch: join(scratch, 'readme'),
      env: pastedEnv(server.url),
      timeoutMs: 240_000,
    });
    // Last, the SDK guide's example in the new project: the lines the guide shows.
    const { output } = guideExample();
    expect(maskIds(tail.trimEnd()).split('\n').slice(-output.length)).toEqual(maskIds(output.join('\n')).split('\n'));
  }, 300_000);
});

describe('Getting started, steps 2 to 6', () => {
  const server = productionServerForSuite();

  it('pastes into bash as written; each answer is the one the guide shows, but for ids, secrets and times', async () => {
    const page = readPage('docs/guides/getting-started.md');
    const steps = [...page.matchAll(/^## (\d+\. .*)$/gm)].map((match) => match[1]!).filter((heading) => !heading.startsWith('1. '));
    expect(steps).toHaveLength(5);
    const session = new PastedSession();
    for (const heading of steps) {
      let previous: FencedBlock | null = null;
      for (const block of sectionBlocks(page, heading)) {
        const saved = /^Save this as `([^`]+)`/.exec(block.lead);
        if (block.info === 'sh') session.commands(block.text);
        else if (saved) session.save(saved[1]!, block.text);
        else if (previous?.info === 'sh' && block.lead === '' && (block.info === 'json' || block.info === '')) session.expect(block.info === 'json' ? 'json' : 'text', block.text.split('\n'));
        else throw new Error(`"${heading}" has a ${block.info || 'plain'} block that is neither commands, a file to save, nor the output of the commands above it`);
        previous = block;
      }
    }
    expect(session.samples.length).toBeGreaterThanOrEqual(9);

    await session.run({ cwd: root, host: new URL(server.url).host, scratch: join(scratch, 'getting-started'), env: pastedEnv(server.url), timeoutMs: 240_000 });
  }, 300_000);
});

describe('SDK guide: A complete example', () => {
  it('docs/examples/chat.mjs is the guide\'s chat.mjs', () => {
    expect(readPage('docs/examples/chat.mjs')).toBe(guideExample().script);
  });

  it('prints the guide\'s lines in the guide\'s order, three runs in a row, each on a fresh server', async () => {
    const { script, output } = guideExample();
    const project = await sdkProject();
    writeFileSync(join(project.dir, 'chat.mjs'), script);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const server = await startProductionServer();
      try {
        const app = await signUpWithApp(server.url, 'Chat');
        const result = await run(process.execPath, ['chat.mjs'], {
          cwd: project.dir,
          env: baseEnv({ PARLEY_URL: server.url, PARLEY_APP_ID: app.appId, PARLEY_APP_SECRET: app.appSecret }),
          timeoutMs: 30_000,
        });
        expect(result.code, `run ${attempt}: ${result.stderr}`).toBe(0);
        expect(result.stderr, `run ${attempt}`).toBe('');
        expect(maskIds(result.stdout).trimEnd().split('\n'), `run ${attempt}`).toEqual(maskIds(output.join('\n')).split('\n'));
      } finally {
        await server.stop();
      }
    }
  }, 240_000);
});
