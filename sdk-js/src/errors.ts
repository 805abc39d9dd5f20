import { ErrorCode } from './protocol/errors.js';

/** Failures detected on the client side, before or instead of a server answer. */
export const ClientErrorCode = {
  /** The request never got an HTTP answer (DNS, refused connection, reset). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** No answer within the configured timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The server answered with something that is not a Parley envelope. */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /**
   * The realtime client was disconnected by `disconnect()`, a kick, or a refused handshake; the
   * request was not completed.
   */
  DISCONNECTED: 'DISCONNECTED',
  /** An upload was cancelled with its `signal`; the server keeps nothing of it. */
  ABORTED: 'ABORTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code a {@link ParleyError} can carry. */
export type ParleyErrorCode = ErrorCode | ClientErrorCode;

const RETRYABLE: ReadonlySet<ParleyErrorCode> = new Set<ParleyErrorCode>([
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVER_BUSY,
  ErrorCode.UNAVAILABLE,
  ErrorCode.INTERNAL,
  ClientErrorCode.NETWORK_ERROR,
  ClientErrorCode.TIMEOUT,
]);

/** Options of the {@link ParleyError} constructor. */
export interface ParleyErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The underlying error (network failure, JSON parse error, ...). */
  cause?: unknown;
  /** How long the server asked the caller to wait before trying again, in milliseconds. */
  retryAfterMs?: number;
  /** With `MUTED`: when the caller's mute ends, in milliseconds since epoch. */
  mutedUntil?: number;
}

/**
 * The one error type the SDK throws or rejects with.
 *
 * @example
 * ```ts
 * try {
 *   await api.sendPrivateMessage({ senderUserId: 'u1', targetId: 'u2', messageType: 1, content: { content: 'hi' } });
 * } catch (err) {
 *   if (err instanceof ParleyError && err.code === 'NOT_FOUND') console.log('no such user');
 * }
 * ```
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  /** Stable machine-readable code: a server {@link ErrorCode} or a {@link ClientErrorCode}. */
  readonly code: ParleyErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /**
   * True when the same request may succeed if tried again later: `RATE_LIMITED`, `SERVER_BUSY`,
   * `INTERNAL`, `NETWORK_ERROR` and `TIMEOUT`.
   */
  readonly retryable: boolean;
  /**
   * With `RATE_LIMITED` and `SERVER_BUSY`: how many milliseconds the server asked to wait before
   * trying again (the ack's or body's `retryAfterMs`, else the `Retry-After` header). Nothing was
   * done, so the same request may be made again after that wait. Undefined for other errors.
   *
   * @example
   * ```ts
   * try {
   *   await client.presence(['bob']);
   * } catch (err) {
   *   if (err instanceof ParleyError && err.code === 'RATE_LIMITED') setTimeout(refresh, err.retryAfterMs ?? 1000);
   * }
   * ```
   */
  readonly retryAfterMs: number | undefined;
  /**
   * With `MUTED` when the sender is muted in the group (not the whole group): when the mute ends,
   * in milliseconds since epoch. Undefined otherwise.
   *
   * @example
   * ```ts
   * if (err instanceof ParleyError && err.code === 'MUTED') notice(err.mutedUntil ? `muted until ${new Date(err.mutedUntil).toLocaleTimeString()}` : 'only admins may send');
   * ```
   */
  readonly mutedUntil: number | undefined;

  constructor(code: ParleyErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.mutedUntil = options.mutedUntil;
  }
}

/**
 * `error` as a {@link ParleyError}: itself when it is one, else a `code` error (default
 * `BAD_RESPONSE`) whose message is `prefix` and the error's text, with the original as `cause`.
 *
 * @internal
 */
export function toParleyError(error: unknown, code: ParleyErrorCode = ClientErrorCode.BAD_RESPONSE, prefix = ''): ParleyError {
  return error instanceof ParleyError ? error : new ParleyError(code, `${prefix}${String(error)}`, { cause: error });
}
