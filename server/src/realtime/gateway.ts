import type { Server as HttpServer } from 'node:http';
import { ErrorCode, type Ack, type ClientRequestName } from '@parley/sdk/protocol';
import { Server, type ServerOptions } from 'socket.io';
import type { Clock } from '../clock.js';
import type { AppContext } from '../domain/app-context.js';
import { AppError, knownFailure } from '../domain/errors.js';
import { newObjectId } from '../domain/ids.js';
import type { LiveConnections } from '../domain/insights/live-connections.js';
import { RateLimitedError } from '../domain/limits/rate-limits.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { reportUnreachable } from '../metrics/unreachable.js';
import { ConnectionLifecycle } from './connections.js';
import { deliverDomainEvents } from './delivery.js';
import { authenticateHandshake } from './handshake.js';
import { recheckAfterOutage } from './outage-recheck.js';
import { relayAppEvents } from './app-relay.js';
import { LiveDevices } from './live-devices.js';
import { LiveApps } from './live-apps.js';
import { socketRequests } from './requests/index.js';
import { guardSendBuffer } from './send-buffer-guard.js';
import type { SocketRequest } from './socket-request.js';
import { TypingThrottle } from './typing-throttle.js';
import type { DeviceSocket, GatewayServer } from './types.js';

export interface GatewayOptions {
  services: Services;
  clock: Clock;
  logger: Logger;
  /** Heartbeat. socket.io's defaults (25 s / 20 s) ride out a mobile network's short stalls. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Largest socket.io packet. */
  maxPayloadBytes: number;
  /** Most bytes a connection may hold unsent before it is dropped as a slow consumer (see send-buffer-guard.ts). */
  sendBufferMaxBytes: number;
  metrics: Metrics;
  /** socket.io adapter that reaches other processes' sockets; default: this process only. */
  adapter?: ServerOptions['adapter'];
  /** Registers a listener for the adapter's link coming back after an outage; returns its removal. */
  onAdapterReconnected?: (listener: () => void) => () => void;
}

/** Besides serving devices, the gateway tells the console about them, over every process. */
export interface RealtimeGateway extends LiveConnections {
  readonly io: GatewayServer;
  /** The declared requests, by name (the reference and the tests read them). */
  readonly requests: ReadonlyMap<ClientRequestName, SocketRequest>;
  /** Disconnects every device and stops listening. */
  close(): Promise<void>;
}

/** The socket.io gateway (DESIGN §3.4), on the same HTTP server as the REST API. */
export function attachRealtimeGateway(http: HttpServer, options: GatewayOptions): RealtimeGateway {
  const { services, clock, logger, metrics } = options;
  const io: GatewayServer = new Server(http, {
    serveClient: false,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    maxHttpBufferSize: options.maxPayloadBytes,
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    // Devices authenticate with a token, never a cookie, so any web origin may connect.
    cors: { origin: '*' },
  });
  const apps = new LiveApps(services);
  const lifecycle = new ConnectionLifecycle(io, services, clock, logger);
  const throttle = new TypingThrottle(clock);
  const requests = socketRequests(services, throttle);
  const stopDelivery = deliverDomainEvents(io, services.events, metrics, options.adapter === undefined);
  // Only a cross-process adapter has other processes to tell (the in-process one logs an error).
  const stopRelay = options.adapter === undefined ? () => {} : relayAppEvents(io, services.events, apps);
  const devices = new LiveDevices(io, clock, options.adapter !== undefined);
  const stopRecheck =
    options.onAdapterReconnected?.(() => {
      recheckAfterOutage(io, apps, services, logger).catch((error: unknown) => logger.error({ err: error }, 'could not check connections again after the outage'));
    }) ?? (() => {});

  // Requests being answered, so a shutdown can let them finish before it closes the transports.
  const inFlight = new Set<Promise<void>>();

  io.use(authenticateHandshake({ services, clock, logger, metrics }));

  io.on('connection', (socket) => {
    const { appId, userId } = socket.data;
    guardSendBuffer(socket, options.sendBufferMaxBytes, logger, metrics);
    metrics.sockets.inc();
    const held = apps.acquire(appId);
    // Answered even before setup is done; every request waits for the app to be held.
    held.catch(() => {});

    for (const request of requests.values()) {
      socket.on(request.name, (...args: unknown[]) => {
        const last = args.at(-1);
        const ack = typeof last === 'function' ? (args.pop(), (reply: Ack<unknown>) => void last(reply)) : undefined;
        const answered = answer(request, args[0], ack);
        inFlight.add(answered);
        void answered.finally(() => inFlight.delete(answered));
      });
    }

    const answer = async (request: SocketRequest, payload: unknown, ack: ((reply: Ack<unknown>) => void) | undefined) => {
      const stop = metrics.ackDuration.startTimer({ request: request.name });
      let reply: Ack<unknown>;
      try {
        await held;
        const { app, data } = await apps.current(appId);
        const ctx: AppContext = { app, data, origin: socket.id };
        // Counted per user over all devices, before validation, so a flood of malformed requests is limited too.
        if (request.rateLimit === 'send') await services.limits.userSend(ctx, userId);
        else if (request.rateLimit === 'signal') await services.limits.userSignal(ctx, userId);
        reply = { status: 1, data: await request.execute(payload, { ctx, userId, socket }) };
      } catch (error) {
        reply = failure(error, request.name, socket, logger, metrics);
      }
      stop({ outcome: reply.status === 1 ? 'ok' : reply.code });
      ack?.(reply);
    };

    socket.on('disconnect', () => {
      metrics.sockets.dec();
      devices.ended(socket.data);
      throttle.forget(socket.id);
      lifecycle
        .closed(socket)
        .catch((error: unknown) => logger.error({ err: error, appId, userId }, 'disconnect handling failed'))
        .finally(() => held.then(() => apps.release(appId), () => {}));
    });

    void (async () => {
      try {
        const ctx = await held;
        await lifecycle.opened(socket, ctx);
        const { recallWindowSeconds, adminRecallWindowSeconds } = (await apps.current(appId)).app.settings;
        const recallWindows = { senderSeconds: recallWindowSeconds, groupAdminSeconds: adminRecallWindowSeconds };
        if (socket.connected) socket.emit('ready', { appId, userId, platform: socket.data.platform, serverTime: clock.now(), recallWindows });
      } catch (error) {
        if (reportUnreachable(error, logger, metrics, { appId, userId, during: 'connection set-up' })) {
          // The store or Redis is away for now: drop the transport rather than the session, so
          // the device reconnects with its backoff instead of taking it as a refusal.
          socket.conn.close();
          return;
        }
        if (!(error instanceof AppError)) {
          // Not a refusal (a peer process that did not answer, a bug): the device must not take it
          // as one and give up, so only the transport closes and it reconnects with its backoff.
          logger.error({ err: error, appId, userId }, 'could not set up connection');
          socket.conn.close();
          return;
        }
        socket.disconnect(true);
      }
    })();
  });

  return {
    io,
    requests,
    countDevices: (appId) => devices.countDevices(appId),
    deviceSpans: (appId, userIds) => devices.deviceSpans(appId, userIds),
    async close() {
      stopDelivery();
      stopRelay();
      stopRecheck();
      devices.stop();
      lifecycle.stop();
      apps.stop();
      // A request already being answered gets its ack (a send is then stored and acknowledged,
      // not resent to another process), within a bound so a stuck store cannot hold the exit.
      await settledWithin([...inFlight], SHUTDOWN_REQUEST_WAIT_MS);
      // A shutdown (a deploy, a scale-in) is not a kick: close the transports, not the socket.io
      // sessions, so every device sees a lost connection and reconnects (to another process
      // behind the load balancer) with its usual backoff, then syncs. Pending acks are flushed
      // first; engine.io closes once each connection's write buffer has drained.
      for (const socket of io.sockets.sockets.values()) socket.conn.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}

/** How long a shutdown waits for socket requests being answered before it closes the transports. */
const SHUTDOWN_REQUEST_WAIT_MS = 5_000;

async function settledWithin(work: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.allSettled(work), bound]);
  clearTimeout(timer);
}

/** An AppError is the caller's to fix; anything else is ours, logged with an id the caller can quote. */
function failure(thrown: unknown, event: string, socket: DeviceSocket, logger: Logger, metrics: Metrics): Ack<never> {
  const error = knownFailure(thrown) ?? thrown;
  if (error instanceof RateLimitedError) metrics.rateLimitRefusals.inc({ limit: error.kind });
  if (error instanceof AppError) {
    reportUnreachable(thrown, logger, metrics, { event, appId: socket.data.appId });
    const reply: Ack<never> = { status: 0, code: error.code, message: error.message };
    if (error.mutedUntil !== undefined) reply.mutedUntil = error.mutedUntil;
    return error.retryAfterMs === undefined ? reply : { ...reply, retryAfterMs: error.retryAfterMs };
  }
  const errorId = newObjectId();
  logger.error({ err: error, event, errorId, appId: socket.data.appId, userId: socket.data.userId }, 'socket request failed');
  metrics.internalErrors.inc({ transport: 'socket' });
  return { status: 0, code: ErrorCode.INTERNAL, message: `internal error (id ${errorId})` };
}
