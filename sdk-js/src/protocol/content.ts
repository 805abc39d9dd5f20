import type { MessageType } from './constants.js';

/** Any JSON value; message content and extras must be plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Fields every content object may carry. `content` is the text shown in conversation lists
 * (`lastMsg.content`) and notifications; for non-text messages it is an optional caption.
 * Unknown extra fields are kept as sent.
 */
export interface ContentBase {
  content?: string;
  /** Free-form data for the tenant's own UI; stored and returned untouched. */
  extra?: JsonObject;
  [key: string]: JsonValue | undefined;
}

/** `messageType` 1: plain text. `content` is required and non-empty. */
export interface TextContent extends ContentBase {
  content: string;
}

/** `messageType` 2: a voice clip. */
export interface VoiceContent extends ContentBase {
  /** Where the audio file is (e.g. returned by `/file/upload`). */
  url: string;
  /** Length in seconds. */
  duration: number;
}

/** `messageType` 3: a picture. */
export interface ImageContent extends ContentBase {
  url: string;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
}

/** `messageType` 4: any file. */
export interface FileContent extends ContentBase {
  url: string;
  /** File name shown to users. */
  name: string;
  /** Size in bytes. */
  size: number;
  mimeType?: string;
}

/** `messageType` 5: a point on the map (WGS-84 degrees). */
export interface LocationContent extends ContentBase {
  latitude: number;
  longitude: number;
  address?: string;
}

/** `messageType` 6: anything the tenant defines; only the size limit applies. */
export type CustomContent = ContentBase;

/** Content shape for each message type. */
export interface MessageContentMap {
  1: TextContent;
  2: VoiceContent;
  3: ImageContent;
  4: FileContent;
  5: LocationContent;
  6: CustomContent;
}

/** Content of any message type. */
export type MessageContent = MessageContentMap[MessageType];
