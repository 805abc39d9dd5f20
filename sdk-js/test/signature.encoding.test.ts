import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phpUrlEncode, stringToSign } from '../src/server/signature.js';

/**
 * The encoder works on whole strings for speed; these properties hold it to the definition it
 * replaces, byte by byte, on any text (including astral characters and lone surrogates).
 */

/** PHP `urlencode` as the seed defines it, one UTF-8 byte at a time. */
function urlencodeByBytes(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.-]/.test(char)) out += char;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Any text, with the characters where `encodeURIComponent` and PHP differ made likely. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(' ', '!', "'", '(', ')', '*', '~', '%', '+', '&', '=', '\uD83D', '\uDE00', '汉', 'a') }),
  fc.string({ unit: 'grapheme' }),
);

describe('phpUrlEncode', () => {
  it('equals PHP urlencode byte by byte on any string', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(phpUrlEncode(value)).toBe(urlencodeByBytes(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stringToSign', () => {
  // Keys are well-formed text: two keys with different lone surrogates encode to the same bytes.
  const key = text.filter((k) => k !== '' && k !== 'sign' && !/\p{Cs}/u.test(k));

  it('orders keys by their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 8 }), (keys) => {
        const params = Object.fromEntries(keys.map((key) => [key, 'v']));
        const expected = [...keys]
          .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
          .map((key) => `${key}=v`)
          .concat('app_key=s')
          .join('&');
        expect(stringToSign(params, 's')).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
