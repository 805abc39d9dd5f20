/**
 * The demo's backend: what a tenant's own backend does for a Parley chat, in one small process.
 * It holds the app secret, mints user tokens, creates groups, and serves the built Vue app.
 *
 *   node --import tsx demo-vue/server/main.ts
 *
 * Environment: PARLEY_URL, PARLEY_PUBLIC_URL, DEMO_PORT, DEMO_HOST, DEMO_STATE_FILE (see
 * demo-vue/README.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { apiRoutes } from './api-routes.js';
import { ensureApp, seed, serverApi, whenReachable } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { Directory } from './directory.js';
import { staticFiles } from './static-files.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Headers of every page and asset: no framing, no sniffing, and a CSP that names Parley. */
function securityHeaders(parleyPublicUrl: string): Record<string, string> {
  const parley = new URL(parleyPublicUrl);
  const socket = `${parley.protocol === 'https:' ? 'wss:' : 'ws:'}//${parley.host}`;
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${parley.origin} ${socket}`,
      // Pictures and media are Parley's files, whose origin is its PUBLIC_URL (or the upload's Host).
      "img-src 'self' data: blob: http: https:",
      "media-src 'self' blob: http: https:",
      "style-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
  };
}

function displayHost(address: AddressInfo): string {
  const host = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.address;
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const state = await whenReachable(() => ensureApp(config.parleyUrl, config.stateFile, log), 60_000, log);
  const api = serverApi(config.parleyUrl, state);
  await whenReachable(() => seed(api), 30_000, log);

  const directory = new Directory();
  const apiHandler = apiRoutes({ api, directory, appId: state.appId, parleyPublicUrl: config.parleyPublicUrl });
  const pages = staticFiles(fileURLToPath(new URL('../dist', import.meta.url)), securityHeaders(config.parleyPublicUrl));

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://demo.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const handle = url.pathname.startsWith('/demo-api/') ? apiHandler : pages;
    handle(req, res, url).catch((error: unknown) => {
      process.stderr.write(`demo: ${req.method} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${displayHost(address)}:${address.port}`;
  log(`demo listening on ${url}`);
  log(`Open ${url} in two windows and log in as alice and bob (app ${state.appId} on ${config.parleyPublicUrl})`);

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`demo: ${error.message}\n`);
  else process.stderr.write(`demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
