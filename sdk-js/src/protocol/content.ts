import type { GroupEventKind, GroupJoinPolicy, GroupRole, MessageType } from './constants.js';

/** Any JSON value; message content and extras must be plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Fields every content object may carry. The server refuses any field a type does not list
 * (`INVALID_PARAMS` naming it): put the tenant's own data in `extra`.
 */
export interface ContentBase {
  /**
   * The text of a TEXT message; for other types an optional caption. Conversation lists show it
   * (`lastMsg.content`), or a placeholder such as `[Image]` when there is none.
   */
  content?: string;
  /** Free-form data for the tenant's own UI, at most 4 KiB as JSON; stored and returned untouched. */
  extra?: JsonObject;
}

/** `messageType` 1: plain text. `content` is required and non-empty. */
export interface TextContent extends ContentBase {
  content: string;
}

/**
 * `messageType` 2: a voice clip. For a file uploaded to this app, the server fills `duration`
 * and `size` from the file when it could read them.
 */
export interface VoiceContent extends ContentBase {
  /** Where the audio is: a file of this app (from `/file/upload`) or any `https` URL. */
  url: string;
  /** Length in seconds. */
  duration: number;
  /** Size in bytes. */
  size?: number;
}

/**
 * `messageType` 3: a picture. For a file uploaded to this app, the server sets `width`,
 * `height`, `size` and `thumbUrl` from the file itself, whatever the sender wrote.
 */
export interface ImageContent extends ContentBase {
  /** A file of this app (from `/file/upload`) or any `https` URL. */
  url: string;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
  /** Size in bytes. */
  size?: number;
  /** A smaller copy for lists and previews (at most 400 px on its longest side for uploaded images). */
  thumbUrl?: string;
}

/** `messageType` 4: any file. For a file uploaded to this app, `size` and `mimeType` come from the file. */
export interface FileContent extends ContentBase {
  /** A file of this app (from `/file/upload`) or any `https` URL. */
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

/** `messageType` 6: anything the tenant defines: a kind name and its data. */
export interface CustomContent extends ContentBase {
  /** The tenant's name for this kind of message (e.g. `order-card`), 1-64 characters. */
  type: string;
  /** Any JSON value. */
  data: JsonValue;
}

/** `messageType` 7: a video clip. For a file uploaded to this app, `size` (and `duration`, when the container says it) come from the file. */
export interface VideoContent extends ContentBase {
  /** A file of this app (from `/file/upload`) or any `https` URL. */
  url: string;
  /** Length in seconds. */
  duration: number;
  /** Pixels. */
  width?: number;
  /** Pixels. */
  height?: number;
  /** Size in bytes. */
  size?: number;
  /** A still picture to show before playing: a file of this app or an `https` URL. */
  coverUrl?: string;
}

/** Content shape for each message type. */
export interface MessageContentMap {
  1: TextContent;
  2: VoiceContent;
  3: ImageContent;
  4: FileContent;
  5: LocationContent;
  6: CustomContent;
  7: VideoContent;
  8: GroupEventContent;
}

/**
 * `messageType` 8, written by the server: what happened to the group. `content` is a sentence
 * for people (`Alice muted Bob until 14:05 UTC`, with the names at the time), so a client that
 * does not know an `event` can still show it; the other fields are for clients that do.
 */
export interface GroupEventContent {
  event: GroupEventKind;
  /** Who did it: a member, or null when the tenant's backend did it (or the server, handing ownership over). */
  operatorId: string | null;
  /** The users it is about (joined, left, removed, muted, unmuted, role changed); empty otherwise. */
  userIds: string[];
  /** The sentence shown for it. */
  content: string;
  /** `joined`: the join request this join approved (the user asked, `operatorId` approved). */
  requestId?: string;
  /** `muted`: until when (milliseconds since epoch). */
  mutedUntil?: number;
  /** `muted-all`: whether everyone but the owner and admins is muted now. */
  mutedAll?: boolean;
  /** `role-changed`: the new role of `userIds`. */
  role?: GroupRole;
  /** `owner-changed`: the new owner. */
  ownerId?: string;
  /** `owner-changed`: the owner before. */
  previousOwnerId?: string;
  /** `info-changed`: the new name. */
  name?: string;
  /** `info-changed`: the new avatar. */
  avatarUri?: string;
  /** `info-changed`: the new description. */
  description?: string;
  /** `info-changed`: the new join policy. */
  joinPolicy?: GroupJoinPolicy;
  /** `announcement-changed`: the new announcement ('' when cleared). */
  announcement?: string;
}

/** Content of any message type. */
export type MessageContent = MessageContentMap[MessageType];
