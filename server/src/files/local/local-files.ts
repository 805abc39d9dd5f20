import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { access, constants, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileTooLargeError, objectPath, type ByteRange, type FileStorage, type ObjectKey, type PutOptions, type StoredObject } from '../ports.js';

/** Where objects being written wait until they are whole (then renamed into place). */
const INCOMING = '.incoming';

/**
 * Files on the local disk under one directory (default `DATA_DIR/uploads`): `<appId>/<fileId>`.
 *
 * An upload is streamed to a temporary file in `.incoming/` and renamed into place once whole,
 * so a reader never sees part of a file, and a failed, aborted or oversized upload is removed
 * (a crash mid-upload leaves a temporary file, cleared at the next start). Several server
 * processes need this directory on a volume they all mount.
 */
export class LocalFileStorage implements FileStorage {
  readonly kind = 'local';
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Creates the directories and clears what an interrupted upload left. */
  async open(): Promise<this> {
    await rm(join(this.root, INCOMING), { recursive: true, force: true });
    await mkdir(join(this.root, INCOMING), { recursive: true });
    return this;
  }

  async put(key: ObjectKey, body: Readable, options: PutOptions): Promise<{ size: number }> {
    const destination = join(this.root, objectPath(key));
    const temporary = join(this.root, INCOMING, randomBytes(16).toString('hex'));
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > options.maxBytes ? new FileTooLargeError(options.maxBytes) : null, chunk);
      },
    });
    let writer: WriteStream | undefined;
    try {
      await mkdir(dirname(temporary), { recursive: true });
      writer = createWriteStream(temporary, { flags: 'wx' });
      await pipeline(body, limit, writer);
      await mkdir(dirname(destination), { recursive: true });
      await rename(temporary, destination);
      return { size };
    } catch (error) {
      // A body that breaks off at once can end the pipeline while the file is still being opened:
      // the destroyed stream then creates it as it closes. Remove it only once it is closed.
      if (writer && !writer.closed) await once(writer, 'close').catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async get(key: ObjectKey, range?: ByteRange): Promise<StoredObject | null> {
    const path = join(this.root, objectPath(key));
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return { body: createReadStream(path, range ? { start: range.start, end: range.end } : {}), size };
  }

  async delete(key: ObjectKey): Promise<void> {
    await rm(join(this.root, objectPath(key)), { force: true });
  }

  async deleteApp(appId: string): Promise<void> {
    // objectPath checks the app id before it becomes a path.
    const folder = dirname(join(this.root, objectPath({ appId, fileId: '0'.repeat(32) })));
    await rm(folder, { recursive: true, force: true });
  }

  /** Parley serves local files itself, with the headers a browser needs. */
  directUrl(): null {
    return null;
  }

  async ping(): Promise<void> {
    // Created if missing (a storage nobody opened yet, or a directory removed under it), then checked.
    await mkdir(join(this.root, INCOMING), { recursive: true });
    await access(join(this.root, INCOMING), constants.W_OK);
  }
}
