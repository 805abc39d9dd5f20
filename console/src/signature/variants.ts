import { canonicalJson, phpUrlEncode } from '@parley/sdk/signing';
import type { Param } from './parse-request';

/**
 * Strings to sign built the wrong ways people build them. Each {@link Dimension} is one step of
 * the rule (DESIGN §3.2) with its correct option first and the usual mistakes after it; the
 * debugger hashes combinations until one reproduces the tenant's sign, and so names the mistake.
 */

export interface Variant {
  encoding: 'php' | 'encodeURIComponent' | 'rawurlencode' | 'marks' | 'none';
  jsonKeys: 'sorted' | 'original';
  jsonSpaces: 'none' | 'python';
  jsonUnicode: 'raw' | 'escaped';
  jsonSlashes: 'raw' | 'escaped';
  order: 'bytes' | 'original' | 'ignore-case';
  empties: 'skip' | 'include';
  sign: 'exclude' | 'include';
  secret: 'app_key' | 'concat' | 'ampersand' | 'none' | 'sorted';
}

export const CORRECT: Variant = {
  encoding: 'php',
  jsonKeys: 'sorted',
  jsonSpaces: 'none',
  jsonUnicode: 'raw',
  jsonSlashes: 'raw',
  order: 'bytes',
  empties: 'skip',
  sign: 'exclude',
  secret: 'app_key',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on lone surrogates; UTF-8 encoders write U+FFFD for them. */
function uriComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

function percent(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

const ENCODERS: Record<Variant['encoding'], (text: string) => string> = {
  php: phpUrlEncode,
  // JavaScript's encoder: space as %20, and ! ' ( ) * ~ left alone.
  encodeURIComponent: uriComponent,
  // PHP rawurlencode (RFC 3986): space as %20, only ~ left alone.
  rawurlencode: (text) => uriComponent(text).replace(/[!'()*]/g, percent),
  // encodeURIComponent with space fixed up to +, marks still unescaped.
  marks: (text) => uriComponent(text).replace(/%20/g, '+'),
  none: (text) => text,
};

/** Code point order, which is the byte order of UTF-8: what "sort by bytes" means. */
export function compareBytes(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i]!.codePointAt(0)!;
    const y = right[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

function compareIgnoringCase(a: string, b: string): number {
  return compareBytes(a.toLowerCase(), b.toLowerCase()) || compareBytes(a, b);
}

function quote(text: string, variant: Variant): string {
  let json = JSON.stringify(text);
  // Python's json.dumps and PHP's json_encode escape these unless told not to.
  if (variant.jsonUnicode === 'escaped') json = json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (variant.jsonSlashes === 'escaped') json = json.replace(/\//g, '\\/');
  return json;
}

/** JSON text of a nested value, written as `variant` says. */
export function jsonText(value: unknown, variant: Variant): string {
  const plain = variant.jsonKeys === 'sorted' && variant.jsonSpaces === 'none' && variant.jsonUnicode === 'raw' && variant.jsonSlashes === 'raw';
  if (plain) return canonicalJson(value);
  if (typeof value === 'string') return quote(value, variant);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const comma = variant.jsonSpaces === 'python' ? ', ' : ',';
  if (Array.isArray(value)) return `[${value.map((item: unknown) => jsonText(item ?? null, variant)).join(comma)}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  if (variant.jsonKeys === 'sorted') keys.sort();
  const colon = variant.jsonSpaces === 'python' ? ': ' : ':';
  return `{${keys.map((key) => `${quote(key, variant)}${colon}${jsonText(record[key], variant)}`).join(comma)}}`;
}

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function valueText(value: unknown, variant: Variant): string {
  if (isEmpty(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return jsonText(value, variant);
  return String(value);
}

/** The string to sign of `params` and `secret`, built as `variant` says. */
export function buildStringToSign(params: readonly Param[], secret: string, variant: Variant): string {
  let kept = params.filter(([key, value]) => (key !== 'sign' || variant.sign === 'include') && (!isEmpty(value) || variant.empties === 'include'));
  if (variant.secret === 'sorted') kept = [...kept, ['app_key', secret]];
  if (variant.order === 'bytes') kept = [...kept].sort(([a], [b]) => compareBytes(a, b));
  else if (variant.order === 'ignore-case') kept = [...kept].sort(([a], [b]) => compareIgnoringCase(a, b));
  const encode = ENCODERS[variant.encoding];
  const base = kept.map(([key, value]) => `${key}=${encode(valueText(value, variant))}`).join('&');
  switch (variant.secret) {
    case 'app_key':
      return base === '' ? `app_key=${secret}` : `${base}&app_key=${secret}`;
    case 'concat':
      return `${base}${secret}`;
    case 'ampersand':
      return `${base}&${secret}`;
    case 'none':
    case 'sorted':
      return base;
  }
}

/** One step of the rule: its options, the correct one first, each wrong one only where it could change the string. */
export interface Dimension<K extends keyof Variant = keyof Variant> {
  key: K;
  options: Variant[K][];
}

function structuredValues(params: readonly Param[]): unknown[] {
  return params.map(([, value]) => value).filter((value) => typeof value === 'object' && value !== null);
}

function hasUnsortedKeys(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasUnsortedKeys);
  const keys = Object.keys(value);
  const sorted = [...keys].sort();
  return keys.some((key, index) => key !== sorted[index]) || Object.values(value).some(hasUnsortedKeys);
}

function sameOrder(a: readonly Param[], b: readonly Param[]): boolean {
  return a.every(([key], index) => key === b[index]?.[0]);
}

/** The dimensions worth trying for these parameters. */
export function dimensionsFor(params: readonly Param[]): Dimension[] {
  const texts = params.map(([, value]) => valueText(value, CORRECT)).join('');
  const structured = structuredValues(params);
  const json = structured.map((value) => canonicalJson(value)).join('');
  const signed = params.filter(([key, value]) => key !== 'sign' && !isEmpty(value));
  const byBytes = [...signed].sort(([a], [b]) => compareBytes(a, b));
  const ignoringCase = [...signed].sort(([a], [b]) => compareIgnoringCase(a, b));
  const encodings: Variant['encoding'][] = ['php'];
  if (/[ !'()*~]/.test(texts)) encodings.push('encodeURIComponent');
  if (/[ ~]/.test(texts)) encodings.push('rawurlencode');
  if (/[!'()*~]/.test(texts)) encodings.push('marks');
  if (/[^A-Za-z0-9_.-]/.test(texts)) encodings.push('none');
  const dimensions: Dimension[] = [
    { key: 'encoding', options: encodings },
    { key: 'jsonKeys', options: structured.some(hasUnsortedKeys) ? ['sorted', 'original'] : ['sorted'] },
    { key: 'jsonSpaces', options: json.length > 2 ? ['none', 'python'] : ['none'] },
    { key: 'jsonUnicode', options: /[^\x00-\x7f]/.test(json) ? ['raw', 'escaped'] : ['raw'] },
    { key: 'jsonSlashes', options: json.includes('/') ? ['raw', 'escaped'] : ['raw'] },
    {
      key: 'order',
      options: ['bytes', ...(sameOrder(signed, byBytes) ? [] : (['original'] as const)), ...(sameOrder(ignoringCase, byBytes) ? [] : (['ignore-case'] as const))],
    },
    { key: 'empties', options: params.some(([key, value]) => key !== 'sign' && isEmpty(value)) ? ['skip', 'include'] : ['skip'] },
    { key: 'sign', options: params.some(([key, value]) => key === 'sign' && !isEmpty(value)) ? ['exclude', 'include'] : ['exclude'] },
    { key: 'secret', options: ['app_key', 'concat', 'ampersand', 'none', 'sorted'] },
  ];
  return dimensions;
}

/**
 * Every combination with at most `maxMistakes` wrong options, fewest first, so the simplest
 * explanation of a sign is the one found.
 */
export function* variants(dimensions: readonly Dimension[], maxMistakes: number): Generator<Variant> {
  for (let mistakes = 1; mistakes <= maxMistakes; mistakes++) yield* combine(dimensions, 0, { ...CORRECT }, mistakes);
}

function* combine(dimensions: readonly Dimension[], index: number, current: Variant, left: number): Generator<Variant> {
  if (index === dimensions.length) {
    if (left === 0) yield { ...current };
    return;
  }
  const dimension = dimensions[index]!;
  for (const [position, option] of dimension.options.entries()) {
    const cost = position === 0 ? 0 : 1;
    if (cost > left) continue;
    const next: Variant = { ...current, [dimension.key]: option };
    yield* combine(dimensions, index + 1, next, left - cost);
  }
}
