import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectKey } from '../../files/ports.js';

/**
 * File URLs. Every file is served at `<base>/files/<appId>/<fileId>` (its thumbnail at
 * `.../thumb`); a message stores that URL as it is, and an app with private files hands out the
 * same URL with `expires` and `signature` appended, signed when it is read (a send's answer, a
 * push, a history page), so a URL in an old message is never stale, and one copied out of the
 * app stops working.
 */

export const FILES_ROUTE_PREFIX = '/files';
const FILE_PATH = /^\/files\/([0-9a-f]{16})\/([0-9a-f]{32})(\/thumb)?$/;

export function filePath(key: ObjectKey): string {
  return `${FILES_ROUTE_PREFIX}/${key.appId}/${key.fileId}${key.variant === 'thumb' ? '/thumb' : ''}`;
}

/** The object a URL path names, or null when it is not a file path of this server. */
export function parseFilePath(pathname: string): ObjectKey | null {
  const match = FILE_PATH.exec(pathname);
  if (!match) return null;
  return { appId: match[1]!, fileId: match[2]!, ...(match[3] ? { variant: 'thumb' as const } : {}) };
}

/** A URL given in a message that names a file of this server: which one, and the URL without its signature. */
export interface FileReference {
  key: ObjectKey;
  /** `<origin>/files/...`, what is stored. */
  canonical: string;
}

/**
 * The file a URL points at, when it points at this server's files: its path is a file path and,
 * when the server knows its public address, its origin is that address. A URL elsewhere is null.
 */
export function fileReferenceOf(value: string, publicUrl: string | null): FileReference | null {
  const url = URL.parse(value);
  if (!url) return null;
  const key = parseFilePath(url.pathname);
  if (!key) return null;
  if (publicUrl !== null && url.origin !== new URL(publicUrl).origin) return null;
  return { key, canonical: `${url.origin}${url.pathname}` };
}

/** The forms of a signed URL's `expires` (Unix seconds) and `signature` (base64url). */
export const EXPIRES_PATTERN = /^\d{1,12}$/;
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Query parameters of a signed file URL. */
export interface UrlSignature {
  /** Unix seconds after which the URL is refused. */
  expires: number;
  signature: string;
}

/**
 * Signs file paths of one app. The key is derived from the app's secret, so rotating the secret
 * (after its grace period) ends every signed URL, and a tenant's backend can sign URLs itself:
 * `signature = base64url(HMAC-SHA256(key, path + "\n" + expires))`, with
 * `key = HMAC-SHA256(appSecret, "parley-file-url")`.
 */
export function signFilePath(secret: string, path: string, expires: number): string {
  const key = createHmac('sha256', secret).update('parley-file-url').digest();
  return createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');
}

export function signedFileUrl(canonical: string, secret: string, expires: number): string {
  const path = new URL(canonical).pathname;
  return `${canonical}?expires=${expires}&signature=${signFilePath(secret, path, expires)}`;
}

/** Whether `signature` signs `path` until `expires` with one of `secrets`, and `expires` has not passed. */
export function verifyFileSignature(secrets: readonly string[], path: string, given: UrlSignature, nowSeconds: number): boolean {
  if (given.expires < nowSeconds) return false;
  const received = Buffer.from(given.signature, 'base64url');
  return secrets.some((secret) => {
    const expected = Buffer.from(signFilePath(secret, path, given.expires), 'base64url');
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
}
