import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, computeSign, phpUrlEncode, signMatches, stringToSign, toSignedFields } from '../src/server/signature.js';

interface VectorFile {
  secret: string;
  cases: { name: string; params: Record<string, unknown>; string_to_sign: string; sign: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/signature-vectors.json', import.meta.url), 'utf8'),
) as VectorFile;

describe('signature vectors', () => {
  it('has cases to check', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const vector of vectors.cases) {
    it(`reproduces "${vector.name}"`, () => {
      expect(stringToSign(vector.params, vectors.secret)).toBe(vector.string_to_sign);
      expect(computeSign(vector.params, vectors.secret)).toBe(vector.sign);
    });
  }
});

describe('phpUrlEncode', () => {
  it('keeps only [A-Za-z0-9_.-], turns space into + and escapes the rest in uppercase hex', () => {
    expect(phpUrlEncode('aZ09_.-')).toBe('aZ09_.-');
    expect(phpUrlEncode(" !'()*~")).toBe('+%21%27%28%29%2A%7E');
    expect(phpUrlEncode('é')).toBe('%C3%A9');
    expect(phpUrlEncode('😀')).toBe('%F0%9F%98%80');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
  });

  it('prints numbers the ECMAScript way', () => {
    expect(canonicalJson([1.0, 0.1, 1e21, -0])).toBe('[1,0.1,1e+21,0]');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
  });
});

describe('signMatches', () => {
  it('accepts the same hex in either case and rejects anything else', () => {
    const sign = computeSign({ a: '1' }, 's');
    expect(signMatches(sign, sign)).toBe(true);
    expect(signMatches(sign.toLowerCase(), sign)).toBe(true);
    expect(signMatches(sign.slice(1), sign)).toBe(false);
    const tampered = `${sign.startsWith('A') ? 'B' : 'A'}${sign.slice(1)}`;
    expect(signMatches(tampered, sign)).toBe(false);
  });
});

describe('toSignedFields', () => {
  it('sends arrays and objects as the canonical JSON they were signed as, so the text still matches', () => {
    const params = { app_id: 'a', content: { b: 2, a: [1, 'x'] }, userIds: ['1', '2'], limit: 5, skipped: null };
    const fields = toSignedFields(params);
    expect(fields.get('content')).toBe('{"a":[1,"x"],"b":2}');
    expect(fields.get('userIds')).toBe('["1","2"]');
    expect(fields.get('limit')).toBe('5');
    expect(fields.has('skipped')).toBe(false);
    expect(computeSign(Object.fromEntries(fields), 's')).toBe(computeSign(params, 's'));
  });
});
