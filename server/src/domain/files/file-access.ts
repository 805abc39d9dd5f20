import { ErrorCode } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { ByteRange, FileStorage, ObjectKey, StoredObject } from '../../files/ports.js';
import type { FileRecord } from '../../store/records.js';
import type { AppService } from '../apps/app-service.js';
import { AppError, notFound } from '../errors.js';
import { servedInline, servedType } from './file-kinds.js';
import { EXPIRES_PATTERN, filePath, SIGNATURE_PATTERN, verifyFileSignature } from './file-urls.js';

/** How long a redirect to a bucket's signed URL stays valid: long enough to start a download. */
const REDIRECT_SIGNATURE_SECONDS = 600;

/** A file a GET may read: what to send, and how a browser and caches must treat it. */
export interface LocatedFile {
  key: ObjectKey;
  record: FileRecord;
  /** Bytes of the object asked for (the thumbnail's, for `.../thumb`). */
  size: number;
  contentType: string;
  /** False: served as a download (`Content-Disposition: attachment`), never shown in the page. */
  inline: boolean;
  /** Seconds caches may keep it; `private` when the app's files are private. */
  cache: { scope: 'public' | 'private'; seconds: number };
  /** Where the bytes are when the storage serves them itself (a bucket): the server redirects there. */
  redirect: string | null;
}

/**
 * Reading files back. A file URL names the app and the file; for an app with private files it
 * must also carry a valid, unexpired signature. A missing app, file or thumbnail is the same 404,
 * so nobody learns which ids exist.
 */
export class FileAccess {
  constructor(
    private readonly apps: AppService,
    private readonly storage: FileStorage,
    private readonly clock: Clock,
  ) {}

  async locate(key: ObjectKey, signature: { expires: string | undefined; signature: string | undefined }): Promise<LocatedFile> {
    const missing = notFound('no such file');
    const opened = await this.apps.openForSigning(key.appId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.UNKNOWN_APP) throw missing;
      throw error;
    });
    const { ctx, secrets } = opened;
    const record = await ctx.data.files.get(key.fileId);
    if (!record || (key.variant === 'thumb' && !record.thumb)) throw missing;

    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const settings = ctx.app.settings;
    let cache: LocatedFile['cache'] = { scope: 'public', seconds: 365 * 24 * 3600 };
    if (settings.privateFiles) {
      const expires = signature.expires !== undefined && EXPIRES_PATTERN.test(signature.expires) ? Number(signature.expires) : null;
      if (expires === null || signature.signature === undefined || !SIGNATURE_PATTERN.test(signature.signature)) {
        throw new AppError(ErrorCode.FORBIDDEN, "this app's files are private: use the signed URL a message or upload gave (expires and signature)");
      }
      if (!verifyFileSignature(secrets, filePath(key), { expires, signature: signature.signature }, nowSeconds)) {
        throw new AppError(ErrorCode.FORBIDDEN, 'the file URL signature is wrong or has expired; read the message again for a fresh URL');
      }
      cache = { scope: 'private', seconds: Math.max(0, expires - nowSeconds) };
    }

    const thumb = key.variant === 'thumb' ? record.thumb : null;
    const contentType = thumb ? 'image/webp' : servedType(record.mimeType);
    const inline = thumb !== null || servedInline(record.category);
    const redirect = this.storage.directUrl(key, {
      signed: settings.privateFiles,
      expiresInSeconds: settings.privateFiles ? Math.min(cache.seconds, REDIRECT_SIGNATURE_SECONDS) : REDIRECT_SIGNATURE_SECONDS,
      contentType,
      downloadName: inline ? null : record.name,
    });
    return { key, record, size: thumb ? thumb.size : record.size, contentType, inline, cache, redirect };
  }

  /** The bytes of a located file, or `range` of them. */
  async read(file: LocatedFile, range: ByteRange | null): Promise<StoredObject> {
    const object = await this.storage.get(file.key, range ?? undefined);
    // The record says it exists: the bytes went missing (a volume not shared between processes?).
    if (!object) throw new AppError(ErrorCode.UNAVAILABLE, 'the file is recorded but its bytes cannot be read from the file storage now', { retryAfterMs: 1000 });
    return object;
  }
}
