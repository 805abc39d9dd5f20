import type { Middleware } from 'koa';
import type { Metrics } from '../metrics/metrics.js';

/**
 * Registered first, so it sees the final status of every request. The route label is the
 * matched route's template (`/console/apps/:appId`), never the raw path, so ids cannot multiply
 * the series; a request no route matched is `unmatched`.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const stop = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route: unknown = ctx['_matchedRoute'];
      stop({ method: ctx.method, route: typeof route === 'string' ? route : 'unmatched', status: String(ctx.status) });
    }
  };
}
