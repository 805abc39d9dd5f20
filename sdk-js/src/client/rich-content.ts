import { ParleyError } from '../errors.js';
import { FileCategory, type ConversationType } from '../protocol/constants.js';
import type { FileContent, ImageContent, JsonObject, VideoContent, VoiceContent } from '../protocol/content.js';
import { ErrorCode } from '../protocol/errors.js';
import type { UploadedFile } from '../protocol/models.js';
import type { UploadOptions } from './upload.js';

/** Who a message goes to: a user (`PRIVATE`) or a group (`GROUP`). */
export interface MessageTarget {
  conversationType: ConversationType;
  /** The other user's id, or the group's. */
  targetId: string;
}

/** Options of the helpers that upload a file and send it (`sendImage`, `sendFile`, ...). */
export interface FileSendOptions extends UploadOptions {
  /** Text shown with the file, and in conversation lists instead of `[Image]`, `[File]`, .... */
  caption?: string;
  /** The tenant's own data for this message (at most 4 KiB as JSON). */
  extra?: JsonObject;
  /** Idempotency key of the send (one is made when omitted). */
  clientMsgId?: string;
}

/** `sendVoice`: the length, when the recording's container does not say it (a browser's WebM recording often does not). */
export interface VoiceSendOptions extends FileSendOptions {
  /** Seconds; used only when the server could not read it from the file. */
  duration?: number;
}

/** `sendVideo`: a cover picture, uploaded with it, and the facts the container may not carry. */
export interface VideoSendOptions extends VoiceSendOptions {
  /** A still picture to show before playing; uploaded first (its progress is not reported). */
  cover?: Blob | ArrayBuffer | ArrayBufferView;
  width?: number;
  height?: number;
}

function base(options: FileSendOptions): { content?: string; extra?: JsonObject } {
  return { ...(options.caption ? { content: options.caption } : {}), ...(options.extra ? { extra: options.extra } : {}) };
}

function requireKind(file: UploadedFile, kinds: readonly FileCategory[], what: string): void {
  if (!kinds.includes(file.category)) {
    throw new ParleyError(ErrorCode.FILE_TYPE_MISMATCH, `${what}: the file is ${file.mimeType} (${file.category}), not ${kinds.join(' or ')}`);
  }
}

function durationOf(file: UploadedFile, given: number | undefined, what: string): number {
  const duration = file.duration ?? given;
  if (duration === undefined) {
    throw new ParleyError(ErrorCode.INVALID_PARAMS, `${what}: the file does not say how long it is; pass options.duration (seconds)`);
  }
  return duration;
}

export function imageContent(file: UploadedFile, options: FileSendOptions): ImageContent {
  requireKind(file, [FileCategory.IMAGE], 'sendImage');
  return { ...base(options), url: file.url, width: file.width ?? 0, height: file.height ?? 0, size: file.size, ...(file.thumbUrl ? { thumbUrl: file.thumbUrl } : {}) };
}

export function fileContent(file: UploadedFile, options: FileSendOptions): FileContent {
  return { ...base(options), url: file.url, name: file.name, size: file.size, mimeType: file.mimeType };
}

export function voiceContent(file: UploadedFile, options: VoiceSendOptions): VoiceContent {
  // A browser's recording is WebM or MP4, which may hold sound only: both count as voice.
  requireKind(file, [FileCategory.AUDIO, FileCategory.VIDEO], 'sendVoice');
  return { ...base(options), url: file.url, duration: durationOf(file, options.duration, 'sendVoice'), size: file.size };
}

export function videoContent(file: UploadedFile, options: VideoSendOptions, cover: UploadedFile | null): VideoContent {
  requireKind(file, [FileCategory.VIDEO, FileCategory.AUDIO], 'sendVideo');
  if (cover) requireKind(cover, [FileCategory.IMAGE], 'sendVideo cover');
  return {
    ...base(options),
    url: file.url,
    duration: durationOf(file, options.duration, 'sendVideo'),
    size: file.size,
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
    ...(cover ? { coverUrl: cover.url } : {}),
  };
}
