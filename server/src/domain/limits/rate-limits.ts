import { ErrorCode } from '@parley/sdk/protocol';
import type { RateDecision, RateLimit, RateLimiter } from '../../bus/ports.js';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';

/** Which limit a refusal comes from (for metrics and logs). */
export type RateLimitKind = 'api' | 'send' | 'signal' | 'upload' | 'console-ip' | 'console-email';

/** A limit was reached: `RATE_LIMITED` with how long to wait, and the window for `RateLimit-*` headers. */
export class RateLimitedError extends AppError {
  constructor(
    readonly kind: RateLimitKind,
    readonly limit: RateLimit,
    retryAfterMs: number,
    what: string,
  ) {
    super(ErrorCode.RATE_LIMITED, `${what}: at most ${limit.points} per ${limit.durationSeconds} s; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
      retryAfterMs,
    });
  }
}

/** An allowed event and the state of its window, for `RateLimit-*` headers. */
export interface RateWindow extends RateDecision {
  limit: RateLimit;
}

export interface ConsoleAuthLimits {
  perIp: number;
  perEmail: number;
  windowSeconds: number;
}

/**
 * Every rate limit of the platform, by who is counted: an app's backend on the signed API, a user
 * on the socket (all devices together), an IP address and an email on console sign-up and login.
 * App limits are app settings, read from the request's context, so a settings change applies at
 * the next request.
 */
export class RateLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly consoleAuth: ConsoleAuthLimits,
  ) {}

  /** One signed REST request of the app. */
  apiRequest(ctx: AppContext): Promise<RateWindow> {
    const { appId, settings } = ctx.app;
    return this.#spend('api', `api:${appId}`, { points: settings.apiRequestsPerSecond, durationSeconds: 1 }, 'signed requests of this app');
  }

  /** One message sent by a user over the socket. */
  async userSend(ctx: AppContext, userId: string): Promise<void> {
    const { appId, settings } = ctx.app;
    await this.#spend('send', `send:${appId}:${userId}`, { points: settings.userSendsPerSecond, durationSeconds: 1 }, 'messages sent by this user');
  }

  /** One typing or presence request of a user. */
  async userSignal(ctx: AppContext, userId: string): Promise<void> {
    const { appId, settings } = ctx.app;
    await this.#spend('signal', `signal:${appId}:${userId}`, { points: settings.userSignalsPerSecond, durationSeconds: 1 }, 'typing and presence requests of this user');
  }

  /** One upload by a user (a backend's signed upload counts as a signed request instead). */
  async userUpload(ctx: AppContext, userId: string): Promise<void> {
    const { appId, settings } = ctx.app;
    await this.#spend('upload', `upload:${appId}:${userId}`, { points: settings.userUploadsPerMinute, durationSeconds: 60 }, 'uploads by this user');
  }

  /**
   * One console sign-up or login attempt, counted for the IP and for the email (so that neither
   * many addresses from one IP nor one address from many IPs gets unlimited tries).
   */
  async consoleAttempt(ip: string, email: string): Promise<void> {
    const { perIp, perEmail, windowSeconds } = this.consoleAuth;
    await this.#spend('console-ip', `console-ip:${ip}`, { points: perIp, durationSeconds: windowSeconds }, 'console sign-ups and logins from this address');
    await this.#spend('console-email', `console-email:${email}`, { points: perEmail, durationSeconds: windowSeconds }, 'console sign-ups and logins for this email');
  }

  async #spend(kind: RateLimitKind, key: string, limit: RateLimit, what: string): Promise<RateWindow> {
    const decision = await this.limiter.consume(key, limit);
    if (!decision.allowed) throw new RateLimitedError(kind, limit, decision.resetMs, what);
    // Listed, not spread: a field added after a spread costs a hidden class per call (see parse.ts).
    return { allowed: decision.allowed, remaining: decision.remaining, resetMs: decision.resetMs, limit };
  }
}
