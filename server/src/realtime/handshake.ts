import { ErrorCode, type HandshakeErrorData } from '@parley/sdk/protocol';
import type { ExtendedError } from 'socket.io';
import type { Clock } from '../clock.js';
import { AppError, knownFailure, TokenRefusedError } from '../domain/errors.js';
import { hashBearerToken } from '../domain/ids.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { reportUnreachable } from '../metrics/unreachable.js';
import { parseInput } from '../schemas/parse.js';
import { handshakeAuth } from '../schemas/realtime.js';
import type { DeviceSocket } from './types.js';

export interface HandshakeDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * socket.io middleware: accepts a connection only with a live token of the named app. `auth`
 * wins over the query string, field by field. The refusal reaches the client as `connect_error`
 * with `data: {code, message}` (and `reason` for a refused token).
 */
export function authenticateHandshake(deps: HandshakeDeps) {
  return async (socket: DeviceSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const { query, auth } = socket.handshake;
    const fromQuery = {
      appId: textOf(query['appId']),
      token: textOf(query['token']),
      platform: textOf(query['platform']),
    };
    const given: Record<string, unknown> = { ...withoutUndefined(fromQuery), ...withoutUndefined(isRecord(auth) ? auth : {}) };
    try {
      const input = parseInput(handshakeAuth, given);
      const ctx = await deps.services.apps.open(input.appId);
      const tokenHash = hashBearerToken(input.token);
      const { user, expiresAt } = await deps.services.users.authenticateHash(ctx, tokenHash);
      socket.data = {
        appId: ctx.app.appId,
        userId: user.userId,
        platform: input.platform,
        tokenExpiresAt: expiresAt,
        tokenHash,
        connectedAt: deps.clock.now(),
      };
      next();
    } catch (error) {
      next(refusal(error, deps, textOf(given['appId'])));
    }
  };
}

function refusal(thrown: unknown, { logger, metrics }: HandshakeDeps, claimedAppId: string | undefined): ExtendedError {
  let data: HandshakeErrorData;
  const error = knownFailure(thrown) ?? thrown;
  // The app the client named, for the log line only: unchecked, so cut to an app id's length.
  const appId = claimedAppId?.slice(0, 16);
  reportUnreachable(thrown, logger, metrics, { during: 'handshake', ...(appId ? { appId } : {}) });
  if (error instanceof TokenRefusedError) data = { code: error.code, message: error.message, reason: error.reason };
  else if (error instanceof AppError) {
    data = { code: error.code, message: error.message, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) };
  } else {
    logger.error({ err: error, ...(appId ? { appId } : {}) }, 'handshake failed');
    data = { code: ErrorCode.INTERNAL, message: 'the server could not check this connection; try again later' };
  }
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
