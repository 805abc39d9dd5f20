import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The request signature of the open API (DESIGN §3.2, seed "接口签名说明").
 *
 * Reproduces `signature-vectors.json` byte for byte; the server verifies with these same
 * functions, and other-language signers are checked against the same vectors.
 */

/**
 * Request parameters to sign: strings, numbers, booleans, arrays and plain objects (JSON values),
 * as they appear in a JSON body, form body or query string. `null`, `undefined` and `''` are skipped.
 */
export type SignableParams = Readonly<Record<string, unknown>>;

const UNRESERVED = /[A-Za-z0-9_.-]/;

/**
 * PHP `urlencode`: `[A-Za-z0-9_.-]` unchanged, space as `+`, every other UTF-8 byte as `%XX`
 * (uppercase hex). Unlike `encodeURIComponent` it also escapes `!'()*~`.
 */
export function phpUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(char)) out += char;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * RFC 8785 (JCS) canonical JSON: object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings serialised as ECMAScript `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot represent a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
}

/** Step 2: the text a parameter value contributes, or null when it is skipped. */
function valueToString(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return canonicalJson(value);
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The exact string that is hashed: sorted `key=value` pairs (without `sign`, empty and null
 * values) joined by `&`, then `&app_key=<secret>`.
 */
export function stringToSign(params: SignableParams, appSecret: string): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params).sort(compareUtf8)) {
    if (key === 'sign') continue;
    const text = valueToString(params[key]);
    if (text !== null) pairs.push(`${key}=${phpUrlEncode(text)}`);
  }
  pairs.push(`app_key=${appSecret}`);
  return pairs.join('&');
}

/**
 * Computes `sign` for a set of request parameters.
 *
 * @example
 * ```ts
 * const params = { app_id: 'a1b2c3d4e5f6', time_stamp: '1732262400', nonce_str: 'n0nce', userId: '42' };
 * const sign = computeSign(params, appSecret); // 32 uppercase hex characters
 * ```
 */
export function computeSign(params: SignableParams, appSecret: string): string {
  return createHash('md5').update(stringToSign(params, appSecret), 'utf8').digest('hex').toUpperCase();
}

/**
 * Signed parameters as query-string or form fields. Arrays and objects travel as canonical JSON,
 * the exact text they were signed as (any other JSON text would not match `sign`); null and
 * undefined are left out.
 *
 * @example
 * ```ts
 * const query = toSignedFields(api.sign({ userId: 'u1' })).toString(); // for GET /user/sessions?...
 * ```
 */
export function toSignedFields(params: SignableParams): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    fields.append(key, typeof value === 'object' ? canonicalJson(value) : String(value));
  }
  return fields;
}

/** Compares a received `sign` with the expected one in constant time (case-insensitive hex). */
export function signMatches(received: string, expected: string): boolean {
  const a = Buffer.from(received.toUpperCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
