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

/** How an object is stored: its size bound, its type, and whether it is a download. */
export interface PutOptions {
  maxBytes: number;
  contentType: string;
  downloadName?: string | null;
}

export interface FileStorage {
  /** Short name for logs and `/readyz`: `local`, `oss`. */
  readonly kind: string;
  /**
   * Stores `body` under `key`, replacing nothing (ids are new). A reader sees the whole object
   * or none of it; when `body` fails, is aborted, or passes `maxBytes` (then with
   * `FileTooLargeError`), nothing is left behind. `downloadName`, when set, is the name the file
   * downloads under wherever the storage serves it itself (a bucket's own URL): it is then an
   * attachment there, never a page the browser shows.
   */
  put(key: ObjectKey, body: Readable, options: PutOptions): Promise<{ size: number }>;
  /** The object's bytes, or only `range` of them; null when there is no such object. */
  get(key: ObjectKey, range?: ByteRange): Promise<StoredObject | null>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: ObjectKey): Promise<void>;
  /** Removes every object of the app (its deletion). */
  deleteApp(appId: string): Promise<void>;
  /**
   * A URL a client can fetch the object from without going through Parley (a bucket or its CDN),
   * valid for at least `expiresInSeconds` when signed, or null when Parley serves the bytes
   * itself (local disk). `signed` asks for a URL that works only with a signature (private files).
   */
  directUrl(key: ObjectKey, options: { signed: boolean; expiresInSeconds: number; contentType: string; downloadName: string | null }): string | null;
  /** Resolves when the storage can be written now (the readiness probe). */
  ping(): Promise<void>;
}

/** An image as decoded: its size as displayed (EXIF orientation applied) and a small copy. */
export interface ImageFacts {
  width: number;
  height: number;
  /** WebP, at most `Limits.THUMBNAIL_MAX_SIDE` px on its longest side. */
  thumb: { bytes: Buffer; width: number; height: number };
}

/** Thrown by {@link MediaInspector.image} when the bytes look like an image but do not decode as one. */
export class UnreadableImageError extends Error {
  override readonly name = 'UnreadableImageError';
}

/**
 * Reads facts from a file on disk (an upload being checked): what its bytes are, an image's
 * dimensions and thumbnail, a recording's duration. Libraries do the reading; the domain decides
 * what to do with the answers.
 */
export interface MediaInspector {
  /** The MIME type the file's signature says, or undefined when it has none known (text, SVG, ...). */
  sniff(path: string): Promise<string | undefined>;
  /** @throws UnreadableImageError */
  image(path: string): Promise<ImageFacts>;
  /** Seconds of sound or film the container declares, or null when it does not say (or cannot be read). */
  duration(path: string, mimeType: string): Promise<number | null>;
}
