import type Router from '@koa/router';

/**
 * Routes outside the envelope: a landing document, a health probe for load balancers and the
 * OpenAPI document, served raw so tools can load it directly.
 */
export function mountMetaRoutes(router: Router, openApi: object, version: string): void {
  router.get('/', (ctx) => {
    ctx.body = { name: 'Parley', version, openapi: '/openapi.json', health: '/health' };
  });
  router.get('/health', (ctx) => {
    ctx.body = { status: 1, message: 'ok', data: { uptimeSeconds: Math.round(process.uptime()) } };
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApi;
  });
}
