import { ConversationType, GroupEventKind, JoinRequestStatus, MessageType, type Message } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { PendingGroupEvent, SessionEnd } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { EventPublisher } from '../events.js';
import { newObjectId } from '../ids.js';
import { groupConversationId } from '../messages/conversation-id.js';
import { sendUserOf, toMessage } from '../views.js';
import { eventSentence, type GroupEventFacts } from './group-event-text.js';
import { MAX_PENDING_JOIN_REQUESTS } from './group-limits.js';

/** A group event a change makes, with what storing it entails beyond the message. */
export interface GroupEventDraft {
  facts: GroupEventFacts;
  /** {@link PendingGroupEvent.answering} */
  answering?: string | null;
  /** {@link PendingGroupEvent.endsGroup} */
  endsGroup?: boolean;
}

/**
 * The idempotency key of a group event's message: the event's id behind a space, which no
 * device's `clientMsgId` may hold, so no member can claim an event's key before it is stored.
 */
export const groupEventKey = (eventId: string): string => `group-event ${eventId}`;

/**
 * Writes what happens to a group into its conversation as a `GROUP_EVENT` message: stored once,
 * with the next `seq`, so history, sync after a reconnect and the session list show it like any
 * message, and unread counts stay `lastSeq - readSeq`.
 *
 * An event is decided with its change and waits in the group's record (written in the same
 * compare-and-set) until it is stored here; storing it again stores nothing new, so whoever
 * finds it waiting (the writer, or the next read after a crash) may store it.
 */
export class GroupEventLog {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /** The draft as it waits in the group's record, named. */
  pending(draft: GroupEventDraft): PendingGroupEvent {
    return { eventId: newObjectId(), facts: draft.facts, answering: draft.answering ?? null, endsGroup: draft.endsGroup ?? false };
  }

  /**
   * Stores the event in the conversation, once whoever stores it first (`created` false: it was
   * stored already, and is returned as it was). Delivered as `new-message` to `recipients` when
   * this call stored it.
   */
  async append(ctx: AppContext, groupId: string, { eventId, facts }: PendingGroupEvent, recipients: readonly string[]): Promise<{ event: Message; created: boolean }> {
    const named = [...new Set([...(facts.operatorId === null ? [] : [facts.operatorId]), ...facts.userIds, ...(facts.ownerId ? [facts.ownerId] : [])])];
    const users = await ctx.data.users.getMany(named);
    const content = { ...facts, content: eventSentence(facts, new Map([...users].map(([id, user]) => [id, user.name]))) };
    const conversationId = groupConversationId(groupId);
    const { message, created } = await ctx.data.conversations.append({
      // A fresh id each append: appending an event stored already meets its key, not its id
      // (which a store reads as its own retried write), and answers `created: false`.
      msgId: newObjectId(),
      conversationId,
      conversationType: ConversationType.GROUP,
      senderUserId: facts.operatorId ?? '',
      targetId: groupId,
      messageType: MessageType.GROUP_EVENT,
      content,
      clientMsgId: groupEventKey(eventId),
      timestamp: this.clock.now(),
      preview: content.content,
    });
    // The operator was there for it: it is not unread for them.
    if (facts.operatorId !== null) await ctx.data.sessions.advanceRead(facts.operatorId, conversationId, message.seq);
    const view = toMessage(message, facts.operatorId === null ? { name: '', avatarUri: '' } : sendUserOf(users.get(facts.operatorId), facts.operatorId));
    if (created) this.events.publish('message-stored', { appId: ctx.app.appId, message: view, participants: recipients, origin: undefined });
    return { event: view, created };
  }

  /**
   * What the stored event entails: sessions opened for who joined, ended for who went, join
   * requests settled, the group deleted when it ends. Each step may run again (after a crash)
   * and change nothing more.
   */
  async carryOut(ctx: AppContext, groupId: string, pending: PendingGroupEvent, event: Message): Promise<void> {
    const conversationId = groupConversationId(groupId);
    const { facts } = pending;
    if (endsTheGroup(pending)) {
      // The group goes first: from then on sends to it fail, so nothing lands after the end.
      // The conversation stays for its former members, ended at this event.
      await ctx.data.groups.delete(groupId);
      await ctx.data.sessions.end(conversationId, sessionEndOf(event));
      await ctx.data.joinRequests.deleteForGroup(groupId);
    } else if (facts.event === GroupEventKind.JOINED) {
      // New members start with everything before their joining read (they were not there for it).
      await openGroupSessions(ctx, this.clock, groupId, facts.userIds, event.seq);
      await this.#settleJoinRequests(ctx, groupId, facts.userIds, facts.operatorId, pending.answering);
    } else if (facts.event === GroupEventKind.LEFT || facts.event === GroupEventKind.REMOVED) {
      // Those who went keep the conversation up to the event that says so (a device that was
      // offline finds it there), and nothing after it.
      await ctx.data.sessions.end(conversationId, sessionEndOf(event), facts.userIds);
    }
  }

  /**
   * Users who joined by another way (invited, added by the app) no longer wait for an answer to
   * their own request: it is decided as approved, by whoever added them. One read of the group's
   * pending requests (a bounded list), not one per user. The request being answered, when this
   * join is its approval, is left to its answer (which tells everyone).
   */
  async #settleJoinRequests(ctx: AppContext, groupId: string, joined: readonly string[], operator: string | null, answering: string | null): Promise<void> {
    const members = new Set(joined);
    const now = this.clock.now();
    for (const request of await ctx.data.joinRequests.listPending(groupId, MAX_PENDING_JOIN_REQUESTS)) {
      if (members.has(request.userId) && request.requestId !== answering) {
        await ctx.data.joinRequests.decide(request.requestId, { status: JoinRequestStatus.APPROVED, decidedBy: operator, decidedAt: now });
      }
    }
  }
}

/** Whether storing the event deletes its group: a dismissal, or the last members going. */
export function endsTheGroup(pending: PendingGroupEvent): boolean {
  return pending.endsGroup || pending.facts.event === GroupEventKind.DISMISSED;
}

/** Opens (or opens again) the group's session of each user, read up to `readSeq`. */
export async function openGroupSessions(ctx: AppContext, clock: Clock, groupId: string, userIds: readonly string[], readSeq: number): Promise<void> {
  const now = clock.now();
  await ctx.data.sessions.ensureMany(
    userIds.map((userId) => ({
      sid: newObjectId(),
      userId,
      conversationId: groupConversationId(groupId),
      conversationType: ConversationType.GROUP,
      targetId: groupId,
      initialReadSeq: readSeq,
      createdAt: now,
    })),
  );
}

/** Where a session stops: the group event that ended it. */
function sessionEndOf(event: Message): SessionEnd {
  return { msgId: event.msgId, seq: event.seq, senderUserId: event.senderUserId, preview: event.content.content ?? '', timestamp: event.timestamp };
}
