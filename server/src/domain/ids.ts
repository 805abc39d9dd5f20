import { createHash, randomBytes } from 'node:crypto';
import { ObjectId } from 'bson';

/** A new 24-hex ObjectId: unique, and roughly ordered by creation time. */
export function newObjectId(): string {
  return new ObjectId().toHexString();
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
