import type { Context } from 'koa';
import type { RateWindow } from '../domain/limits/rate-limits.js';

/**
 * The rate-limit headers of the IETF draft "RateLimit header fields for HTTP" as most clients
 * read them: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the
 * window ends) and `RateLimit-Policy` (`<points>;w=<window seconds>`).
 */
export function setRateLimitHeaders(ctx: Context, window: Pick<RateWindow, 'limit' | 'remaining' | 'resetMs'>): void {
  ctx.set('RateLimit-Limit', String(window.limit.points));
  ctx.set('RateLimit-Remaining', String(window.remaining));
  ctx.set('RateLimit-Reset', String(Math.ceil(window.resetMs / 1000)));
  ctx.set('RateLimit-Policy', `${window.limit.points};w=${window.limit.durationSeconds}`);
}
