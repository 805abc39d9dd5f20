import type { SuccessEnvelope } from '@parley/sdk/protocol';
import { ErrorCode } from '@parley/sdk/protocol';
import type { Context } from 'koa';
import { APP_ID_PATTERN } from '../domain/apps/app-service.js';
import { SIGNATURE_PARAMS } from '../domain/apps/request-signature.js';
import { AppError, invalidParams } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { formFields, readBody, type BodyTypes } from './body.js';
import { bearerOf, requireSignatureParams } from './credentials.js';
import type { BodyRule, ConsoleRoute, PublicRoute, Route, SignedRoute } from './route.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';
import { readTextFields } from './validate.js';

export interface DispatchDeps {
  services: Services;
  maxBodyBytes: number;
  /** Largest body of a signed route: read before the signature is computed over it, so kept small. */
  signedBodyMaxBytes: number;
}

/** Parameters of a request split by how they arrived: JSON keeps types, query and form are text. */
interface ReceivedParams {
  json: Record<string, unknown>;
  text: Record<string, string>;
}

/** Turns a route declaration into a Koa handler: authenticate, validate, call, wrap in the envelope. */
export function dispatch(route: Route, deps: DispatchDeps): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const data = await run(route, ctx, deps);
    const body: SuccessEnvelope<unknown> = { status: 1, message: route.successMessage, data: data ?? null };
    ctx.status = 200;
    ctx.body = body;
  };
}

function run(route: Route, ctx: Context, deps: DispatchDeps): Promise<unknown> {
  switch (route.auth) {
    case 'signature':
      return runSigned(route, ctx, deps);
    case 'console':
      return runConsole(route, ctx, deps);
    case 'none':
      return runPublic(route, ctx, deps);
  }
}

async function runSigned(route: SignedRoute, ctx: Context, deps: DispatchDeps): Promise<unknown> {
  // Signed routes take fields from a query string or a JSON or form body (seed 002); the body
  // is not required on its own, the route's required fields are.
  const received = await receive(ctx, deps.signedBodyMaxBytes, 'json-or-form', 'optional');
  const params = { ...received.text, ...received.json };
  requireSignatureParams(params);
  // The signature covers the parameters exactly as they arrived.
  const app = await deps.services.signatures.verify(params);
  ctx.state.appId = app.app.appId;
  // Counted only once the request is known to be the app's own, so nobody else can spend its budget.
  setRateLimitHeaders(ctx, await deps.services.limits.apiRequest(app));
  return route.execute(fieldsFor(route.input, withoutSignature(received)), app);
}

async function runConsole(route: ConsoleRoute, ctx: Context, deps: DispatchDeps): Promise<unknown> {
  const token = bearerToken(ctx);
  const tenantId = await deps.services.tenants.authenticate(token);
  // For the request's log line; the route itself checks that the app is the tenant's.
  const appId: unknown = ctx.params['appId'];
  if (typeof appId === 'string' && APP_ID_PATTERN.test(appId)) ctx.state.appId = appId;
  const fields = route.input ? fieldsFor(route.input, await receive(ctx, deps.maxBodyBytes, 'json', route.body)) : undefined;
  return route.execute(fields, { tenantId, token, ip: ctx.ip }, ctx.params);
}

async function runPublic(route: PublicRoute, ctx: Context, deps: DispatchDeps): Promise<unknown> {
  const fields = route.input ? fieldsFor(route.input, await receive(ctx, deps.maxBodyBytes, 'json', route.body)) : undefined;
  return route.execute(fields, { ip: ctx.ip });
}

/** Query fields, plus the body for methods that have one. A field may not come from both. */
async function receive(ctx: Context, maxBodyBytes: number, types: BodyTypes, rule: BodyRule): Promise<ReceivedParams> {
  const query = formFields(new URLSearchParams(ctx.querystring), 'the query string');
  if (ctx.method === 'GET' || ctx.method === 'DELETE') return { json: {}, text: query };
  const body = await readBody(ctx, maxBodyBytes, types);
  if (body.kind === 'none') {
    if (rule === 'required') throw invalidParams('body', `is required: send the fields as ${types === 'json' ? 'a JSON object' : 'a JSON object or a form'}`);
    return { json: {}, text: query };
  }
  for (const key of Object.keys(body.fields)) {
    if (Object.hasOwn(query, key)) throw invalidParams(key, 'is given both in the query string and in the body');
  }
  return body.kind === 'json' ? { json: body.fields, text: query } : { json: {}, text: { ...query, ...body.fields } };
}


/**
 * Route fields without the signature parameters. Empty values are dropped, as the signature
 * drops them: a field that is not signed is not trusted, and an empty field means "absent"
 * (the document says so for every optional field). `null` is kept, so that a field whose
 * schema does not allow it is refused rather than silently read as absent.
 */
function withoutSignature(received: ReceivedParams): ReceivedParams {
  const keep = ([key, value]: [string, unknown]) => !(SIGNATURE_PARAMS as readonly string[]).includes(key) && value !== '';
  return {
    json: Object.fromEntries(Object.entries(received.json).filter(keep)),
    text: Object.fromEntries(Object.entries(received.text).filter(keep)),
  };
}

/** The fields to validate: text read as the type each field of `schema` expects, JSON as it came. */
function fieldsFor(schema: Parameters<typeof readTextFields>[0], received: ReceivedParams): Record<string, unknown> {
  return { ...readTextFields(schema, received.text), ...received.json };
}

function bearerToken(ctx: Context): string {
  const token = bearerOf(ctx);
  if (!token) throw new AppError(ErrorCode.TOKEN_INVALID, 'send the console token as Authorization: Bearer <token>');
  return token;
}
