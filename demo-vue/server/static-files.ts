import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves the built app from `root` (demo-vue/dist): files by path, `index.html` for any other
 * page path (the app has no server routes), and a plain hint when the app was not built.
 */
export function staticFiles(root: string, headers: Record<string, string>): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const base = normalize(root + sep);

  async function file(path: string): Promise<{ path: string; size: number } | null> {
    try {
      const info = await stat(path);
      return info.isFile() ? { path, size: info.size } : null;
    } catch {
      return null;
    }
  }

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad path\n');
      return;
    }
    const wanted = normalize(join(base, pathname));
    const inside = wanted.startsWith(base) && !pathname.includes('\0');
    let found = inside && pathname !== '/' ? await file(wanted) : null;
    let isIndex = false;
    if (!found) {
      // Missing assets are 404s; any other path is a page of the app.
      if (pathname.startsWith('/assets/') || extname(pathname) !== '') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end('not found\n');
        return;
      }
      found = await file(join(base, 'index.html'));
      isIndex = true;
    }
    if (!found) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The demo app is not built yet: run `npm run build -w @parley/demo-vue` (or `npm run demo` from the repository root).\n');
      return;
    }
    const immutable = !isIndex && pathname.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream',
      'content-length': found.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...headers,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.path)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
