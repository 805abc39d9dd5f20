import { ErrorCode, type HandshakeErrorData } from '@parley/sdk/protocol';
import type { ExtendedError } from 'socket.io';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import { handshakeAuth } from '../schemas/realtime.js';
import { parseInput } from '../schemas/parse.js';
import type { Store } from '../store/ports.js';
import type { DeviceSocket } from './types.js';

export interface HandshakeDeps {
  services: Services;
  store: Store;
  clock: Clock;
  logger: Logger;
}

/**
 * socket.io middleware: accepts a connection only with a live token of the named app. `auth`
 * wins over the query string, field by field. The refusal reaches the client as `connect_error`
 * with `data: {code, message}`.
 */
export function authenticateHandshake(deps: HandshakeDeps) {
  return async (socket: DeviceSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    try {
      const { query, auth } = socket.handshake;
      const fromQuery = {
        appId: textOf(query['appId']),
        token: textOf(query['token']),
        platform: textOf(query['platform']),
      };
      const given = { ...withoutUndefined(fromQuery), ...withoutUndefined(isRecord(auth) ? auth : {}) };
      const input = parseInput(handshakeAuth, given);
      const app = await deps.services.apps.load(input.appId);
      if (!app) throw new AppError(ErrorCode.UNKNOWN_APP, `appId: app ${input.appId} does not exist`);
      const { user, expiresAt } = await deps.services.users.authenticate({ app, data: deps.store.forApp(app.appId) }, input.token);
      socket.data = {
        appId: app.appId,
        userId: user.userId,
        platform: input.platform,
        tokenExpiresAt: expiresAt,
        connectedAt: deps.clock.now(),
      };
      next();
    } catch (error) {
      next(refusal(error, deps.logger));
    }
  };
}

function refusal(error: unknown, logger: Logger): ExtendedError {
  const data: HandshakeErrorData =
    error instanceof AppError
      ? { code: error.code, message: error.message }
      : { code: ErrorCode.INTERNAL, message: 'the server could not check this connection' };
  if (!(error instanceof AppError)) logger.error({ err: error }, 'handshake failed');
  return Object.assign(new Error(data.message), { data });
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
