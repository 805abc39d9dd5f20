import { ErrorCode } from '@parley/sdk/protocol';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { AppError, invalidParams } from '../domain/errors.js';
import { refuseUnsafeJson } from '../schemas/json-limits.js';
import { refuseBracketFields } from './bracket-fields.js';

/** A request body as received: JSON keeps its types, a form body is all text; `none` when no body was sent. */
export type ReceivedBody =
  | { kind: 'json'; fields: Record<string, unknown> }
  | { kind: 'text'; fields: Record<string, string> }
  | { kind: 'none' };

/** The body media types a route takes: signed routes also take forms (seed 002); the console JSON only. */
export type BodyTypes = 'json' | 'json-or-form';

function hasBody(ctx: Context): boolean {
  const { headers } = ctx.request;
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/**
 * Reads a JSON (or, when `types` allows it, form-encoded) body of at most `limit` bytes. Any
 * other media type, or a charset other than UTF-8, is refused with 415, an oversize body with
 * 413, malformed JSON, a non-object, a field nested deeper than `MAX_JSON_DEPTH` (32) levels
 * or a number beyond ±1.8e308 (parsed as Infinity) with 400. A request without a body (no
 * length, or length 0) is `none`.
 */
export async function readBody(ctx: Context, limit: number, types: BodyTypes): Promise<ReceivedBody> {
  if (!hasBody(ctx)) return { kind: 'none' };
  const type = types === 'json' ? ctx.request.is('json') : ctx.request.is('json', 'urlencoded');
  if (!type) {
    throw new AppError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      types === 'json' ? 'send the body as application/json' : 'send the body as application/json or application/x-www-form-urlencoded',
    );
  }

  // Decoded as UTF-8 whatever the header says, a latin1 or UTF-16 body would be read wrongly, not refused.
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'the body must be UTF-8');
  }

  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit, length: ctx.request.headers['content-length'], encoding: 'utf-8' });
  } catch (error) {
    const kind = (error as { type?: string }).type;
    if (kind === 'entity.too.large') {
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than ${limit} bytes`);
    }
    if (kind === 'encoding.unsupported') {
      throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'the body must be UTF-8');
    }
    throw invalidParams('body', 'could not be read completely');
  }

  if (type === 'urlencoded') return { kind: 'text', fields: formFields(new URLSearchParams(text), 'form fields') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParams('body', 'is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidParams('body', 'must be a JSON object');
  }
  // Before the signature is computed over it: canonical JSON cannot print Infinity, and recursion needs a bound.
  refuseUnsafeJson(parsed);
  return { kind: 'json', fields: parsed as Record<string, unknown> };
}

/**
 * Form or query fields as a record. PHP-style `name[]` fields are refused with what to send
 * instead, before anything else looks at them; a field given twice is refused rather than
 * guessed at. Every name becomes an own property, `__proto__` and `toString` included (built
 * with `Object.fromEntries`, never `record[name] = value`), so validation sees it and refuses it
 * as an unknown field instead of it being dropped or shadowing a prototype member.
 */
export function formFields(received: Iterable<[string, string]>, where: 'form fields' | 'the query string'): Record<string, string> {
  const entries = [...received];
  refuseBracketFields(entries, where);
  const seen = new Set<string>();
  for (const [key] of entries) {
    if (seen.has(key)) throw invalidParams(key, 'is given more than once');
    seen.add(key);
  }
  return Object.fromEntries(entries);
}
