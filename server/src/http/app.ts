import Router from '@koa/router';
import { ErrorCode } from '@parley/sdk/protocol';
import Koa from 'koa';
import { AppError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import { dispatch } from './dispatch.js';
import { errorBoundary } from './error-boundary.js';
import { buildOpenApiDocument } from './openapi.js';
import { requestLog } from './request-log.js';
import type { Route } from './route.js';
import { consoleRoutes } from './routes/console-routes.js';
import { mountMetaRoutes } from './routes/meta-routes.js';
import { openApiRoutes } from './routes/open-api-routes.js';

export interface HttpAppOptions {
  services: Services;
  logger: Logger;
  maxBodyBytes: number;
  trustProxy: boolean;
  version: string;
}

/** Every route the server answers, in reference order. */
export function allRoutes(services: Services): Route[] {
  return [...openApiRoutes(services), ...consoleRoutes(services)];
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
  mountMetaRoutes(router, openApi, options.version);

  app.use(requestLog(options.logger));
  app.use(errorBoundary(options.logger));
  app.use(async (ctx, next) => {
    await next();
    if (ctx.body === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no route ${ctx.method} ${ctx.path}`);
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError(ErrorCode.METHOD_NOT_ALLOWED, 'this path does not take that HTTP method'),
      notImplemented: () => new AppError(ErrorCode.METHOD_NOT_ALLOWED, 'this HTTP method is not supported'),
    }),
  );
  return app;
}
