import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type Router from '@koa/router';
import { ErrorCode, type SuccessEnvelope, type UploadedFile } from '@parley/sdk/protocol';
import busboy from 'busboy';
import type { Context } from 'koa';
import type { AppContext } from '../../domain/app-context.js';
import { AppError, invalidParams } from '../../domain/errors.js';
import { FILES_ROUTE_PREFIX, parseFilePath } from '../../domain/files/file-urls.js';
import type { LocatedFile } from '../../domain/files/file-access.js';
import { FileTooLargeUpload } from '../../domain/files/upload-service.js';
import type { Services } from '../../domain/services.js';
import type { ByteRange } from '../../files/ports.js';
import { formFields } from '../body.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';

export const UPLOAD_PATH = '/file/upload';
/** The one file field of an upload (seed 002). */
export const UPLOAD_FIELD = 'up_file';
/** What a multipart envelope adds around the file: boundaries and part headers. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const SIGNED_QUERY = new Set(['app_id', 'time_stamp', 'nonce_str', 'sign']);
const TOKEN_QUERY = new Set(['appId', 'token']);

export interface FileRouteOptions {
  services: Services;
}

/**
 * `POST /file/upload` (an end user with a token of the app, or the app's backend with a signed
 * query) and `GET /files/<appId>/<fileId>[/thumb]`, which serves the bytes with headers that keep
 * a browser from running any of them as this server's page.
 */
export function mountFileRoutes(router: Router, { services }: FileRouteOptions): void {
  // Web apps upload from their own origin. The token travels in a header or the query, never in
  // a cookie, so any origin may call: a page that has the token may use it anyway.
  router.options(UPLOAD_PATH, (ctx) => {
    allowAnyOrigin(ctx);
    ctx.set('Access-Control-Allow-Methods', 'POST');
    ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    ctx.set('Access-Control-Max-Age', '86400');
    ctx.status = 204;
    ctx.body = '';
  });
  router.post(UPLOAD_PATH, async (ctx) => {
    allowAnyOrigin(ctx);
    const uploader = await authenticateUpload(ctx, services);
    if (!ctx.request.is('multipart/form-data')) {
      throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `send the file as multipart/form-data, in the field ${UPLOAD_FIELD}`);
    }
    const limit = services.uploads.limitFor(uploader.ctx);
    const declared = Number(ctx.get('content-length'));
    if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD_BYTES) {
      // Refused before a byte of it is read; the connection closes so the rest is not read either.
      ctx.set('Connection', 'close');
      throw new FileTooLargeUpload(limit);
    }
    const origin = `${ctx.protocol}://${ctx.host}`;
    const data = await readUpload(ctx, limit, (file) =>
      services.uploads.upload(uploader.ctx, { ...file, uploaderUserId: uploader.userId, origin }),
    );
    const body: SuccessEnvelope<UploadedFile> = { status: 1, message: 'uploaded', data };
    ctx.body = body;
  });

  const serve = async (ctx: Context) => {
    const key = parseFilePath(ctx.path);
    if (!key) throw new AppError(ErrorCode.NOT_FOUND, 'no such file');
    const query = new URLSearchParams(ctx.querystring);
    const file = await services.fileAccess.locate(key, { expires: query.get('expires') ?? undefined, signature: query.get('signature') ?? undefined });
    await send(ctx, file, services);
  };
  router.get(`${FILES_ROUTE_PREFIX}/:appId/:fileId`, serve);
  router.get(`${FILES_ROUTE_PREFIX}/:appId/:fileId/thumb`, serve);
}

function allowAnyOrigin(ctx: Context): void {
  ctx.set('Access-Control-Allow-Origin', '*');
}

interface Uploader {
  ctx: AppContext;
  /** Null: the app's backend. */
  userId: string | null;
}

/**
 * Who uploads: a signed query is the app's backend (the signature covers the query, not the
 * file); otherwise `appId` and a user token (`token` in the query, or `Authorization: Bearer`).
 */
async function authenticateUpload(ctx: Context, services: Services): Promise<Uploader> {
  const query = formFields(new URLSearchParams(ctx.querystring), 'the query string');
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  if (query.sign !== undefined || query.app_id !== undefined) {
    for (const name of Object.keys(query)) {
      if (!SIGNED_QUERY.has(name) && !TOKEN_QUERY.has(name)) throw invalidParams(name, 'a signed upload takes only app_id, time_stamp, nonce_str and sign in the query');
    }
    for (const name of SIGNED_QUERY) {
      if (!query[name]) throw new AppError(ErrorCode.SIGNATURE_INVALID, `${name}: is required; sign the query of a backend upload (see the signature guide)`);
    }
    // Credentials of two kinds would leave it unclear who uploads: each given must hold, and a user token never does here.
    if (query.token !== undefined || bearer !== undefined) {
      throw new AppError(ErrorCode.TOKEN_INVALID, 'a signed upload is made by the backend: send either a signed query or a user token, not both');
    }
    const app = await services.signatures.verify(query);
    if (query.appId !== undefined && query.appId !== app.app.appId) {
      throw new AppError(ErrorCode.UNKNOWN_APP, 'appId names another app than app_id; a signed upload needs only app_id');
    }
    ctx.state.appId = app.app.appId;
    setRateLimitHeaders(ctx, await services.limits.apiRequest(app));
    return { ctx: app, userId: null };
  }
  for (const name of Object.keys(query)) {
    if (!TOKEN_QUERY.has(name)) throw invalidParams(name, 'an upload takes only appId and token in the query, and the file in the form');
  }
  if (query.token !== undefined && bearer !== undefined && query.token !== bearer) {
    throw new AppError(ErrorCode.TOKEN_INVALID, 'two different tokens: send the user token once, as ?token= or Authorization: Bearer');
  }
  const token = query.token ?? bearer;
  if (!token) throw new AppError(ErrorCode.TOKEN_INVALID, 'send the user token as ?token=<token> or Authorization: Bearer <token>, with ?appId=<appId>');
  if (!query.appId) throw invalidParams('appId', 'is required: the app the user token belongs to');
  const app = await services.apps.open(query.appId);
  ctx.state.appId = app.app.appId;
  const { user } = await services.users.authenticate(app, token);
  await services.limits.userUpload(app, user.userId);
  return { ctx: app, userId: user.userId };
}

interface ReceivedFile {
  body: Readable;
  name: string | undefined;
  declaredType: string | null;
}

/**
 * Streams the form through busboy and hands its one file to `consume` as it arrives. Anything
 * else in the form (another field, a second file, a malformed part) refuses the upload; so does
 * a client that goes away, and `consume` sees its stream fail and keeps nothing.
 */
function readUpload<T>(ctx: Context, limit: number, consume: (file: ReceivedFile) => Promise<T>): Promise<T> {
  const req: IncomingMessage = ctx.req;
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers as IncomingHttpHeaders & { 'content-type': string },
        limits: { files: 1, fileSize: limit + 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 16 },
        defParamCharset: 'utf8',
      });
    } catch (error) {
      reject(invalidParams('body', `is not a multipart form: ${(error as Error).message}`));
      return;
    }
    let settled = false;
    let consuming: Promise<T> | null = null;
    let file: Readable | null = null;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // The upload reading the file stops at once (and removes what it wrote), whatever happens to the request.
      file?.destroy(error);
      // Stop reading; the rest of the body is discarded and the connection closed after the answer.
      req.unpipe(parser);
      req.resume();
      ctx.set('Connection', 'close');
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      if (field !== UPLOAD_FIELD || consuming !== null) {
        stream.resume();
        fail(invalidParams(field, field === UPLOAD_FIELD ? 'send one file per upload' : `is not a field of an upload; send the file as ${UPLOAD_FIELD}`));
        return;
      }
      // Listened to at once: busboy may fail the stream (a form cut short) before the upload
      // has started reading it, and an error nobody listens to would bring the process down.
      let broken: Error | null = null;
      stream.on('error', (error: Error) => (broken = error));
      file = stream;
      consuming = consume({ body: stream, name: info.filename, declaredType: info.mimeType || null });
      consuming.catch((error: unknown) => {
        if (error instanceof AppError) fail(error);
        else if (broken !== null && !settled) fail(invalidParams('body', `is not a complete multipart form (${(broken as Error).message}); nothing was kept`));
        else if (!settled) {
          settled = true;
          reject(error);
        }
      });
    });
    parser.on('field', (field) => fail(invalidParams(field, `is not a field of an upload: the form takes only the file ${UPLOAD_FIELD}; appId and token go in the query`)));
    parser.on('filesLimit', () => fail(invalidParams(UPLOAD_FIELD, 'send one file per upload')));
    parser.on('fieldsLimit', () => fail(invalidParams('body', 'has too many fields')));
    parser.on('partsLimit', () => fail(invalidParams('body', 'has too many parts')));
    parser.on('error', (error: Error) => fail(invalidParams('body', `is not a valid multipart form (${error.message})`)));
    parser.on('close', () => {
      if (settled) return;
      if (consuming === null) {
        fail(invalidParams(UPLOAD_FIELD, 'is required: the file, as a multipart form field'));
        return;
      }
      consuming.then(
        (result) => {
          if (settled) return;
          settled = true;
          resolve(result);
        },
        () => undefined,
      );
    });
    req.on('aborted', () => fail(invalidParams('body', 'the upload was interrupted; nothing was kept')));
    req.pipe(parser);
  });
}

/** Sends a located file: the whole of it, a range, a redirect to the bucket, or 304. */
async function send(ctx: Context, file: LocatedFile, services: Services): Promise<void> {
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
