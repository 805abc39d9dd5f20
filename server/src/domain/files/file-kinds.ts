import { FileCategory } from '@parley/sdk/protocol';

/**
 * What a file is, from its bytes: the category an app allows or refuses, the type it is served
 * with, and whether a browser may show it inline. Names and declared types are only checked
 * against it, never believed.
 */

/** Raster formats every current browser shows, and that the thumbnailer reads. */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

/** What a name's extension claims; unknown extensions claim nothing. */
const CLAIMED_BY_EXTENSION: Readonly<Record<string, FileCategory>> = {
  jpg: FileCategory.IMAGE,
  jpeg: FileCategory.IMAGE,
  png: FileCategory.IMAGE,
  gif: FileCategory.IMAGE,
  webp: FileCategory.IMAGE,
  avif: FileCategory.IMAGE,
  mp3: FileCategory.AUDIO,
  m4a: FileCategory.AUDIO,
  aac: FileCategory.AUDIO,
  oga: FileCategory.AUDIO,
  opus: FileCategory.AUDIO,
  wav: FileCategory.AUDIO,
  flac: FileCategory.AUDIO,
  amr: FileCategory.AUDIO,
  mp4: FileCategory.VIDEO,
  m4v: FileCategory.VIDEO,
  mov: FileCategory.VIDEO,
  webm: FileCategory.VIDEO,
  mkv: FileCategory.VIDEO,
  '3gp': FileCategory.VIDEO,
};

export const UNKNOWN_TYPE = 'application/octet-stream';

/** The category of a sniffed type; undefined (nothing recognised) is a plain file. */
export function categoryOf(mimeType: string | undefined): FileCategory {
  if (mimeType === undefined) return FileCategory.FILE;
  if (INLINE_IMAGES.has(mimeType)) return FileCategory.IMAGE;
  if (mimeType.startsWith('audio/')) return FileCategory.AUDIO;
  if (mimeType.startsWith('video/')) return FileCategory.VIDEO;
  return FileCategory.FILE;
}

/**
 * Why a file's name or declared type contradicts its bytes, or null when they agree. A claim of
 * a media kind must match the bytes; `webm` may hold audio only (a browser's voice recording).
 * A claim of "some file" (`.pdf`, `application/zip`) is not checked: the bytes decide.
 */
export function mismatchOf(sniffed: FileCategory, name: string, declaredType: string | null): string | null {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const byName = extension === undefined ? undefined : CLAIMED_BY_EXTENSION[extension];
  if (byName !== undefined && !agrees(byName, sniffed)) return `the name ends in .${extension} (${byName}), but the bytes are ${describe(sniffed)}`;
  const declared = declaredType?.split(';')[0]?.trim().toLowerCase();
  const byHeader = declared === undefined ? undefined : declaredCategory(declared);
  if (byHeader !== undefined && !agrees(byHeader, sniffed)) return `it was sent as ${declared}, but the bytes are ${describe(sniffed)}`;
  return null;
}

function declaredCategory(type: string): FileCategory | undefined {
  // image/svg+xml and other images no browser-safe path shows are files, and claim nothing.
  if (INLINE_IMAGES.has(type)) return FileCategory.IMAGE;
  if (type.startsWith('audio/')) return FileCategory.AUDIO;
  if (type.startsWith('video/')) return FileCategory.VIDEO;
  return undefined;
}

function agrees(claimed: FileCategory, sniffed: FileCategory): boolean {
  if (claimed === sniffed) return true;
  // Containers that hold sound or picture alike: audio/webm is sniffed as video/webm, an .mp4 may be sound only.
  return (claimed === FileCategory.AUDIO && sniffed === FileCategory.VIDEO) || (claimed === FileCategory.VIDEO && sniffed === FileCategory.AUDIO);
}

function describe(category: FileCategory): string {
  return category === FileCategory.FILE ? 'not an image, audio or video file' : `${category === FileCategory.IMAGE ? 'an' : 'a'} ${category === FileCategory.AUDIO ? 'audio file' : category}`;
}

/**
 * Whether a browser may show the file in the page. Anything else (HTML, SVG, scripts, PDFs,
 * unknown bytes) is served as a download, so an upload can never run as this server's page.
 */
export function servedInline(category: FileCategory): boolean {
  return category !== FileCategory.FILE;
}

/** Types a browser would parse as a document or run as code, were it ever to open the file. */
const ACTIVE_TYPE = /xml|html|javascript|ecmascript|svg|xhtml/i;

/**
 * The `Content-Type` a file is served with: its sniffed type, except that a type a browser could
 * render or run (XML, for one, is sniffed from `<?xml`) goes out as plain bytes. Such files are
 * downloads anyway (attachment, `nosniff`, a sandboxing CSP); this closes the last gap, a browser
 * or a proxy that ignores the disposition.
 */
export function servedType(mimeType: string): string {
  return ACTIVE_TYPE.test(mimeType) ? UNKNOWN_TYPE : mimeType;
}

/**
 * The name as shown and offered for download: its last path segment (browsers send
 * `C:\fakepath\x.png`; attackers send `../../x`), without control characters, at most 255
 * characters; `file` when nothing is left.
 */
export function displayNameOf(received: string | undefined): string {
  const last = (received ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const chars = Array.from(clean === '.' || clean === '..' ? '' : clean);
  return chars.length === 0 ? 'file' : chars.slice(0, 255).join('');
}
