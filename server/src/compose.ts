import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import packageJson from '../package.json' with { type: 'json' };
import { MemoryBus } from './bus/memory/memory-bus.js';
import { FILE_SETTING_DEFAULTS } from './domain/files/file-settings.js';
import { LocalFileStorage } from './files/local/local-files.js';
import { libraryMediaInspector } from './files/media/media-probe.js';
import type { FileStorage } from './files/ports.js';
import type { SocketFanOut } from './adapters.js';
import type { Bus } from './bus/ports.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import type { LiveConnections } from './domain/insights/live-connections.js';
import { createServices, type DomainSettings, type Services } from './domain/services.js';
import { createHttpApp } from './http/app.js';
import { answerClientErrors } from './http/client-errors.js';
import { createLogger, type Logger } from './logger.js';
import { countDomainEvents } from './metrics/domain-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { attachRealtimeGateway, type RealtimeGateway } from './realtime/gateway.js';
import { MemoryStore } from './store/memory/memory-store.js';
import type { Store } from './store/ports.js';

/** Replaceable parts, for tests and embedding. */
export interface ComposeOverrides {
  clock?: Clock;
  logger?: Logger;
  store?: Store;
  bus?: Bus;
  /** Where uploads are kept; default a temporary directory of this process. */
  files?: FileStorage;
  /** How pushes reach sockets of other processes (with Redis); none: this process only. */
  fanOut?: SocketFanOut;
  metrics?: Metrics;
}

/** A composed, not yet listening, Parley server. */
export interface ParleyServer {
  readonly config: Config;
  readonly services: Services;
  readonly store: Store;
  readonly bus: Bus;
  readonly files: FileStorage;
  readonly logger: Logger;
  /** What this process counts, served at `/metrics` when `METRICS_TOKEN` is set. */
  readonly metrics: Metrics;
  readonly http: Server;
  /** The socket.io gateway on the same HTTP server. */
  readonly realtime: RealtimeGateway;
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, finishes in-flight requests, then closes adapters. Safe to call twice. */
  close(): Promise<void>;
}

export const VERSION: string = packageJson.version;

/** What the domain takes from the configuration: the defaults of new apps and the server-wide rules. */
export function domainSettings(config: Config): DomainSettings {
  return {
    defaultAppSettings: {
      tokenTtlSeconds: config.tokenTtlSeconds,
      maxGroupMembers: config.maxGroupMembers,
      recallWindowSeconds: config.recallWindowSeconds,
      adminRecallWindowSeconds: config.adminRecallWindowSeconds,
      loginPolicy: config.loginPolicy,
      presenceScope: config.presenceScope,
      messagePolicy: config.messagePolicy,
      apiRequestsPerSecond: config.apiRequestsPerSecond,
      userSendsPerSecond: config.userSendsPerSecond,
      userSignalsPerSecond: config.userSignalsPerSecond,
      maxUsers: config.maxUsersPerApp,
      maxGroups: config.maxGroupsPerApp,
      ...FILE_SETTING_DEFAULTS,
      uploadCategories: [...FILE_SETTING_DEFAULTS.uploadCategories],
      maxUploadBytes: Math.min(FILE_SETTING_DEFAULTS.maxUploadBytes, config.uploadMaxBytes),
    },
    secretRotationGraceSeconds: config.secretRotationGraceSeconds,
    signatureWindowSeconds: config.signatureWindowSeconds,
    consoleTokenTtlSeconds: config.consoleTokenTtlSeconds,
    passwordScryptCost: config.passwordScryptCost,
    passwordHashing: { concurrency: config.passwordHashConcurrency, queue: config.passwordHashQueue },
    consoleAuth: { perIp: config.consoleAuthPerIp, perEmail: config.consoleAuthPerEmail, windowSeconds: config.consoleAuthWindowSeconds },
    maxAppsPerTenant: config.maxAppsPerTenant,
    maxMessageBytes: config.maxMessageBytes,
    files: { maxUploadBytes: config.uploadMaxBytes, publicUrl: config.publicUrl, imageConcurrency: config.imageProcessingConcurrency },
  };
}

/** The composition root: config -> adapters -> services -> HTTP + realtime. */
export function composeServer(config: Config, overrides: ComposeOverrides = {}): ParleyServer {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const store = overrides.store ?? new MemoryStore();
  const bus = overrides.bus ?? new MemoryBus(clock);
  // Without one given (tests, embedding), files go to a directory of this process's own.
  const files = overrides.files ?? new LocalFileStorage(join(tmpdir(), `parley-files-${process.pid}-${randomBytes(4).toString('hex')}`));
  const metrics = overrides.metrics ?? new Metrics({ processMetrics: config.metricsToken !== null });
  let closing: Promise<void> | undefined;
  // The gateway is attached to the HTTP server made from these services, so the services reach it through this late reference.
  const live: LiveConnections = {
    countDevices: (appId) => realtime.countDevices(appId),
    deviceSpans: (appId, userIds) => realtime.deviceSpans(appId, userIds),
  };
  const services = createServices(store, bus, { storage: files, media: libraryMediaInspector }, clock, domainSettings(config), live, (error, event) => logger.error({ err: error, event }, 'domain event listener failed'));
  countDomainEvents(services, metrics);
  const app = createHttpApp({
    services,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    signedBodyMaxBytes: config.signedBodyMaxBytes,
    metrics,
    metricsToken: config.metricsToken,
    readiness: async () => ({
      store: await answers(store.ping()),
      bus: await answers(bus.ping()),
      files: await answers(files.ping()),
      fileStorage: files.kind,
      draining: closing !== undefined,
    }),
    trustProxy: config.trustProxy,
    version: VERSION,
    consoleDir: config.consoleDir,
  });
  const http = createServer(app.callback());
  answerClientErrors(http, logger);
  const realtime = attachRealtimeGateway(http, {
    services,
    clock,
    logger,
    pingIntervalMs: config.socketPingIntervalMs,
    pingTimeoutMs: config.socketPingTimeoutMs,
    maxPayloadBytes: config.maxBodyBytes,
    sendBufferMaxBytes: config.socketSendBufferMaxBytes,
    metrics,
    adapter: overrides.fanOut?.adapter,
    onAdapterReconnected: overrides.fanOut?.onReconnected,
  });

  return {
    config,
    services,
    store,
    bus,
    files,
    logger,
    metrics,
    http,
    realtime,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        // Stop accepting first: from here on /readyz answers "shutting down" on the connections
        // still open, and the load balancer sends new ones elsewhere.
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        await realtime.close();
        http.closeIdleConnections();
        await httpClosed;
        await overrides.fanOut?.close();
        await services.uploads.close();
        await bus.close();
        await store.close();
        // The directory made above is this server's own; one that was given is not.
        if (overrides.files === undefined && files instanceof LocalFileStorage) await rm(files.root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** How long a readiness check waits for a dependency before calling it down. */
const PING_TIMEOUT_MS = 2000;

/** True when `ping` resolves within {@link PING_TIMEOUT_MS}. */
async function answers(ping: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ping.then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
