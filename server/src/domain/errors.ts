import { ErrorCode, ErrorStatus, type TokenRefusal } from '@parley/sdk/protocol';
import { BusUnavailableError } from '../bus/ports.js';
import { StoreUnavailableError } from '../store/ports.js';

/**
 * A failure the caller can understand and act on: it carries a stable wire code, the HTTP
 * status that goes with it and a message that is safe to show (no secrets, no internals).
 *
 * Anything thrown that is not an AppError is a bug and reaches clients only as `INTERNAL`.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  /** With `RATE_LIMITED` and `SERVER_BUSY`: how long the caller should wait before trying again. */
  readonly retryAfterMs: number | undefined;
  /** With `MUTED` for a member's own mute: when it ends. */
  readonly mutedUntil: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number; mutedUntil?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
    this.mutedUntil = options?.mutedUntil;
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return ErrorStatus[this.code];
  }
}

/** `field` is missing or wrong; the message always starts with the field's name. */
export function invalidParams(field: string, problem: string): AppError {
  return new AppError(ErrorCode.INVALID_PARAMS, `${field}: ${problem}`);
}

export function notFound(what: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, what);
}

export function forbidden(why: string): AppError {
  return new AppError(ErrorCode.FORBIDDEN, why);
}

export function conflict(why: string): AppError {
  return new AppError(ErrorCode.CONFLICT, why);
}

/** `TOKEN_INVALID` for a user token, saying why: the handshake passes `reason` on to the device. */
export class TokenRefusedError extends AppError {
  constructor(
    readonly reason: TokenRefusal,
    message: string,
  ) {
    super(ErrorCode.TOKEN_INVALID, message);
  }
}

/**
 * The AppError a failure stands for, when it is one the caller can act on: itself, or
 * `UNAVAILABLE` (retryable, after a second) for a store that cannot be reached. Undefined for a bug.
 */
export function knownFailure(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof BusUnavailableError) {
    return new AppError(ErrorCode.UNAVAILABLE, 'the server cannot reach Redis right now; retry shortly (a signed request with a fresh nonce)', {
      cause: error,
      retryAfterMs: 1000,
    });
  }
  if (error instanceof StoreUnavailableError) {
    return new AppError(ErrorCode.UNAVAILABLE, 'the database cannot be reached right now; retry shortly (a send repeated with its clientMsgId is stored once)', {
      cause: error,
      retryAfterMs: 1000,
    });
  }
  return undefined;
}

/** The dependency whose failure {@link knownFailure} answers `UNAVAILABLE`, so each can be counted apart; undefined for any other failure. */
export function unreachableDependency(error: unknown): 'store' | 'bus' | undefined {
  if (error instanceof StoreUnavailableError) return 'store';
  if (error instanceof BusUnavailableError) return 'bus';
  return undefined;
}
