import { createHash, timingSafeEqual } from 'node:crypto';
import { signingBase, stringToSign, type SignableParams } from '../signing/index.js';

export { canonicalJson, phpUrlEncode, signingBase, stringToSign, toSignedFields, type SignableParams } from '../signing/index.js';

/**
 * The request signature of the open API (DESIGN §3.2, seed "接口签名说明").
 *
 * Reproduces `signature-vectors.json` byte for byte; the server verifies with these same
 * functions, and other-language signers are checked against the same vectors.
 */

/**
 * `sign` of a {@link signingBase} with each of `appSecrets`, in order. The base is hashed once
 * and the digest state copied for each secret, so a second live secret costs almost nothing.
 */
export function signBase(base: string, appSecrets: readonly string[]): string[] {
  const prefix = createHash('md5').update(base === '' ? 'app_key=' : `${base}&app_key=`, 'utf8');
  return appSecrets.map((secret) => prefix.copy().update(secret, 'utf8').digest('hex').toUpperCase());
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
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
  return md5Hex(stringToSign(params, appSecret));
}

/** Compares a received `sign` with the expected one in constant time (case-insensitive hex). */
export function signMatches(received: string, expected: string): boolean {
  const a = Buffer.from(received.toUpperCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
