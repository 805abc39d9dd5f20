import { ConversationType, GroupRole, MessageType, type Message } from '@parley/sdk/protocol';
import type { MessageRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { isObjectId } from '../ids.js';
import { sendUserOf, toMessage } from '../views.js';
import { outranks } from '../groups/group-roles.js';
import { groupConversationId, privateParticipants } from './conversation-id.js';
import { RECALLED_PREVIEW } from './preview.js';

/**
 * Taking a message back. The sender may recall within the app's `recallWindowSeconds`; a group
 * owner or admin may recall any member's message within `adminRecallWindowSeconds`; the tenant's
 * backend may recall any message at any time. Everyone in the conversation is told.
 */
export class RecallService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Recalls `msgId` on behalf of user `actor`, or of the tenant's backend when `actor` is null.
   * Recalling a message twice returns it as it is and tells nobody again.
   */
  async recall(ctx: AppContext, msgId: string, actor: string | null): Promise<Message> {
    const record = isObjectId(msgId) ? await ctx.data.conversations.getMessage(msgId.toLowerCase()) : null;
    if (!record) throw messageNotFound(msgId);
    const participants = await this.#participants(ctx, record);
    // A message of a conversation the actor is not in is reported as missing, not as forbidden.
    if (actor !== null && !participants.some((p) => p.userId === actor)) throw messageNotFound(msgId);
    // The group's own record of what happened stays, whoever asks.
    if (record.messageType === MessageType.GROUP_EVENT) throw forbidden('msgId: a group event cannot be recalled');
    if (record.recall !== null) return this.#view(ctx, record);

    const now = this.clock.now();
    if (actor !== null) this.#checkAllowed(ctx, record, participants.find((p) => p.userId === actor)!, participants, now);
    const recalled = await ctx.data.conversations.recall(record.msgId, { by: actor, at: now }, RECALLED_PREVIEW);
    if (!recalled) throw messageNotFound(msgId);
    const message = await this.#view(ctx, recalled);
    this.events.publish('message-recalled', {
      appId: ctx.app.appId,
      message,
      participants: participants.map((p) => p.userId),
      origin: ctx.origin,
    });
    return message;
  }

  #checkAllowed(ctx: AppContext, record: MessageRecord, actor: Participant, participants: readonly Participant[], now: number): void {
    const ageSeconds = (now - record.timestamp) / 1000;
    const { recallWindowSeconds, adminRecallWindowSeconds } = ctx.app.settings;
    if (actor.userId === record.senderUserId && ageSeconds <= recallWindowSeconds) return;
    if (actor.role === GroupRole.OWNER || actor.role === GroupRole.ADMIN) {
      // The owner recalls anyone's message, an admin only ordinary members' (and a sender who
      // left the group counts as one): an admin does not moderate the owner or another admin.
      const senderRole = senderRoleAmong(participants, record.senderUserId);
      if (actor.userId !== record.senderUserId && !outranks(actor.role, senderRole)) {
        throw forbidden(`msgId: an admin may recall only ordinary members' messages; this one is by the group's ${senderRole}`);
      }
      if (ageSeconds <= adminRecallWindowSeconds) return;
      throw forbidden(`msgId: group owners and admins may recall messages up to ${adminRecallWindowSeconds} s old`);
    }
    if (actor.userId !== record.senderUserId) throw forbidden('msgId: only the sender or a group owner or admin may recall this message');
    throw forbidden(`msgId: the sender may recall a message up to ${recallWindowSeconds} s after sending it`);
  }

  /** Who is in the message's conversation now, with their group role. */
  async #participants(ctx: AppContext, record: MessageRecord): Promise<Participant[]> {
    if (record.conversationType === ConversationType.PRIVATE) {
      return (privateParticipants(record.conversationId) ?? []).map((userId) => ({ userId, role: null }));
    }
    const group = await ctx.data.groups.get(record.targetId);
    if (!group || groupConversationId(group.groupId) !== record.conversationId) return [];
    return (await ctx.data.groups.listMembers(group.groupId)).map((member) => ({ userId: member.userId, role: member.role }));
  }

  async #view(ctx: AppContext, record: MessageRecord): Promise<Message> {
    return toMessage(record, sendUserOf(await ctx.data.users.get(record.senderUserId), record.senderUserId));
  }
}

interface Participant {
  userId: string;
  /** Role in the group; null in a private chat. */
  role: GroupRole | null;
}

function messageNotFound(msgId: string) {
  return notFound(`msgId: message ${msgId} does not exist`);
}

/** The sender's role in the group now; a sender who left counts as an ordinary member. */
function senderRoleAmong(participants: readonly Participant[], senderUserId: string): GroupRole {
  return participants.find((p) => p.userId === senderUserId)?.role ?? GroupRole.MEMBER;
}
