import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when sane, else a new UUID), echoes it
 * in the response and logs one line when the response is done. Only method, path, status, time
 * and app are logged: never query strings, bodies or headers, which carry tokens and signatures.
 */
export function requestLog(logger: Logger): Middleware {
  // Its fields are fixed above and hold no secret, so the line skips the logger's redaction pass,
  // which costs more than writing it (one line per request adds up).
  const lines = logger.child({}, { redact: [] });
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      lines.info(
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ...(ctx.state.appId ? { appId: ctx.state.appId } : {}),
        },
        'request',
      );
    }
  };
}
