import type { Server as HttpServer } from 'node:http';
import { ErrorCode, type Ack, type ClientRequestName } from '@parley/sdk/protocol';
import { Server } from 'socket.io';
import type { Bus } from '../bus/ports.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { newObjectId } from '../domain/ids.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/ports.js';
import { ConnectionLifecycle } from './connections.js';
import { deliverDomainEvents } from './delivery.js';
import { authenticateHandshake } from './handshake.js';
import { requestHandlers, type DeviceRequest } from './requests.js';
import { TypingRelay } from './typing.js';
import type { DeviceSocket, GatewayServer } from './types.js';

export interface GatewayOptions {
  services: Services;
  store: Store;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  /** Heartbeat. socket.io's defaults (25 s / 20 s) ride out a mobile network's short stalls. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Largest socket.io packet. */
  maxPayloadBytes: number;
}

export interface RealtimeGateway {
  readonly io: GatewayServer;
  /** Disconnects every device and stops listening. */
  close(): Promise<void>;
}

/** The socket.io gateway (DESIGN §3.4), on the same HTTP server as the REST API. */
export function attachRealtimeGateway(http: HttpServer, options: GatewayOptions): RealtimeGateway {
  const { services, store, bus, clock, logger } = options;
  const io: GatewayServer = new Server(http, {
    serveClient: false,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    maxHttpBufferSize: options.maxPayloadBytes,
    // Devices authenticate with a token, never a cookie, so any web origin may connect.
    cors: { origin: '*' },
  });
  const lifecycle = new ConnectionLifecycle(io, bus, clock, logger);
  const typing = new TypingRelay(io, services, clock);
  const handlers = requestHandlers(services, bus, typing);
  const stopDelivery = deliverDomainEvents(io, services.events);

  io.use(authenticateHandshake({ services, store, clock, logger }));

  io.on('connection', (socket) => {
    const { appId, userId } = socket.data;
    const context = async (): Promise<DeviceRequest> => {
      // Loaded per request: settings changed in the console apply at once.
      const app = await services.apps.load(appId);
      if (!app) throw new AppError(ErrorCode.TOKEN_INVALID, 'this app no longer exists');
      return { ctx: { app, data: store.forApp(appId), origin: socket.id }, userId, socket };
    };

    for (const name of Object.keys(handlers) as ClientRequestName[]) {
      socket.on(name, (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: Ack<unknown>) => void) : undefined;
        void answer(name, args[0], ack);
      });
    }

    const answer = async (name: ClientRequestName, payload: unknown, ack: ((reply: Ack<unknown>) => void) | undefined) => {
      let reply: Ack<unknown>;
      try {
        reply = { status: 1, data: await handlers[name](payload, await context()) };
      } catch (error) {
        reply = failure(error, name, socket, logger);
      }
      ack?.(reply);
    };

    socket.on('disconnect', () => {
      typing.forget(socket.id);
      lifecycle.closed(socket).catch((error: unknown) => logger.error({ err: error, appId, userId }, 'disconnect handling failed'));
    });

    void (async () => {
      try {
        const { ctx } = await context();
        await lifecycle.opened(socket, ctx);
        if (socket.connected) socket.emit('ready', { appId, userId, platform: socket.data.platform, serverTime: clock.now() });
      } catch (error) {
        logger.error({ err: error, appId, userId }, 'could not set up connection');
        socket.disconnect(true);
      }
    })();
  });

  return {
    io,
    async close() {
      stopDelivery();
      lifecycle.stop();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}

/** An AppError is the caller's to fix; anything else is ours, logged with an id the caller can quote. */
function failure(error: unknown, event: string, socket: DeviceSocket, logger: Logger): Ack<never> {
  if (error instanceof AppError) return { status: 0, code: error.code, message: error.message };
  const errorId = newObjectId();
  logger.error({ err: error, event, errorId, appId: socket.data.appId, userId: socket.data.userId }, 'socket request failed');
  return { status: 0, code: ErrorCode.INTERNAL, message: `internal error (id ${errorId})` };
}
