import { createHash, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import { ErrorCode } from '@parley/sdk/protocol';
import { AppError } from '../../domain/errors.js';
import type { Metrics } from '../../metrics/metrics.js';
import { bearerOf } from '../credentials.js';

export interface MetaRouteOptions {
  openApi: object;
  version: string;
  metrics: Metrics;
  /** `/metrics` answers only with `Authorization: Bearer <metricsToken>`; null: not served at all. */
  metricsToken: string | null;
  /** What `/readyz` reports: each dependency's answer, and whether the process is shutting down. */
  readiness: () => Promise<Readiness>;
}

/** `/readyz`'s view of the process. */
export interface Readiness {
  store: boolean;
  bus: boolean;
  /** The file storage answers (local: its directory is writable; OSS: the bucket answers). */
  files: boolean;
  /** `local` or `oss`. */
  fileStorage: string;
  draining: boolean;
}

/** Said by `/readyz` with local file storage: the one thing a second process needs that it cannot check. */
export const LOCAL_FILES_NOTE =
  'local file storage: every server process must mount the same FILES_DIR (a shared volume), or a file uploaded through one process is missing from the others';

/**
 * Routes outside the envelope: a landing document, health probes for load balancers (`/health`
 * and `/healthz` for liveness, `/readyz` for readiness), the
 * OpenAPI document (served raw so tools can load it directly) and, when a token is configured,
 * Prometheus metrics.
 */
export function mountMetaRoutes(router: Router, options: MetaRouteOptions): void {
  const { openApi, version, metrics, metricsToken, readiness } = options;
  router.get('/', (ctx) => {
    ctx.body = { name: 'Parley', version, openapi: '/openapi.json', health: '/health' };
  });
  router.get('/health', (ctx) => {
    ctx.body = { status: 1, message: 'ok', data: { uptimeSeconds: Math.round(process.uptime()) } };
  });
  // Liveness: the process answers. A load balancer or orchestrator restarts it when this fails.
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 1, message: 'alive', data: { uptimeSeconds: Math.round(process.uptime()) } };
  });
  // Readiness: send traffic here. False while the store or bus does not answer, and while shutting down.
  router.get('/readyz', async (ctx) => {
    const state = await readiness();
    const data = { ...state, ...(state.fileStorage === 'local' ? { note: LOCAL_FILES_NOTE } : {}) };
    if (state.store && state.bus && state.files && !state.draining) {
      ctx.body = { status: 1, message: 'ready', data };
      return;
    }
    const down = [!state.store && 'store', !state.bus && 'bus', !state.files && 'file storage'].filter(Boolean);
    const why = state.draining ? 'shutting down' : `${down.join(' and ')} not answering`;
    ctx.status = 503;
    ctx.body = { status: 0, code: ErrorCode.UNAVAILABLE, message: `not ready: ${why}`, data };
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApi;
  });
  if (metricsToken === null) return;
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint of the token.
  const expected = digest(metricsToken);
  router.get('/metrics', async (ctx) => {
    const token = bearerOf(ctx);
    if (!token || !timingSafeEqual(digest(token), expected)) {
      throw new AppError(ErrorCode.TOKEN_INVALID, 'send the METRICS_TOKEN as Authorization: Bearer <token>');
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
