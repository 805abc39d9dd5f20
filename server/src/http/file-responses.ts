import { ErrorCode } from '@parley/sdk/protocol';
import type { Context } from 'koa';
import type { LocatedFile } from '../domain/files/file-access.js';
import type { Services } from '../domain/services.js';
import type { ByteRange } from '../files/ports.js';

/** Web pages of any origin may embed and fetch files: a file URL is the capability, never a cookie. */
export function allowAnyOrigin(ctx: Context): void {
  ctx.set('Access-Control-Allow-Origin', '*');
}

/** Sends a located file: the whole of it, a range, a redirect to the bucket, or 304. */
export async function sendFile(ctx: Context, file: LocatedFile, services: Services): Promise<void> {
  const etag = `"${file.key.fileId}${file.key.variant ? `-${file.key.variant}` : ''}"`;
  ctx.set('X-Content-Type-Options', 'nosniff');
  // Even opened directly, nothing in the file runs or loads anything.
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  allowAnyOrigin(ctx);
  ctx.set('Cache-Control', file.cache.scope === 'public' ? `public, max-age=${file.cache.seconds}, immutable` : `private, max-age=${file.cache.seconds}`);
  if (file.redirect !== null) {
    if (file.cache.scope === 'private') ctx.set('Cache-Control', 'no-store');
    ctx.redirect(file.redirect);
    ctx.body = { status: 1, message: 'the file is served from the storage bucket', data: { url: file.redirect } };
    return;
  }
  ctx.set('ETag', etag);
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('Content-Disposition', contentDisposition(file.inline ? 'inline' : 'attachment', file.key.variant === 'thumb' ? 'thumb.webp' : file.record.name));
  if (ctx.get('if-none-match').split(',').some((tag) => tag.trim() === etag)) {
    ctx.status = 304;
    ctx.body = '';
    return;
  }
  const range = requestedRange(ctx, file.size, etag);
  if (range === 'unsatisfiable') {
    ctx.set('Content-Range', `bytes */${file.size}`);
    ctx.status = 416;
    ctx.body = { status: 0, code: ErrorCode.INVALID_PARAMS, message: `Range: outside the file's ${file.size} bytes` };
    return;
  }
  const object = await services.fileAccess.read(file, range);
  ctx.type = file.contentType;
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${object.size}`);
    ctx.length = range.end - range.start + 1;
  } else {
    ctx.status = 200;
    ctx.length = object.size;
  }
  ctx.body = object.body;
}

/**
 * The one range a `Range` header asks for (RFC 9110 §14): `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Several ranges, another unit, or an `If-Range` that does not match are answered with the whole
 * file, as the RFC allows; a range wholly past the end is unsatisfiable (416).
 */
function requestedRange(ctx: Context, size: number, etag: string): ByteRange | null | 'unsatisfiable' {
  const header = ctx.get('range');
  if (!header) return null;
  const ifRange = ctx.get('if-range');
  if (ifRange && ifRange !== etag) return null;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** `inline` or `attachment` with the name in both forms browsers read (RFC 6266). */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
