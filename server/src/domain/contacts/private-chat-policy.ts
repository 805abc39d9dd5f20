import { ErrorCode, MessagePolicy } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';
import { BlockService } from './block-service.js';

/** The app's message policy; an app stored before the setting existed lets anyone write, as it did then. */
export function messagePolicyOf(ctx: AppContext): MessagePolicy {
  return ctx.app.settings.messagePolicy === MessagePolicy.FRIENDS ? MessagePolicy.FRIENDS : MessagePolicy.ANYONE;
}

/**
 * Whether one user may write to another in private (a message, or typing): not when the
 * recipient blocks the sender, and, under the app's `friends` message policy, only to a friend.
 * Groups are not affected by either rule.
 */
export class PrivateChatPolicy {
  constructor(private readonly blocks: BlockService) {}

  /** The refusal `senderId` gets writing to `recipientId`, or null when they may. Two indexed reads at most. */
  async refusal(ctx: AppContext, senderId: string, recipientId: string): Promise<AppError | null> {
    // Not a friend under `friends` is said first: the sender could learn that anyway, and a block
    // stays invisible to someone who could not have written in the first place.
    if (messagePolicyOf(ctx) === MessagePolicy.FRIENDS && !(await ctx.data.friends.getFriend(senderId, recipientId))) {
      return new AppError(ErrorCode.NOT_FRIENDS, `targetId: user ${recipientId} accepts private messages from friends only; send a friend request first`);
    }
    if (await this.blocks.blocks(ctx, recipientId, senderId)) return BlockService.refusal(recipientId);
    return null;
  }
}
