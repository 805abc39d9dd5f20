import type { Readable } from 'node:stream';

/**
 * The file storage port: where uploaded bytes live (local disk by default, Alibaba Cloud OSS in
 * production). The store keeps what a file is (its record); this port keeps only its bytes.
 *
 * Objects are addressed by app and an unguessable id the server made, never by anything a
 * client sent (a file name is metadata, not a path), so one app cannot reach, overwrite or list
 * another's objects.
 */

/** Ids are the server's own: lowercase hex, so a key can never climb out of its folder. */
const APP_ID = /^[0-9a-f]{16}$/;
const FILE_ID = /^[0-9a-f]{32}$/;

/** An object: a file as uploaded, or a variant made from it (an image's thumbnail). */
export interface ObjectKey {
  appId: string;
  fileId: string;
  variant?: 'thumb';
}

/** A key whose parts are not ids the server issues (a bug, or input that skipped validation). */
export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
}

/** The body was longer than the limit given to `put`; nothing was stored. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
  }
}

/** `key` as a relative path `<appId>/<fileId>[.thumb]`, after checking every part. */
export function objectPath(key: ObjectKey): string {
  if (!APP_ID.test(key.appId) || !FILE_ID.test(key.fileId) || (key.variant !== undefined && key.variant !== 'thumb')) {
    throw new InvalidObjectKeyError(`not an object key: ${JSON.stringify(key)}`);
  }
  return `${key.appId}/${key.fileId}${key.variant ? `.${key.variant}` : ''}`;
}

/** Bytes `start` to `end`, both included, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredObject {
  /** The object's bytes (only the range asked for, when one was). */
  body: Readable;
  /** The whole object's size. */
  size: number;
}

export interface FileStorage {
  /** Short name for logs and `/readyz`: `local`, `oss`. */
  readonly kind: string;
  /**
   * Stores `body` under `key`, replacing nothing (ids are new). A reader sees the whole object
   * or none of it; when `body` fails, is aborted, or passes `maxBytes` (then with
   * `FileTooLargeError`), nothing is left behind.
   */
  put(key: ObjectKey, body: Readable, options: { maxBytes: number; contentType: string }): Promise<{ size: number }>;
  /** The object's bytes, or only `range` of them; null when there is no such object. */
  get(key: ObjectKey, range?: ByteRange): Promise<StoredObject | null>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: ObjectKey): Promise<void>;
  /** Removes every object of the app (its deletion). */
  deleteApp(appId: string): Promise<void>;
  /** Resolves when the storage can be written now (the readiness probe). */
  ping(): Promise<void>;
}
