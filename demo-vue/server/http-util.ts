import type { IncomingMessage, ServerResponse } from 'node:http';

/** A refusal with an HTTP status and a stable code, answered as `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Largest JSON body the demo API reads. */
export const MAX_BODY_BYTES = 16 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Reads a JSON object body of at most MAX_BODY_BYTES. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send a JSON body (content-type: application/json)');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body may be at most ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body may be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_PARAMS', 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'INVALID_PARAMS', 'the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const USER_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A user id of the demo: 1-32 letters, digits, `_` or `-`. */
export function userIdField(value: unknown, field: string): string {
  if (typeof value !== 'string' || !USER_ID.test(value)) {
    throw new HttpError(400, 'INVALID_PARAMS', `${field}: a user id is 1-32 letters, digits, "_" or "-"`);
  }
  return value;
}

/** An optional display name: trimmed, 1-64 characters, no control characters. */
export function nameField(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null || (value === '' && !required)) {
    if (required) throw new HttpError(400, 'INVALID_PARAMS', `${field}: required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new HttpError(400, 'INVALID_PARAMS', `${field}: must be a string`);
  const name = value.trim();
  // eslint-disable-next-line no-control-regex
  if (name.length < 1 || name.length > 64 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new HttpError(400, 'INVALID_PARAMS', `${field}: 1-64 characters, no control characters`);
  }
  return name;
}

/** A list of user ids, 1 to `max` of them, without duplicates. */
export function userIdsField(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new HttpError(400, 'INVALID_PARAMS', `${field}: a non-empty array of user ids`);
  if (value.length > max) throw new HttpError(400, 'INVALID_PARAMS', `${field}: at most ${max} user ids`);
  return [...new Set(value.map((id, index) => userIdField(id, `${field}[${index}]`)))];
}
