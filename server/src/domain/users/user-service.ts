import { ErrorCode, TokenRefusal, type GetTokenRequest, type GetTokenResult, type RevokeTokensResult } from '@parley/sdk/protocol';
import type { UserRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { AppError, notFound, TokenRefusedError } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { hashBearerToken, newBearerToken } from '../ids.js';

/** End users of an app and their tokens. */
export class UserService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /** Creates the user or refreshes name and avatar, then mints a token valid for the app's TTL. */
  async getToken(ctx: AppContext, input: GetTokenRequest): Promise<GetTokenResult> {
    const now = this.clock.now();
    await this.#withinQuota(ctx, input.userId);
    await ctx.data.users.upsert({ userId: input.userId, name: input.name, avatarUri: input.avatarUri ?? '' }, now);
    const token = newBearerToken();
    const expiresAt = now + ctx.app.settings.tokenTtlSeconds * 1000;
    await ctx.data.tokens.insert(
      { tokenHash: hashBearerToken(token), userId: input.userId, createdAt: now, expiresAt, revokedAt: null },
      now,
    );
    return { token, userId: input.userId, expiresAt };
  }

  /** A new user must fit the app's `maxUsers`; an existing one always gets its token. */
  async #withinQuota(ctx: AppContext, userId: string): Promise<void> {
    const { maxUsers } = ctx.app.settings;
    if ((await ctx.data.users.get(userId)) !== null) return;
    const users = await ctx.data.users.count();
    if (users >= maxUsers) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `app ${ctx.app.appId} has ${users} users, its limit (maxUsers); raise it in the console`);
    }
  }

  async revokeTokens(ctx: AppContext, userId: string): Promise<RevokeTokensResult> {
    await this.require(ctx, userId, 'userId');
    const revoked = await ctx.data.tokens.revokeAllForUser(userId, this.clock.now());
    // Connected devices are told even when no token was live: a ban must end every session.
    this.events.publish('tokens-revoked', { appId: ctx.app.appId, userId });
    return { revoked };
  }

  /**
   * The user a token belongs to and when the token expires. Unknown, expired and revoked tokens
   * are all `TOKEN_INVALID`; the error's `reason` and message say which, and what to do.
   */
  async authenticate(ctx: AppContext, token: string): Promise<{ user: UserRecord; expiresAt: number }> {
    return this.authenticateHash(ctx, hashBearerToken(token));
  }

  /** {@link authenticate} for a token known by its hash (a connection checked again later). */
  async authenticateHash(ctx: AppContext, tokenHash: string): Promise<{ user: UserRecord; expiresAt: number }> {
    const record = await ctx.data.tokens.findByHash(tokenHash);
    const user = record ? await ctx.data.users.get(record.userId) : null;
    if (!record || !user) {
      throw new TokenRefusedError(
        TokenRefusal.UNKNOWN,
        `token is not a token of app ${ctx.app.appId} (mistyped, minted for another app, or its user was deleted); mint one with POST /user/getToken`,
      );
    }
    if (record.revokedAt !== null) {
      throw new TokenRefusedError(
        TokenRefusal.REVOKED,
        `token was revoked at ${new Date(record.revokedAt).toISOString()} (POST /user/revokeTokens); the backend must mint a new one with POST /user/getToken`,
      );
    }
    if (record.expiresAt <= this.clock.now()) {
      throw new TokenRefusedError(
        TokenRefusal.EXPIRED,
        `token expired at ${new Date(record.expiresAt).toISOString()}; fetch a new one from the backend (POST /user/getToken)`,
      );
    }
    return { user, expiresAt: record.expiresAt };
  }

  /** The user, or NOT_FOUND naming the field the id came from and how to register it. */
  async require(ctx: AppContext, userId: string, field: string): Promise<UserRecord> {
    const user = await ctx.data.users.get(userId);
    if (!user) throw userNotFound(field, [userId]);
    return user;
  }
}

/** Refuses with NOT_FOUND naming `field` and every id of `userIds` that is not a user of the app. */
export async function requireUsers(ctx: AppContext, userIds: readonly string[], field: string): Promise<void> {
  const found = await ctx.data.users.getMany(userIds);
  const missing = userIds.filter((userId) => !found.has(userId));
  if (missing.length > 0) throw userNotFound(field, missing);
}

/** NOT_FOUND for users that were never registered, saying how to register them. */
export function userNotFound(field: string, userIds: readonly string[]) {
  const who = userIds.length === 1 ? `user ${userIds[0]} does not exist` : `users ${userIds.join(', ')} do not exist`;
  return notFound(`${field}: ${who}; register ${userIds.length === 1 ? 'the user' : 'each user'} with POST /user/getToken first`);
}
