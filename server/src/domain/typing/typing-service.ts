import { ConversationType, type ConversationRef } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { invalidParams } from '../errors.js';
import type { EventPublisher } from '../events.js';
import type { GroupService } from '../groups/group-service.js';
import type { UserService } from '../users/user-service.js';

/**
 * Typing indicators: who may signal in a conversation, and who hears it. Nothing is stored; the
 * signal is published as `user-typing` for delivery to the other side.
 */
export class TypingService {
  constructor(
    private readonly users: UserService,
    private readonly groups: GroupService,
    private readonly events: EventPublisher,
  ) {}

  /**
   * `userId` is composing in `ref` (the group, or the other user of a private chat). A group
   * requires membership; a private chat only requires the other user to exist.
   */
  async signal(ctx: AppContext, userId: string, ref: ConversationRef): Promise<void> {
    let recipients: string[];
    if (ref.conversationType === ConversationType.GROUP) {
      const group = await this.groups.requireMember(ctx, ref.targetId, userId, 'targetId');
      recipients = group.members.map((member) => member.userId).filter((member) => member !== userId);
    } else {
      if (ref.targetId === userId) throw invalidParams('targetId', 'must be another user');
      recipients = [(await this.users.require(ctx, ref.targetId, 'targetId')).userId];
    }
    if (recipients.length === 0) return;
    this.events.publish('user-typing', {
      appId: ctx.app.appId,
      userId,
      conversationType: ref.conversationType,
      targetId: ref.targetId,
      recipients,
      origin: ctx.origin,
    });
  }
}
