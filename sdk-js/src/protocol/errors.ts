/**
 * Error codes returned in the `code` field of a failed response or socket ack.
 *
 * Codes are stable strings: a client may switch on them. The HTTP status that goes with each
 * code is listed in {@link ErrorStatus}.
 */
export const ErrorCode = {
  /** A field is missing, has the wrong type, is too long or is not allowed; the message names it. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  /** The request signature does not match the parameters and the app secret. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** `time_stamp` is more than the allowed window (5 minutes) away from server time. */
  SIGNATURE_EXPIRED: 'SIGNATURE_EXPIRED',
  /** The `nonce_str` was already used by this app within the signature window. */
  NONCE_REUSED: 'NONCE_REUSED',
  /** No app has this `app_id`. */
  UNKNOWN_APP: 'UNKNOWN_APP',
  /** The user or console token is missing, malformed, expired, revoked or belongs to another app. */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** Console login failed: unknown email or wrong password. */
  CREDENTIALS_INVALID: 'CREDENTIALS_INVALID',
  /** The caller is known but not allowed to do this (e.g. a non-member sending to a group). */
  FORBIDDEN: 'FORBIDDEN',
  /** The recipient has blocked the sender: the private message was not stored or delivered. */
  BLOCKED: 'BLOCKED',
  /** The app lets users message only their friends (`messagePolicy: friends`), and the recipient is not one: nothing was stored. */
  NOT_FRIENDS: 'NOT_FRIENDS',
  /**
   * The sender may not send in this group now: muted until `mutedUntil` (milliseconds since
   * epoch), or the whole group is muted (no `mutedUntil`; only its owner and admins may send).
   * Nothing was stored.
   */
  MUTED: 'MUTED',
  /** The user, group, app, message or route does not exist (in this app). */
  NOT_FOUND: 'NOT_FOUND',
  /** The path exists but not with this HTTP method (e.g. GET on a POST route). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The request conflicts with existing state (duplicate id, full group, ...). */
  CONFLICT: 'CONFLICT',
  /** The request body is larger than the server accepts. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** An upload is larger than the app's `maxUploadBytes` (or the server's `UPLOAD_MAX_BYTES`); nothing was kept. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The uploaded file's kind (image, audio, video, file: read from its bytes) is not allowed for this app (`uploadCategories`). */
  FILE_TYPE_NOT_ALLOWED: 'FILE_TYPE_NOT_ALLOWED',
  /** The file's bytes are not what its name or declared type says (e.g. `photo.jpg` holding a program), or an image cannot be decoded. */
  FILE_TYPE_MISMATCH: 'FILE_TYPE_MISMATCH',
  /** The body is neither JSON nor form-encoded. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** Too many requests; retry after `retryAfterMs` (REST also sends `Retry-After`). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The request line or headers are larger than the server reads (16 KiB). */
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  /** A quota of the app or tenant is used up (users, groups, apps); the message names it. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** The server is too busy to take this request now (e.g. password hashing); retry after `retryAfterMs`. */
  SERVER_BUSY: 'SERVER_BUSY',
  /** The server cannot reach its database (or Redis, for a nonce check) right now; retry after `retryAfterMs` (a send repeated with its `clientMsgId` is stored once). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** Unexpected server failure; the message carries a request id to quote to support. */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status the server answers with for each {@link ErrorCode}. */
export const ErrorStatus: Readonly<Record<ErrorCode, number>> = {
  INVALID_PARAMS: 400,
  SIGNATURE_INVALID: 401,
  SIGNATURE_EXPIRED: 401,
  NONCE_REUSED: 401,
  UNKNOWN_APP: 401,
  TOKEN_INVALID: 401,
  CREDENTIALS_INVALID: 401,
  FORBIDDEN: 403,
  BLOCKED: 403,
  NOT_FRIENDS: 403,
  MUTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  FILE_TYPE_NOT_ALLOWED: 400,
  FILE_TYPE_MISMATCH: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  QUOTA_EXCEEDED: 403,
  SERVER_BUSY: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Successful response body: HTTP 200. */
export interface SuccessEnvelope<T> {
  status: 1;
  message: string;
  data: T;
}

/** Failed response body: HTTP 4xx/5xx, or a socket ack. */
export interface FailureEnvelope {
  status: 0;
  code: ErrorCode;
  message: string;
  /** With `RATE_LIMITED` and `SERVER_BUSY`: how long to wait before trying again, in milliseconds. */
  retryAfterMs?: number;
  /** With `MUTED` for a member's own mute: when it ends, in milliseconds since epoch. */
  mutedUntil?: number;
}

/** Every response of the REST API has this shape. */
export type Envelope<T> = SuccessEnvelope<T> | FailureEnvelope;
