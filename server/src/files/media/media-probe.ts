import { Limits } from '@parley/sdk/protocol';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseStream } from 'music-metadata';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { UnreadableImageError, type ImageFacts, type MediaInspector } from '../ports.js';

/**
 * Facts read from an uploaded file: an image's size (decoded by libvips through `sharp`, never
 * taken from the client) and its thumbnail, a recording's duration (from its container, by
 * `music-metadata`).
 */

/** A decompression bomb is refused rather than decoded: 100 megapixels is beyond any camera's photo. */
const MAX_INPUT_PIXELS = 100_000_000;

// One libvips thread per image: the server's own queue decides how many images run at once.
sharp.concurrency(1);
sharp.cache(false);

/** The media inspector of the server: `file-type` sniffs, `sharp` decodes images, `music-metadata` reads containers. */
export const libraryMediaInspector: MediaInspector = {
  sniff: async (path) => (await fileTypeFromFile(path))?.mime,
  image: probeImage,
  duration: probeDuration,
};

async function probeImage(path: string): Promise<ImageFacts> {
  try {
    const input = () => sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false });
    const meta = await input().metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new UnreadableImageError('the image has no dimensions');
    const { data, info } = await input()
      .rotate()
      .resize(Limits.THUMBNAIL_MAX_SIDE, Limits.THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer({ resolveWithObject: true });
    return { width, height, thumb: { bytes: data, width: info.width, height: info.height } };
  } catch (error) {
    if (error instanceof UnreadableImageError) throw error;
    throw new UnreadableImageError(error instanceof Error ? error.message : String(error));
  }
}

/** Seconds of sound or film the container declares, or null when it does not say (or cannot be read). */
async function probeDuration(path: string, mimeType: string): Promise<number | null> {
  try {
    const stream = createReadStream(path);
    const { size } = await stat(path);
    // The temporary file has no extension: the container is named by the sniffed type.
    const { format } = await parseStream(stream, { mimeType, size }, { duration: false, skipCovers: true, skipPostHeaders: true }).finally(() => stream.destroy());
    const seconds = format.duration ?? (ISO_MEDIA.has(mimeType) ? await movieHeaderDuration(path) : undefined);
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) / 1000 : null;
  } catch {
    return null;
  }
}

/** ISO base media files (MP4, QuickTime, 3GP), whose movie header says how long they are. */
const ISO_MEDIA = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/x-m4v', 'audio/mp4', 'audio/x-m4a']);

/**
 * The duration in an ISO media file's movie header (`moov/mvhd`). `music-metadata` reads MP4
 * durations from audio tracks only, so a film without sound would have none; this reads only box
 * headers, a bounded number of them, wherever `moov` sits.
 */
async function movieHeaderDuration(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(32);
    let offset = 0;
    let end = size;
    for (let boxes = 0; boxes < 64 && offset + 8 <= end; boxes += 1) {
      const { bytesRead } = await file.read(header, 0, 32, offset);
      if (bytesRead < 8) return undefined;
      let length = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let body = 8;
      if (length === 1) {
        length = Number(header.readBigUInt64BE(8));
        body = 16;
      } else if (length === 0) length = end - offset;
      if (length < body) return undefined;
      if (type === 'moov') {
        // Descend: the movie header is one of its children.
        end = Math.min(end, offset + length);
        offset += body;
        continue;
      }
      if (type === 'mvhd') {
        const version = header.readUInt8(body);
        const fields = Buffer.alloc(version === 1 ? 28 : 16);
        await file.read(fields, 0, fields.length, offset + body + 4);
        const timescale = version === 1 ? fields.readUInt32BE(16) : fields.readUInt32BE(8);
        const duration = version === 1 ? Number(fields.readBigUInt64BE(20)) : fields.readUInt32BE(12);
        return timescale > 0 ? duration / timescale : undefined;
      }
      offset += length;
    }
    return undefined;
  } finally {
    await file.close();
  }
}
