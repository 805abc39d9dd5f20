import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';

/** Content types of what a Vite build emits. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Most bytes of console assets held in memory; a build is a few hundred KiB. */
const MAX_TOTAL_BYTES = 16 * 1024 * 1024;

/**
 * The console's page may load only its own scripts and styles and talk only to this server: a
 * script injected through data it shows (an app name, a message) could not run or send anything
 * elsewhere. Vue's scoped styles are files in the build, so no inline style or script is needed.
 */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
  /** Hashed file names never change content: cache them for a year. */
  immutable: boolean;
}

/**
 * Serves the console's build (`console/dist`) at `/console`: `index.html` at `/console` and
 * `/console/`, files at `/console/<name>.<ext>` and `/console/assets/...`. The files are read
 * once at start into memory, so a request never touches the file system and no path from a
 * request is ever joined to a directory. The console routes itself with `#/...` fragments, so no
 * page path can collide with the console API under `/console/...`.
 *
 * Without a build, `/console` says how to make one.
 */
export function mountConsoleAssets(router: Router, directory: string): void {
  const assets = loadAssets(directory);
  const index = assets.get('index.html');
  const page = (ctx: Context) => {
    if (!index) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `The console is not built (no ${join(directory, 'index.html')}). Run: npm run build --workspace @parley/console\n`;
      return;
    }
    send(ctx, index);
  };
  router.get('/console', page);
  router.get('/console/', page);
  for (const [name, asset] of assets) {
    if (name === 'index.html') continue;
    router.get(`/console/${name}`, (ctx) => send(ctx, asset));
  }
}

function send(ctx: Context, asset: Asset): void {
  ctx.set(CONSOLE_HEADERS);
  ctx.set('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.set('ETag', asset.etag);
  if (ctx.get('If-None-Match') === asset.etag) {
    ctx.status = 304;
    // Koa answers a 304 without a body; something must be set so the request counts as answered.
    ctx.body = '';
    return;
  }
  ctx.status = 200;
  ctx.type = asset.type;
  ctx.body = asset.body;
}

/** Every servable file under `directory` by its path with `/`; none when there is no build. */
function loadAssets(directory: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  let total = 0;
  const walk = (folder: string, depth: number) => {
    if (depth > 4) return;
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry);
      const stats = statSync(path);
      if (stats.isDirectory()) {
        walk(path, depth + 1);
        continue;
      }
      const type = TYPES[extname(entry).toLowerCase()];
      const name = relative(directory, path).split(sep).join('/');
      // Only names a URL path can carry unescaped; anything else is not part of a Vite build.
      if (!type || !/^[A-Za-z0-9_.\-/]+$/.test(name) || total + stats.size > MAX_TOTAL_BYTES) continue;
      const body = readFileSync(path);
      total += body.length;
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      assets.set(name, { type, body, etag, immutable: name.startsWith('assets/') });
    }
  };
  walk(directory, 0);
  return assets;
}
