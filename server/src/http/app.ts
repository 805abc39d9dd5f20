import Router from '@koa/router';
import { ErrorCode } from '@parley/sdk/protocol';
import Koa from 'koa';
import { AppError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import { dispatch } from './dispatch.js';
import { errorBoundary } from './error-boundary.js';
import { httpMetrics } from './http-metrics.js';
import type { Metrics } from '../metrics/metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { requestLog } from './request-log.js';
import type { Route } from './route.js';
import { mountConsoleAssets } from './routes/console-assets.js';
import { consoleRoutes } from './routes/console-routes.js';
import { mountFileRoutes } from './routes/file-routes.js';
import { mountMetaRoutes, type Readiness } from './routes/meta-routes.js';
import { friendRoutes } from './routes/friend-routes.js';
import { groupAdminRoutes } from './routes/group-admin-routes.js';
import { openApiRoutes } from './routes/open-api-routes.js';

export interface HttpAppOptions {
  services: Services;
  logger: Logger;
  maxBodyBytes: number;
  signedBodyMaxBytes: number;
  metrics: Metrics;
  /** Bearer token `/metrics` requires; null leaves `/metrics` unanswered (404). */
  metricsToken: string | null;
  readiness: () => Promise<Readiness>;
  trustProxy: boolean;
  version: string;
  /** The console's build, served at `/console`. */
  consoleDir: string;
}

/** Every route the server answers, in reference order. */
export function allRoutes(services: Services): Route[] {
  return [...openApiRoutes(services), ...groupAdminRoutes(services), ...friendRoutes(services), ...consoleRoutes(services)];
}

/** The OpenAPI document of a server's routes (also served at `/openapi.json`). */
export function openApiDocument(services: Services, version: string): object {
  return buildOpenApiDocument(allRoutes(services), version);
}

export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: options.trustProxy });
  // Koa would print errors itself; the boundary already logs what matters.
  app.silent = true;

  const routes = allRoutes(options.services);
  const openApi = buildOpenApiDocument(routes, options.version);
  const router = new Router();
  for (const route of routes) router.register(route.path, [route.method], dispatch(route, options));
  mountFileRoutes(router, { services: options.services });
  mountConsoleAssets(router, options.consoleDir);
  mountMetaRoutes(router, { openApi, version: options.version, metrics: options.metrics, metricsToken: options.metricsToken, readiness: options.readiness });

  app.use(httpMetrics(options.metrics));
  app.use(requestLog(options.logger));
  app.use(errorBoundary(options.logger, options.metrics));
  app.use(unanswered());
  app.use(router.routes());
  // Answers OPTIONS, and sets `Allow` with 405 (or 501 for a method no route uses); the
  // middleware above wraps those in the envelope.
  app.use(router.allowedMethods());
  return app;
}

/**
 * A request no route answered: 405 METHOD_NOT_ALLOWED when the path exists with other methods
 * (keeping the `Allow` header that lists them, RFC 9110 §15.5.6), else 404 NOT_FOUND.
 */
function unanswered(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined) return;
    const allow = ctx.response.get('Allow');
    if (allow) throw new AppError(ErrorCode.METHOD_NOT_ALLOWED, `${ctx.path} does not take ${ctx.method}; it takes ${allow}`);
    throw new AppError(ErrorCode.NOT_FOUND, `no route ${ctx.method} ${ctx.path}`);
  };
}
