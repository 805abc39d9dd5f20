import { createHash, randomBytes } from 'node:crypto';

/** 5 random bytes naming this process in every id it makes, as MongoDB's ObjectId does. */
const PROCESS_UNIQUE = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A new 24-hex id in MongoDB's ObjectId layout: 4 bytes of Unix seconds, 5 bytes unique to this
 * process, a 3-byte counter. Unique across processes, and roughly ordered by creation time.
 */
export function newObjectId(): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(Date.now() / 1000) % 0x100000000;
  return seconds.toString(16).padStart(8, '0') + PROCESS_UNIQUE + counter.toString(16).padStart(6, '0');
}

/** True for a well-formed 24-hex id (any case). */
export function isObjectId(value: string): boolean {
  return /^[0-9a-fA-F]{24}$/.test(value);
}

/** An unguessable bearer secret: 256 random bits, URL-safe. */
export function newBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hex of `bytes` random bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * What the store keeps instead of a bearer token: a leaked database must not hand out live
 * tokens. SHA-256 is enough because the tokens themselves carry 256 random bits.
 */
export function hashBearerToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
