import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringToSign } from '@parley/sdk/signing';
import { describe, expect, it } from 'vitest';
import { diagnose, maskSecret } from '../../console/src/signature/diagnose.js';
import { parseJsonBody, parseQueryString, parseRows, type Param } from '../../console/src/signature/parse-request.js';
import { buildStringToSign, CORRECT } from '../../console/src/signature/variants.js';

/**
 * The console's signature debugger, without a browser: it reproduces the published vectors, and
 * each planted mistake is named. The wrong signs are built here by hand, the way a tenant's
 * backend would get them wrong, not with the debugger's own variant builder.
 */

interface Vector {
  name: string;
  params: Record<string, unknown>;
  string_to_sign: string;
  sign: string;
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/signature-vectors.json', import.meta.url), 'utf8')) as { secret: string; cases: Vector[] };
const SECRET = vectors.secret;
const NOW = Date.UTC(2024, 10, 22, 8, 0, 0);
const STAMP = String(Math.floor(NOW / 1000));

const md5 = (text: string, upper = true) => {
  const hex = createHash('md5').update(text, 'utf8').digest('hex');
  return upper ? hex.toUpperCase() : hex;
};
const params = (record: Record<string, unknown>): Param[] => Object.entries(record);

describe('signature debugger: the expected sign', () => {
  it.each(vectors.cases.map((vector) => [vector.name, vector] as const))('reproduces the vector "%s"', (_name, vector) => {
    const result = diagnose({ params: params(vector.params), secret: SECRET, givenSign: vector.sign, now: Number(vector.params['time_stamp']) * 1000 });
    expect(result.stringToSign).toBe(vector.string_to_sign);
    expect(result.expectedSign).toBe(vector.sign);
    expect(result.verdict).toBe('match');
    expect(result.mistakes).toEqual([]);
  });

  it('builds the same string as the SDK when no mistake is chosen', () => {
    for (const vector of vectors.cases) expect(buildStringToSign(params(vector.params), SECRET, CORRECT)).toBe(stringToSign(vector.params, SECRET));
  });

  it('shows the secret masked but its last 4 characters', () => {
    const masked = maskSecret(`a=1&app_key=${SECRET}`, SECRET);
    expect(masked).not.toContain(SECRET);
    expect(masked.endsWith(SECRET.slice(-4))).toBe(true);
  });
});

describe('signature debugger: naming the mistake', () => {
  const base = { app_id: 'a1b2c3d4e5f6', time_stamp: STAMP, nonce_str: 'n0nce', userId: 'u1', name: 'Alice Smith' };
  /** The sorted pairs, each value encoded by `encode`: how a hand-written signer builds them. */
  const pairs = (record: Record<string, string>, encode: (value: string) => string) =>
    Object.keys(record)
      .sort()
      .map((key) => `${key}=${encode(record[key]!)}`)
      .join('&');

  const named = (givenSign: string, record: Record<string, unknown> = base) => diagnose({ params: params(record), secret: SECRET, givenSign, now: NOW });

  it('space encoded as %20 (encodeURIComponent)', () => {
    const result = named(md5(`${pairs(base, encodeURIComponent)}&app_key=${SECRET}`));
    expect(result.verdict).toBe('explained');
    expect(result.mistakes.map((mistake) => mistake.id)).toEqual(['encoding:encodeURIComponent']);
    expect(result.mistakes[0]!.text).toMatch(/space/i);
    expect(result.theirString).toContain('name=Alice%20Smith');
  });

  it('lowercase hex: accepted, but named', () => {
    const result = named(md5(stringToSign(base, SECRET), false));
    expect(result.verdict).toBe('match-lowercase');
    expect(result.mistakes[0]!.text).toMatch(/lowercase/);
  });

  it('nested object in its original key order (JSON.stringify)', () => {
    const content = { content: 'hi', extra: { z: 1, a: 2 } };
    const record = { app_id: 'a1b2c3d4e5f6', time_stamp: STAMP, nonce_str: 'm', senderUserId: 'u1', targetId: 'u2', messageType: 1, content };
    const text = `app_id=a1b2c3d4e5f6&content=${encodeURIComponent(JSON.stringify(content))}&messageType=1&nonce_str=m&senderUserId=u1&targetId=u2&time_stamp=${STAMP}&app_key=${SECRET}`;
    const result = named(md5(text), record);
    expect(result.mistakes.map((mistake) => mistake.id)).toEqual(['jsonKeys:original']);
    expect(result.mistakes[0]!.text).toMatch(/key order/);
  });

  it('parameters not sorted', () => {
    const text = `${Object.entries(base)
      .map(([key, value]) => `${key}=${value.replace(/ /g, '+')}`)
      .join('&')}&app_key=${SECRET}`;
    expect(named(md5(text)).mistakes.map((mistake) => mistake.id)).toEqual(['order:original']);
  });

  it('secret appended without &app_key=', () => {
    const text = `${pairs(base, (value) => value.replace(/ /g, '+'))}${SECRET}`;
    expect(named(md5(text)).mistakes.map((mistake) => mistake.id)).toEqual(['secret:concat']);
  });

  it('sign itself included, and an empty value included', () => {
    const record = { ...base, avatarUri: '', sign: '0123456789ABCDEF0123456789ABCDEF' };
    const withEmpty = `${pairs({ ...base, avatarUri: '' }, (value) => value.replace(/ /g, '+'))}&app_key=${SECRET}`;
    expect(named(md5(withEmpty), record).mistakes.map((mistake) => mistake.id)).toEqual(['empties:include']);
    const withSign = `${pairs({ ...base, sign: record.sign }, (value) => value.replace(/ /g, '+'))}&app_key=${SECRET}`;
    expect(named(md5(withSign), record).mistakes.map((mistake) => mistake.id)).toEqual(['sign:include']);
  });

  it('two mistakes at once: %20 and lowercase hex', () => {
    const result = named(md5(`${pairs(base, encodeURIComponent)}&app_key=${SECRET}`, false));
    expect(result.mistakes.map((mistake) => mistake.id)).toEqual(['encoding:encodeURIComponent', 'lowercase']);
  });

  it('another secret is not explained away', () => {
    const result = named(md5(stringToSign(base, 'some-other-secret')));
    expect(result.verdict).toBe('unexplained');
  });

  it('a sign that is no MD5 hex', () => {
    expect(named('abc').verdict).toBe('malformed-sign');
  });
});

describe('signature debugger: what the server refuses anyway', () => {
  const record = (time_stamp: string) => ({ app_id: 'a1b2c3d4e5f6', time_stamp, nonce_str: 'n', userId: 'u1' });
  const warnings = (time_stamp: string) =>
    diagnose({ params: params(record(time_stamp)), secret: SECRET, givenSign: null, now: NOW }).warnings.map((warning) => warning.id);

  it('a stale time_stamp, even when the sign matches', () => {
    const stale = String(Math.floor(NOW / 1000) - 3600);
    const result = diagnose({ params: params(record(stale)), secret: SECRET, givenSign: md5(stringToSign(record(stale), SECRET)), now: NOW });
    expect(result.verdict).toBe('match');
    expect(result.warnings.map((warning) => warning.id)).toEqual(['time-stamp-stale']);
    expect(result.warnings[0]!.text).toMatch(/60 minutes in the past/);
  });

  it('13 digits are milliseconds', () => {
    expect(warnings(String(NOW))).toEqual(['time-stamp-millis']);
    expect(warnings(String(NOW - 600_000))).toEqual(['time-stamp-millis', 'time-stamp-stale']);
    expect(warnings(String(Math.floor(NOW / 1000) + 200))).toEqual([]);
  });

  it('missing signature parameters and another app', () => {
    const result = diagnose({ params: [['app_id', 'ffffffffffffffff'], ['userId', 'u1']], secret: SECRET, givenSign: null, appId: '0123456789abcdef', now: NOW });
    expect(result.warnings.map((warning) => warning.id)).toEqual(['missing-params', 'other-app']);
    expect(result.warnings[0]!.text).toContain('time_stamp, nonce_str are missing');
  });
});

describe('signature debugger: reading a pasted request', () => {
  it('query strings decode + as a space and keep the given order', () => {
    const parsed = parseQueryString('https://im.example.com/user/getToken?userId=u1&name=Alice+Smith&app_id=x');
    expect(parsed).toEqual({ ok: true, request: { params: [['userId', 'u1'], ['name', 'Alice Smith'], ['app_id', 'x']], duplicates: [] } });
  });

  it('JSON bodies keep nested values; anything but an object is refused', () => {
    const parsed = parseJsonBody('{"userIds":["1","2"],"n":1}');
    expect(parsed.ok && parsed.request.params).toEqual([['userIds', ['1', '2']], ['n', 1]]);
    expect(parseJsonBody('[1]').ok).toBe(false);
    expect(parseJsonBody('{').ok).toBe(false);
  });

  it('rows skip empty lines and report repeated keys', () => {
    const parsed = parseRows([{ key: 'a', value: '1' }, { key: '', value: '' }, { key: 'a', value: '2' }]);
    expect(parsed).toEqual({ ok: true, request: { params: [['a', '2']], duplicates: ['a'] } });
    expect(parseRows([{ key: '', value: 'x' }]).ok).toBe(false);
  });
});
