import { stringToSign } from '@parley/sdk/signing';
import { md5Upper } from './md5';
import type { Param } from './parse-request';
import { buildStringToSign, CORRECT, dimensionsFor, variants, type Variant } from './variants';

/**
 * The signature debugger's logic: the string to sign and the expected `sign` for pasted
 * parameters, and, when the tenant's own sign differs, which usual mistake reproduces it.
 * Pure functions (the clock is a parameter), so they are tested without a browser.
 */

/** How far `time_stamp` may be from the server's clock (DESIGN §3.2). */
export const TIME_WINDOW_SECONDS = 300;

/** Mistakes that can be combined: at most this many at once are tried (a few thousand hashes at worst). */
const MAX_COMBINED_MISTAKES = 3;

export type FindingId =
  | `${keyof Variant}:${string}`
  | 'lowercase'
  | 'malformed-sign'
  | 'time-stamp-stale'
  | 'time-stamp-invalid'
  | 'time-stamp-millis'
  | 'missing-params'
  | 'other-app'
  | 'duplicates';

export interface Finding {
  id: FindingId;
  /** Plain words: what was done, and what the rule wants instead. */
  text: string;
}

export type Verdict =
  /** No sign given: only the expected one is shown. */
  | 'no-sign'
  | 'match'
  /** Right hash in lowercase hex: the server accepts it. */
  | 'match-lowercase'
  /** A different sign, reproduced by the variant whose mistakes are listed. */
  | 'explained'
  /** A different sign none of the known mistakes reproduces (most likely another secret). */
  | 'unexplained'
  /** Not 32 hex characters: not an MD5 hex digest at all. */
  | 'malformed-sign';

export interface Diagnosis {
  /** The exact string the server hashes (it contains the secret). */
  stringToSign: string;
  expectedSign: string;
  givenSign: string | null;
  verdict: Verdict;
  /** What explains the difference (empty unless `explained`, or `match-lowercase`). */
  mistakes: Finding[];
  /** The string to sign the tenant's sign was computed over, when `explained`. */
  theirString: string | null;
  /** Problems the server will refuse even with the right sign (clock, missing fields, other app). */
  warnings: Finding[];
}

export interface DiagnoseInput {
  params: readonly Param[];
  secret: string;
  /** The tenant's sign: typed in, or the `sign` parameter of the request. */
  givenSign: string | null;
  /** The app being debugged, to notice a request signed for another app. */
  appId?: string;
  /** Milliseconds since epoch. */
  now: number;
  /** Keys the pasted request gave more than once (see parse-request). */
  duplicates?: readonly string[];
}

const MISTAKES: Record<string, string> = {
  'encoding:encodeURIComponent':
    'Spaces were encoded as %20 instead of + (as encodeURIComponent does). Encode values like PHP urlencode: space as +, and ! \' ( ) * ~ as %21 %27 %28 %29 %2A %7E.',
  'encoding:rawurlencode': 'Spaces were encoded as %20 instead of + (as rawurlencode and RFC 3986 encoders do). Encode values like PHP urlencode: space as +, ~ as %7E.',
  'encoding:marks': "The characters ! ' ( ) * ~ were left as they are. PHP urlencode writes them as %21 %27 %28 %29 %2A %7E.",
  'encoding:none': 'The values were not URL-encoded. Encode each value the way PHP urlencode does before joining key=value pairs.',
  'jsonKeys:original':
    'A nested object was serialised in its original key order (as JSON.stringify does). Arrays and objects are signed as canonical JSON: keys sorted at every level.',
  'jsonSpaces:python': "The JSON of an array or object has spaces after , and : (Python's json.dumps default). Canonical JSON has no whitespace.",
  'jsonUnicode:escaped': 'Non-ASCII characters in JSON were escaped as \\uXXXX. Canonical JSON writes them as they are (JSON_UNESCAPED_UNICODE, ensure_ascii=False).',
  'jsonSlashes:escaped': 'Slashes in JSON were escaped as \\/ (PHP json_encode default). Canonical JSON leaves / as it is (JSON_UNESCAPED_SLASHES).',
  'order:original': 'The parameters were not sorted: they were joined in the order given. Sort them by key.',
  'order:ignore-case': 'The keys were sorted ignoring case. Sort by bytes: uppercase letters come before lowercase (Z before a).',
  'empties:include': 'An empty value was included (as key=). Parameters whose value is empty or null are left out of the string to sign.',
  'sign:include': 'The sign parameter itself was included in the string to sign. Leave it out.',
  'secret:concat': 'The secret was appended without &app_key=. End the string with &app_key=<secret>.',
  'secret:ampersand': 'The secret was appended as &<secret>, without app_key=. End the string with &app_key=<secret>.',
  'secret:none': 'The secret was not appended at all. End the string with &app_key=<secret>.',
  'secret:sorted': 'app_key was sorted in among the other parameters. It goes last, after the sorted parameters.',
};

function mistakesOf(variant: Variant): Finding[] {
  const findings: Finding[] = [];
  for (const key of Object.keys(CORRECT) as (keyof Variant)[]) {
    if (variant[key] === CORRECT[key]) continue;
    const id = `${key}:${variant[key]}` as const;
    findings.push({ id, text: MISTAKES[id] ?? id });
  }
  return findings;
}

const LOWERCASE: Finding = {
  id: 'lowercase',
  text: 'Your sign is lowercase hex. The server compares case-insensitively and accepts it, but the rule is uppercase hex (strtoupper(md5(...))).',
};

/** Searches the usual mistakes for one that gives `given` (uppercase); null when none does. */
export function findVariant(params: readonly Param[], secret: string, given: string): { variant: Variant; text: string } | null {
  const tried = new Set<string>([buildStringToSign(params, secret, CORRECT)]);
  for (const variant of variants(dimensionsFor(params), MAX_COMBINED_MISTAKES)) {
    const text = buildStringToSign(params, secret, variant);
    if (tried.has(text)) continue;
    tried.add(text);
    if (md5Upper(text) === given) return { variant, text };
  }
  return null;
}

function valueOf(params: readonly Param[], key: string): unknown {
  return params.find(([name]) => name === key)?.[1];
}

function describeOffset(seconds: number): string {
  const size = Math.abs(seconds);
  const amount = size >= 172800 ? `${Math.round(size / 86400)} days` : size >= 7200 ? `${Math.round(size / 3600)} hours` : size >= 120 ? `${Math.round(size / 60)} minutes` : `${Math.round(size)} seconds`;
  return `${amount} ${seconds < 0 ? 'in the past' : 'in the future'}`;
}

/** What the server would say about `time_stamp` however good the sign: it must be within 5 minutes. */
export function checkTimeStamp(value: unknown, now: number): Finding[] {
  if (value === undefined || value === null || value === '') return [];
  const text = String(value).trim();
  if (!/^\d{1,13}$/.test(text)) return [{ id: 'time-stamp-invalid', text: `time_stamp "${text}" is not Unix time: send whole seconds, e.g. ${Math.floor(now / 1000)}.` }];
  const millis = text.length === 13;
  const at = millis ? Number(text) : Number(text) * 1000;
  const offset = (at - now) / 1000;
  const findings: Finding[] = [];
  if (millis) findings.push({ id: 'time-stamp-millis', text: 'time_stamp has 13 digits, so it is read as milliseconds. Seconds are the documented unit.' });
  if (Math.abs(offset) > TIME_WINDOW_SECONDS) {
    findings.push({
      id: 'time-stamp-stale',
      text: `time_stamp is ${describeOffset(offset)} (by this computer's clock); the server accepts 5 minutes either way and answers SIGNATURE_EXPIRED. Sign each request with the current time.`,
    });
  }
  return findings;
}

function checkRequired(params: readonly Param[], appId: string | undefined): Finding[] {
  const findings: Finding[] = [];
  const missing = ['app_id', 'time_stamp', 'nonce_str'].filter((key) => {
    const value = valueOf(params, key);
    return value === undefined || value === null || value === '';
  });
  if (missing.length > 0) {
    findings.push({ id: 'missing-params', text: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: every signed request carries app_id, time_stamp, nonce_str and sign, and all but sign are signed.` });
  }
  const given = valueOf(params, 'app_id');
  if (appId !== undefined && typeof given === 'string' && given !== '' && given !== appId) {
    findings.push({ id: 'other-app', text: `app_id is ${given}, but this app's id is ${appId}: the server checks the sign with the secret of the app named by app_id.` });
  }
  return findings;
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const { params, secret } = input;
  const record = Object.fromEntries(params);
  const exact = stringToSign(record, secret);
  const expectedSign = md5Upper(exact);
  const warnings = [...checkRequired(params, input.appId), ...checkTimeStamp(valueOf(params, 'time_stamp'), input.now)];
  if (input.duplicates !== undefined && input.duplicates.length > 0) {
    warnings.push({ id: 'duplicates', text: `${input.duplicates.join(', ')} appear more than once; the last value was used. Send each parameter once.` });
  }
  const result: Diagnosis = { stringToSign: exact, expectedSign, givenSign: null, verdict: 'no-sign', mistakes: [], theirString: null, warnings };
  const given = input.givenSign?.trim() ?? '';
  if (given === '') return result;
  result.givenSign = given;
  if (!/^[0-9a-fA-F]{32}$/.test(given)) {
    const hint = /^[0-9a-fA-F]{40}$/.test(given) ? ' It looks like SHA-1; sign is an MD5.' : '';
    result.verdict = 'malformed-sign';
    result.mistakes = [{ id: 'malformed-sign', text: `A sign is 32 hex characters (an MD5); yours has ${given.length} characters.${hint}` }];
    return result;
  }
  const upper = given.toUpperCase();
  const lowercase = given !== upper;
  if (upper === expectedSign) {
    result.verdict = lowercase ? 'match-lowercase' : 'match';
    result.mistakes = lowercase ? [LOWERCASE] : [];
    return result;
  }
  const found = findVariant(params, secret, upper);
  if (found === null) {
    result.verdict = 'unexplained';
    return result;
  }
  result.verdict = 'explained';
  result.theirString = found.text;
  result.mistakes = [...mistakesOf(found.variant), ...(lowercase ? [LOWERCASE] : [])];
  return result;
}

/** The string to sign with the secret hidden but its last 4 characters, to show on screen. */
export function maskSecret(text: string, secret: string): string {
  if (secret === '') return text;
  const masked = `${'•'.repeat(8)}${secret.slice(-4)}`;
  return text.split(secret).join(masked);
}
