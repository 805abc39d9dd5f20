import { ConversationType, PresenceScope, type ConversationRef } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { PrivateChatPolicy } from '../contacts/private-chat-policy.js';
import { presenceScopeOf, sharingAConversation } from '../contacts/presence-scope.js';
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
    private readonly privateChats: PrivateChatPolicy,
    private readonly events: EventPublisher,
  ) {}

  /**
   * `userId` is composing in `ref` (the group, or the other user of a private chat). A group
   * requires membership. A private chat depends on the app's presence scope: under `app` any
   * existing user can be the target (NOT_FOUND otherwise); under `contacts` only a user the typist
   * shares a conversation with, and a signal to anyone else is dropped without an error, so that
   * the answer never tells whether that id is a user or whom they talk to. A private signal to a
   * user who blocks the typist, or who is not their friend under the app's `friends` message
   * policy, is dropped the same way.
   */
  async signal(ctx: AppContext, userId: string, ref: ConversationRef): Promise<void> {
    let recipients: string[];
    if (ref.conversationType === ConversationType.GROUP) {
      const { memberIds } = await this.groups.requireMemberWithAll(ctx, ref.targetId, userId, 'targetId');
      recipients = memberIds.filter((member) => member !== userId);
    } else {
      if (ref.targetId === userId) throw invalidParams('targetId', 'must be another user');
      if (presenceScopeOf(ctx) === PresenceScope.APP) {
        recipients = [(await this.users.require(ctx, ref.targetId, 'targetId')).userId];
      } else {
        // Sharing a conversation implies the user exists: no separate lookup.
        const reachable = await sharingAConversation(ctx, userId, [ref.targetId]);
        recipients = reachable.has(ref.targetId) ? [ref.targetId] : [];
      }
    }
    // A user who blocks the typist, or who takes messages from friends only, never hears of it,
    // and the typist cannot tell.
    if (ref.conversationType === ConversationType.PRIVATE && recipients.length > 0 && (await this.privateChats.refusal(ctx, userId, ref.targetId))) return;
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
