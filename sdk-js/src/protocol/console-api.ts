import type { FileCategory, LoginPolicy, PresenceScope } from './constants.js';

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

/** An app as its owner sees it in the console. */
export interface ConsoleApp {
  appId: string;
  appName: string;
  description: string;
  appSecret: string;
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
