/**
 * `@parley/sdk/signing`: how the open API's string to sign is built (DESIGN §3.2), with no
 * secret storage, no hashing and no Node imports, so browser tools (the console's signature
 * debugger) build exactly the string the server checks. The MD5 step and the secret stay on the
 * tenant's backend: see `@parley/sdk/server`.
 *
 * Reproduces `signature-vectors.json` byte for byte.
 *
 * @packageDocumentation
 * @module @parley/sdk/signing
 */

/**
 * Request parameters to sign: strings, numbers, booleans, arrays and plain objects (JSON values),
 * as they appear in a JSON body, form body or query string. `null`, `undefined` and `''` are skipped.
 */
export type SignableParams = Readonly<Record<string, unknown>>;

/** Characters `encodeURIComponent` leaves alone that PHP `urlencode` escapes. */
const PHP_ESCAPES: Readonly<Record<string, string>> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A', '~': '%7E', '%20': '+' };
/** Surrogates without their other half; UTF-8 encoders write them as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What `urlencode` leaves as it is: letters, digits, `-`, `_` and `.`. */
const NOTHING_TO_ENCODE = /^[\w.-]*$/;

/**
 * PHP `urlencode`: `[A-Za-z0-9_.-]` unchanged, space as `+`, every other UTF-8 byte as `%XX`
 * (uppercase hex). Unlike `encodeURIComponent` it also escapes `!'()*~`.
 *
 * Built on the engine's `encodeURIComponent` (which works on whole strings), then the few
 * differences fixed up: a megabyte costs milliseconds, not the half second a byte loop takes.
 */
export function phpUrlEncode(value: string): string {
  // Ids, nonces and timestamps, most of what is signed, have nothing to encode.
  if (NOTHING_TO_ENCODE.test(value)) return value;
  const encoded = encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  // Scanning the input is cheaper than scanning its (up to 9 times longer) encoding.
  return /[ !'()*~]/.test(value) ? encoded.replace(/[!'()*~]|%20/g, (match) => PHP_ESCAPES[match]!) : encoded;
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

/** A UTF-16 code unit's rank in UTF-8 byte order: surrogates (astral characters) sort after U+E000-U+FFFF. */
function utf8Rank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}

/** Byte order of the UTF-8 encodings (which is code point order), without encoding either string. */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

/**
 * The string to sign without its secret: sorted `key=value` pairs (without `sign`, empty and null
 * values) joined by `&`. A verifier builds it once and appends each live secret.
 */
export function signingBase(params: SignableParams): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params).sort(compareUtf8)) {
    if (key === 'sign') continue;
    const text = valueToString(params[key]);
    if (text !== null) pairs.push(`${key}=${phpUrlEncode(text)}`);
  }
  return pairs.join('&');
}

/** The exact string that is hashed: {@link signingBase}, then `&app_key=<secret>`. */
export function stringToSign(params: SignableParams, appSecret: string): string {
  const base = signingBase(params);
  return base === '' ? `app_key=${appSecret}` : `${base}&app_key=${appSecret}`;
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
