import type { GetTokenRequest, GetTokenResult, RevokeTokensResult } from '@parley/sdk/protocol';
import { ErrorCode } from '@parley/sdk/protocol';
import type { UserRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../clock.js';
import { AppError, notFound } from '../errors.js';
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
    await ctx.data.users.upsert({ userId: input.userId, name: input.name, avatarUri: input.avatarUri ?? '' }, now);
    const token = newBearerToken();
    const expiresAt = now + ctx.app.settings.tokenTtlSeconds * 1000;
    await ctx.data.tokens.insert(
      { tokenHash: hashBearerToken(token), userId: input.userId, createdAt: now, expiresAt, revokedAt: null },
      now,
    );
    return { token, userId: input.userId, expiresAt };
  }

  async revokeTokens(ctx: AppContext, userId: string): Promise<RevokeTokensResult> {
    await this.require(ctx, userId, 'userId');
    const revoked = await ctx.data.tokens.revokeAllForUser(userId, this.clock.now());
    // Connected devices are told even when no token was live: a ban must end every session.
    this.events.publish('tokens-revoked', { appId: ctx.app.appId, userId });
    return { revoked };
  }

  /**
   * The user a token belongs to and when the token expires; refuses unknown, expired and revoked
   * tokens alike.
   */
  async authenticate(ctx: AppContext, token: string): Promise<{ user: UserRecord; expiresAt: number }> {
    const record = await ctx.data.tokens.findByHash(hashBearerToken(token));
    const live = record && record.revokedAt === null && record.expiresAt > this.clock.now();
    const user = live ? await ctx.data.users.get(record.userId) : null;
    if (!record || !user) throw new AppError(ErrorCode.TOKEN_INVALID, 'token is invalid, expired or revoked');
    return { user, expiresAt: record.expiresAt };
  }

  /** The user, or NOT_FOUND naming the field the id came from. */
  async require(ctx: AppContext, userId: string, field: string): Promise<UserRecord> {
    const user = await ctx.data.users.get(userId);
    if (!user) throw notFound(`${field}: user ${userId} does not exist`);
    return user;
  }
}
