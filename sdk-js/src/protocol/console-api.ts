import type { ConversationType, FileCategory, LoginPolicy, MessagePolicy, MessageType, PresenceScope } from './constants.js';

/** Request and response shapes of the console API (tenant accounts and their apps). */

/** `POST /console/signup` and `POST /console/login`. */
export interface ConsoleCredentials {
  email: string;
  /** 8 to 128 characters. */
  password: string;
}
/** `POST /console/password`. */
export interface ChangePasswordRequest {
  currentPassword: string;
  /** 8 to 128 characters. */
  newPassword: string;
}
export interface ConsoleLoginResult {
  /** Send as `Authorization: Bearer <token>` on the other console routes. */
  token: string;
  /** Milliseconds since epoch. */
  expiresAt: number;
}

/** Per-app settings; each has a server-wide default. */
export interface AppSettings {
  /** Lifetime of user tokens minted by `/user/getToken`, in seconds. */
  tokenTtlSeconds: number;
  /** Largest group, in members. */
  maxGroupMembers: number;
  /** How long after sending the sender may recall a message, in seconds (default 120). */
  recallWindowSeconds: number;
  /** How long a group owner or admin may recall any member's message, in seconds (default 7200). */
  adminRecallWindowSeconds: number;
  /** How many devices a user may keep connected (default `multi-device`). */
  loginPolicy: LoginPolicy;
  /** Whose presence a user may see and whom they may send typing to (default `contacts`). */
  presenceScope: PresenceScope;
  /** Who may send a user a private message: `anyone` (default) or only their `friends`. */
  messagePolicy: MessagePolicy;
  /** Signed REST requests the app's backend may make per second, over all its processes (default 500). */
  apiRequestsPerSecond: number;
  /** Messages one user may send per second over the socket, all devices together (default 20). */
  userSendsPerSecond: number;
  /** Typing and presence requests one user may make per second, all devices together (default 20). */
  userSignalsPerSecond: number;
  /** Most users the app may have (default 1,000,000). */
  maxUsers: number;
  /** Most groups the app may have at once (default 100,000). */
  maxGroups: number;
  /** Largest file a user or the backend may upload, in bytes (default 20 MiB; at most the server's `UPLOAD_MAX_BYTES`). */
  maxUploadBytes: number;
  /** Kinds of file that may be uploaded, decided from the bytes (default all four). */
  uploadCategories: FileCategory[];
  /**
   * When true, file URLs carry a signature that expires after `fileUrlTtlSeconds`, and a file is
   * served only with a valid one; messages and uploads hand out freshly signed URLs. Default false.
   */
  privateFiles: boolean;
  /** How long a signed file URL of a private app works, in seconds (default 3600). */
  fileUrlTtlSeconds: number;
  /** Files one user may upload per minute, all devices together (default 30). */
  userUploadsPerMinute: number;
  /** Bytes all the app's files may take together, thumbnails included (default 10 GiB). */
  maxStorageBytes: number;
}

/** `POST /app/create`. */
export interface CreateAppRequest {
  appName: string;
  description: string;
}
export interface CreateAppResult {
  appName: string;
  appId: string;
  appSecret: string;
}

/**
 * An app as its owner sees it in the console. The secret itself is not part of it: it is shown
 * once when the app is created or the secret rotated, and again only through
 * `POST /console/apps/:appId/secret` with the account's password.
 */
export interface ConsoleApp {
  appId: string;
  appName: string;
  description: string;
  /** The secret's last 4 characters, to tell which one a backend is configured with. */
  secretHint: string;
  /** Milliseconds since epoch until which the previous secret is still accepted, or null. */
  previousSecretValidUntil: number | null;
  settings: AppSettings;
  createdAt: number;
}

/** `PATCH /console/apps/:appId`. */
export interface UpdateAppRequest {
  appName?: string;
  description?: string;
  settings?: Partial<AppSettings>;
}

/** `POST /console/apps/:appId/rotate-secret`. */
export interface RotateSecretRequest {
  /** How long the old secret keeps working, in seconds (0 = stop at once). Default: server setting. */
  graceSeconds?: number;
}

/** `POST /console/apps/:appId/rotate-secret`: the app with its new secret, shown this once. */
export interface RotatedApp extends ConsoleApp {
  appSecret: string;
}

/** `POST /console/apps/:appId/secret`: the account's password, checked like a login. */
export interface RevealSecretRequest {
  password: string;
}
export interface RevealedSecret {
  appSecret: string;
  /** Milliseconds since epoch until which the previous secret is still accepted, or null. */
  previousSecretValidUntil: number | null;
}

/** Messages stored on one UTC day. */
export interface DailyCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  messages: number;
}

/** `GET /console/apps/:appId/usage`. */
export interface AppUsage {
  /** Registered users (every user `/user/getToken` has created). */
  users: number;
  /** Groups that exist now. */
  groups: number;
  /** Messages stored since 00:00 UTC today. */
  messagesToday: number;
  /** The last 30 UTC days, oldest first, today last; days without messages count 0. */
  messagesPerDay: DailyCount[];
  /** Devices connected right now, over every server process. */
  socketsOnline: number;
  /** Uploaded files and the bytes they take (thumbnails included). */
  storage: { files: number; bytes: number; maxBytes: number };
  /** When these figures were read, milliseconds since epoch. */
  at: number;
}

/** `GET /console/apps/:appId/messages`: every field optional; all given must match. */
export interface MessageSearchQuery {
  /** Only messages sent by this user. */
  senderUserId?: string;
  /** Only this conversation: `g:<groupId>`, or `p:<userA>:<userB>` (either order). */
  conversationId?: string;
  /** Sent at or after (milliseconds since epoch). */
  from?: number;
  /** Sent before (milliseconds since epoch). */
  to?: number;
  /** Part of the message's text or caption, file name or location address; case-insensitive. 1-100 characters. */
  text?: string;
  /** 1 to 100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** A stored message as the console shows it. */
export interface ConsoleMessage {
  msgId: string;
  conversationId: string;
  conversationType: ConversationType;
  senderUserId: string;
  targetId: string;
  seq: number;
  messageType: MessageType;
  /** `{}` once recalled. */
  content: Record<string, unknown>;
  clientMsgId: string | null;
  timestamp: number;
  /** Who recalled it (null: the tenant's backend) and when; null while not recalled. */
  recall: { by: string | null; at: number } | null;
}

export interface MessageSearchPage {
  /** Newest first. */
  messages: ConsoleMessage[];
  /**
   * Where the next page starts, or null when the search reached its end. A page may hold fewer
   * than `limit` messages and still have a cursor: each page examines a bounded number of messages.
   */
  nextCursor: string | null;
  /** How many stored messages this page examined. */
  examined: number;
}

/** One recipient of a message, as far as the server knows. */
export interface MessageRecipient {
  userId: string;
  /** Null when the user record is gone. */
  name: string | null;
  /** Highest seq this user has marked read in the conversation (0: nothing, or no session yet). */
  readSeq: number;
  /** `readSeq` is at or past the message. */
  read: boolean;
  /** Connected right now, and on which platforms. */
  online: boolean;
  platforms: string[];
  /**
   * The user's devices that were connected when the message was stored, so its push was written
   * to them, oldest connection first. A device still connected holds it; one that disconnected
   * later may have lost the push in its last moments and then fetched it by seq on reconnecting.
   * A device that was offline is not here: it fetched, or will fetch, the message from history.
   */
  pushedTo: PushedDevice[];
}

/** A device connection that a message's push was written to. */
export interface PushedDevice {
  platform: string;
  /** When the connection was accepted (ms since epoch). */
  connectedAt: number;
  /** When it ended (ms since epoch), or null while it is still connected. */
  disconnectedAt: number | null;
}

/** `GET /console/apps/:appId/messages/:msgId`. */
export interface MessageDetail {
  message: ConsoleMessage;
  /** The conversation's newest seq. */
  lastSeq: number;
  /** Everyone the message was for (the sender's own other devices aside), up to 200. */
  recipients: MessageRecipient[];
  /** How many there are in all (group members now, or 1 for a private message). */
  recipientCount: number;
  /**
   * Since when `pushedTo` is complete (ms since epoch). Each server process remembers the
   * connections that ended since it started, the most recent 10,000 of them; a device that
   * disconnected before this moment is missing from `pushedTo`.
   */
  devicesKnownSince: number;
}
