import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, as `.ci/run` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. CI sets PARLEY_REQUIRE_BROWSER so a missing Chromium
 * fails there instead of skipping.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env['PARLEY_REQUIRE_BROWSER']) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A web page that loads `@parley/sdk` as an app would ship it: bundled for browsers with
 * socket.io-client, as one ES module, and exposed as `window.Parley`.
 */
export async function serveSdkPage(): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await build({
    stdin: { contents: "export * from '@parley/sdk';", resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@parley/source'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const page = `<!doctype html><meta charset="utf-8"><title>Parley SDK</title>
<script type="module">import * as Parley from '/parley.js'; window.Parley = Parley; document.title = 'ready';</script>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/parley.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
