import type Router from '@koa/router';
import { ErrorCode, type SuccessEnvelope, type UploadedFile } from '@parley/sdk/protocol';
import type { Context } from 'koa';
import type { AppContext } from '../../domain/app-context.js';
import { SIGNATURE_PARAMS } from '../../domain/apps/request-signature.js';
import { AppError, invalidParams } from '../../domain/errors.js';
import { EXPIRES_PATTERN, FILES_ROUTE_PREFIX, parseFilePath, SIGNATURE_PATTERN } from '../../domain/files/file-urls.js';
import { FileTooLargeUpload } from '../../domain/files/upload-service.js';
import type { Services } from '../../domain/services.js';
import { formFields } from '../body.js';
import { bearerOf, requireSignatureParams } from '../credentials.js';
import { allowAnyOrigin, sendFile } from '../file-responses.js';
import { readUpload, UPLOAD_FIELD } from '../multipart-upload.js';
import { setRateLimitHeaders } from '../rate-limit-headers.js';

export const UPLOAD_PATH = '/file/upload';
/** What a multipart envelope adds around the file: boundaries and part headers. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const SIGNED_QUERY: ReadonlySet<string> = new Set(SIGNATURE_PARAMS);
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
    // A page of another origin may read when to retry a refused upload (429, 503).
    ctx.set('Access-Control-Expose-Headers', 'Retry-After');
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
    const expires = query.get('expires') ?? undefined;
    const signature = query.get('signature') ?? undefined;
    // Checked whether or not the app's files are private: a malformed signature is a broken link, said so at once.
    if (expires !== undefined && !EXPIRES_PATTERN.test(expires)) throw invalidParams('expires', 'must be Unix seconds (1-12 digits)');
    if (signature !== undefined && !SIGNATURE_PATTERN.test(signature)) throw invalidParams('signature', 'must be the signature a file URL came with (base64url, at most 128 characters)');
    const file = await services.fileAccess.locate(key, { expires, signature });
    await sendFile(ctx, file, services);
  };
  router.get(`${FILES_ROUTE_PREFIX}/:appId/:fileId`, serve);
  router.get(`${FILES_ROUTE_PREFIX}/:appId/:fileId/thumb`, serve);
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
  const bearer = bearerOf(ctx);
  if (query.sign !== undefined || query.app_id !== undefined) {
    for (const name of Object.keys(query)) {
      if (!SIGNED_QUERY.has(name) && !TOKEN_QUERY.has(name)) throw invalidParams(name, 'a signed upload takes only app_id, time_stamp, nonce_str and sign in the query');
    }
    requireSignatureParams(query);
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
