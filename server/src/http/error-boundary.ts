import { ErrorCode, ErrorStatus, type FailureEnvelope } from '@parley/sdk/protocol';
import type { Middleware } from 'koa';
import { AppError, knownFailure } from '../domain/errors.js';
import { RateLimitedError } from '../domain/limits/rate-limits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { reportUnreachable } from '../metrics/unreachable.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.INVALID_PARAMS,
  401: ErrorCode.TOKEN_INVALID,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
};

/**
 * Registered first: turns every failure below it into the failure envelope (DESIGN §3.1).
 * AppErrors keep their code and message. Koa/HTTP errors meant for the client keep their status.
 * Anything else is a bug: logged in full with the request id, answered `INTERNAL` without
 * internals.
 */
export function errorBoundary(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      let body: FailureEnvelope;
      const error = knownFailure(thrown) ?? thrown;
      if (error instanceof AppError) {
        reportUnreachable(thrown, logger, metrics, { requestId: ctx.state.requestId, path: ctx.path });
        body = { status: 0, code: error.code, message: error.message };
        if (error.mutedUntil !== undefined) body.mutedUntil = error.mutedUntil;
        if (error.retryAfterMs !== undefined) {
          body.retryAfterMs = error.retryAfterMs;
          ctx.set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
          if (error instanceof RateLimitedError) {
            setRateLimitHeaders(ctx, { limit: error.limit, remaining: 0, resetMs: error.retryAfterMs });
            metrics.rateLimitRefusals.inc({ limit: error.kind });
          }
        }
      } else if (isClientHttpError(error)) {
        const code = CODE_BY_STATUS[error.status] ?? ErrorCode.INVALID_PARAMS;
        body = { status: 0, code, message: error.message };
      } else {
        const requestId = String(ctx.state.requestId ?? '');
        logger.error({ err: error, requestId, method: ctx.method, path: ctx.path, ...(ctx.state.appId ? { appId: ctx.state.appId } : {}) }, 'unhandled error');
        metrics.internalErrors.inc({ transport: 'http' });
        body = { status: 0, code: ErrorCode.INTERNAL, message: `internal error; quote request id ${requestId} when reporting it` };
      }
      ctx.status = ErrorStatus[body.code];
      ctx.body = body;
    }
  };
}

function isClientHttpError(error: unknown): error is { status: number; message: string; expose: true } {
  const candidate = error as { status?: unknown; expose?: unknown } | null;
  return (
    typeof candidate?.status === 'number' && candidate.expose === true && candidate.status >= 400 && candidate.status < 500
  );
}
