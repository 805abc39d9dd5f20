import { ErrorCode, type BlockedUser, type BlockUsersResult } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { AppContext } from '../app-context.js';
import type { EventPublisher } from '../events.js';
import { AppError, forbidden } from '../errors.js';
import type { UserService } from '../users/user-service.js';
import { userNotFound } from '../users/user-service.js';
import { userOf } from '../views.js';

/** Most users one user may block; a block list is read whole, so it stays bounded. */
export const MAX_BLOCKS_PER_USER = 1000;

/**
 * Block lists: a user refuses another's private messages (`BLOCKED`, nothing stored) and
 * private typing (dropped silently). The blocked user learns of it only from that refusal: the
 * block changes nothing they can read (presence, groups, history) and nobody but the blocker's own
 * devices is told it was made.
 * Groups are not affected: both still read and write a group they share.
 */
export class BlockService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly events: EventPublisher,
  ) {}

  async block(ctx: AppContext, userId: string, targetIds: readonly string[], field = 'targetIds'): Promise<BlockUsersResult> {
    const targets = await this.#targets(ctx, userId, targetIds);
    // Like a private message to oneself: well-formed, but not something a user may do.
    if (targets.includes(userId)) throw forbidden(`${field}: must not include the user themselves`);
    const found = await ctx.data.users.getMany(targets);
    const missing = targets.filter((id) => !found.has(id));
    if (missing.length > 0) throw userNotFound(field, missing);
    // Counted before adding: two blocks racing at the limit may both pass, by at most one request's worth.
    const count = await ctx.data.blocks.count(userId);
    if (count + targets.length > MAX_BLOCKS_PER_USER) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `${field}: user ${userId} blocks ${count} users; at most ${MAX_BLOCKS_PER_USER} may be blocked`);
    }
    const changed = await ctx.data.blocks.add(userId, targets, this.clock.now());
    this.#tell(ctx, userId, changed, []);
    return { changed };
  }

  /** Users that are not blocked (or do not exist, the user included) are skipped. */
  async unblock(ctx: AppContext, userId: string, targetIds: readonly string[]): Promise<BlockUsersResult> {
    const changed = await ctx.data.blocks.remove(userId, await this.#targets(ctx, userId, targetIds));
    this.#tell(ctx, userId, [], changed);
    return { changed };
  }

  /** The users `userId` blocks, oldest block first, with their names. */
  async list(ctx: AppContext, userId: string): Promise<BlockedUser[]> {
    await this.users.require(ctx, userId, 'userId');
    const blocks = await ctx.data.blocks.list(userId, MAX_BLOCKS_PER_USER);
    const users = await ctx.data.users.getMany(blocks.map((block) => block.blockedUserId));
    return blocks.map((block) => ({ ...userOf(users, block.blockedUserId), blockedAt: block.createdAt }));
  }

  /** The user's other devices keep their block list current; the users concerned hear nothing. */
  #tell(ctx: AppContext, userId: string, blocked: readonly string[], unblocked: readonly string[]): void {
    if (blocked.length + unblocked.length === 0) return;
    this.events.publish('blocks-changed', { appId: ctx.app.appId, userId, blocked, unblocked, origin: ctx.origin });
  }

  /** Whether `recipientId` blocks `senderId`: one indexed read. */
  blocks(ctx: AppContext, recipientId: string, senderId: string): Promise<boolean> {
    return ctx.data.blocks.blocks(recipientId, senderId);
  }

  /** The refusal a blocked sender gets. */
  static refusal(targetId: string): AppError {
    return new AppError(ErrorCode.BLOCKED, `targetId: user ${targetId} does not accept messages from this sender`);
  }

  /** The distinct targets, once the user is known to exist. */
  async #targets(ctx: AppContext, userId: string, targetIds: readonly string[]): Promise<string[]> {
    await this.users.require(ctx, userId, 'userId');
    return [...new Set(targetIds)];
  }
}
