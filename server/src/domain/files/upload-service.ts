import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, FileCategory, type UploadedFile } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import { UnreadableImageError, type FileStorage, type ImageFacts, type MediaInspector, type ObjectKey } from '../../files/ports.js';
import type { FileRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';
import type { WorkQueue } from '../limits/hash-queue.js';
import { categoryOf, displayNameOf, mismatchOf, servedInline, servedType, UNKNOWN_TYPE } from './file-kinds.js';
import type { FileLinks } from './file-links.js';

export interface UploadServiceOptions {
  /** The deployment's largest upload, whatever an app's own setting says. */
  maxBytes: number;
}

/** One upload as the transport received it. */
export interface UploadInput {
  /** The file's bytes, as they arrive. */
  body: Readable;
  /** The name the client gave (display only). */
  name: string | undefined;
  /** The part's `Content-Type`, as the client declared it. */
  declaredType: string | null;
  /** The user whose token sent it; null for the app's backend. */
  uploaderUserId: string | null;
  /** Origin file URLs are built on, when the server has no `PUBLIC_URL`. */
  origin: string;
}

export class FileTooLargeUpload extends AppError {
  constructor(limit: number) {
    super(ErrorCode.FILE_TOO_LARGE, `up_file: is larger than ${limit} bytes, this app's upload limit (maxUploadBytes); nothing was kept`);
  }
}

/**
 * Uploads: the bytes go to a temporary file first (never all in memory), where they are
 * identified and measured; only a file that passes every check is stored, under an id the server
 * makes, and recorded. Whatever fails, nothing of the upload is left: not the temporary file, not
 * an object, not a record.
 */
export class UploadService {
  #scratch: Promise<string> | null = null;

  constructor(
    private readonly storage: FileStorage,
    private readonly media: MediaInspector,
    private readonly links: FileLinks,
    private readonly images: WorkQueue,
    private readonly clock: Clock,
    private readonly options: UploadServiceOptions,
  ) {}

  #inFlight = 0;

  /** Uploads being received or checked now. */
  pending(): number {
    return this.#inFlight;
  }

  /** Where uploads wait while they are checked (one subdirectory each, removed when done). */
  scratchDirectory(): Promise<string> {
    return this.#scratchDir();
  }

  /** The largest upload `ctx`'s app takes now. */
  limitFor(ctx: AppContext): number {
    return Math.min(ctx.app.settings.maxUploadBytes, this.options.maxBytes);
  }

  async upload(ctx: AppContext, input: UploadInput): Promise<UploadedFile> {
    const limit = this.limitFor(ctx);
    this.#inFlight += 1;
    const dir = await mkdtemp(join(await this.#scratchDir(), 'upload-')).catch((error: unknown) => {
      this.#inFlight -= 1;
      throw error;
    });
    const path = join(dir, 'body');
    try {
      const size = await receive(input.body, path, limit);
      const name = displayNameOf(input.name);
      const { mimeType, category } = await this.#identify(ctx, path, name, input.declaredType);
      await this.#refuseOverQuota(ctx, size);

      let image: ImageFacts | null = null;
      let duration: number | null = null;
      if (category === FileCategory.IMAGE) image = await this.#probeImage(path, mimeType);
      if (category === FileCategory.AUDIO || category === FileCategory.VIDEO) duration = await this.media.duration(path, mimeType);

      const record: FileRecord = {
        fileId: randomBytes(16).toString('hex'),
        uploaderUserId: input.uploaderUserId,
        name,
        mimeType,
        category,
        size,
        width: image?.width ?? null,
        height: image?.height ?? null,
        duration,
        thumb: image ? { size: image.thumb.bytes.length, width: image.thumb.width, height: image.thumb.height } : null,
        createdAt: this.clock.now(),
      };
      await this.#store(ctx, record, path, image);
      return this.links.describe(ctx, record, input.origin);
    } finally {
      await rm(dir, { recursive: true, force: true });
      this.#inFlight -= 1;
    }
  }

  /** What the bytes are, refused when the app does not take that kind or the name or declared type lies about it. */
  async #identify(ctx: AppContext, path: string, name: string, declaredType: string | null): Promise<{ mimeType: string; category: FileCategory }> {
    const sniffed = await this.media.sniff(path);
    const category = categoryOf(sniffed);
    const allowed = ctx.app.settings.uploadCategories;
    if (!allowed.includes(category)) {
      const kind = category === FileCategory.FILE ? 'a file of another kind' : category;
      throw new AppError(
        ErrorCode.FILE_TYPE_NOT_ALLOWED,
        `up_file: is ${kind} (${sniffed ?? 'unrecognised bytes'}); this app takes uploads of: ${allowed.join(', ') || 'none'} (uploadCategories)`,
      );
    }
    const mismatch = mismatchOf(category, name, declaredType);
    if (mismatch !== null) throw new AppError(ErrorCode.FILE_TYPE_MISMATCH, `up_file: ${mismatch}; nothing was kept`);
    return { mimeType: sniffed ?? UNKNOWN_TYPE, category };
  }

  /**
   * One aggregate read per upload. Uploads racing each other may pass it together and overshoot
   * by what they add: the quota bounds a tenant's growth, it is not an exact ledger.
   */
  async #refuseOverQuota(ctx: AppContext, size: number): Promise<void> {
    const { maxStorageBytes } = ctx.app.settings;
    const used = await ctx.data.files.usage();
    if (used.bytes + size > maxStorageBytes) {
      throw new AppError(
        ErrorCode.QUOTA_EXCEEDED,
        `up_file: this app's files take ${used.bytes} of its ${maxStorageBytes} bytes (maxStorageBytes); this one (${size} bytes) does not fit. Nothing was kept`,
      );
    }
  }

  async #probeImage(path: string, mimeType: string): Promise<ImageFacts> {
    try {
      return await this.images.run(() => this.media.image(path));
    } catch (error) {
      if (error instanceof UnreadableImageError) {
        throw new AppError(ErrorCode.FILE_TYPE_MISMATCH, `up_file: starts like ${mimeType} but is not a readable image (${error.message}); nothing was kept`);
      }
      throw error;
    }
  }

  /** Objects first, then the record that makes them visible; a failure removes what was written. */
  async #store(ctx: AppContext, record: FileRecord, path: string, image: ImageFacts | null): Promise<void> {
    const original: ObjectKey = { appId: ctx.app.appId, fileId: record.fileId };
    const thumb: ObjectKey = { ...original, variant: 'thumb' };
    try {
      await this.storage.put(original, createReadStream(path), {
        maxBytes: record.size,
        contentType: servedType(record.mimeType),
        downloadName: servedInline(record.category) ? null : record.name,
      });
      if (image) await this.storage.put(thumb, Readable.from([image.thumb.bytes]), { maxBytes: image.thumb.bytes.length, contentType: 'image/webp' });
      await ctx.data.files.insert(record);
    } catch (error) {
      await Promise.allSettled([this.storage.delete(original), this.storage.delete(thumb)]);
      throw error;
    }
  }

  /** Removes the scratch directory (at shutdown, once requests have finished). */
  async close(): Promise<void> {
    if (this.#scratch === null) return;
    await rm(await this.#scratch, { recursive: true, force: true });
    this.#scratch = null;
  }

  #scratchDir(): Promise<string> {
    this.#scratch ??= mkdtemp(join(tmpdir(), 'parley-uploads-'));
    return this.#scratch;
  }
}

/** Writes `body` to `path`, refusing it once it passes `limit` bytes. Resolves with its size. */
async function receive(body: Readable, path: string, limit: number): Promise<number> {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > limit) callback(new FileTooLargeUpload(limit));
      else callback(null, chunk);
    },
  });
  await pipeline(body, counter, createWriteStream(path));
  return size;
}
