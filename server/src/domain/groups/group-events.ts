import { ConversationType, MessageType, type Message } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { AppContext } from '../app-context.js';
import type { EventPublisher } from '../events.js';
import { newObjectId } from '../ids.js';
import { groupConversationId } from '../messages/conversation-id.js';
import { sendUserOf, toMessage } from '../views.js';
import { eventSentence, type GroupEventFacts } from './group-event-text.js';

/**
 * Writes what happens to a group into its conversation as a `GROUP_EVENT` message: stored once,
 * with the next `seq`, so history, sync after a reconnect and the session list show it like any
 * message, and unread counts stay `lastSeq - readSeq`. Delivered as `new-message` to `recipients`
 * (the members, and whoever just left).
 *
 * It is written after the change it reports: a process that dies in between leaves the change
 * without its event, never an event without its change.
 */
export class GroupEventLog {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  async record(ctx: AppContext, groupId: string, facts: GroupEventFacts, recipients: readonly string[]): Promise<Message> {
    const named = [...new Set([...(facts.operatorId === null ? [] : [facts.operatorId]), ...facts.userIds, ...(facts.ownerId ? [facts.ownerId] : [])])];
    const users = await ctx.data.users.getMany(named);
    const content = { ...facts, content: eventSentence(facts, new Map([...users].map(([id, user]) => [id, user.name]))) };
    const conversationId = groupConversationId(groupId);
    const senderUserId = facts.operatorId ?? '';
    const { message } = await ctx.data.conversations.append({
      msgId: newObjectId(),
      conversationId,
      conversationType: ConversationType.GROUP,
      senderUserId,
      targetId: groupId,
      messageType: MessageType.GROUP_EVENT,
      content,
      clientMsgId: null,
      timestamp: this.clock.now(),
      preview: content.content,
    });
    // The operator was there for it: it is not unread for them.
    if (facts.operatorId !== null) await ctx.data.sessions.advanceRead(facts.operatorId, conversationId, message.seq);
    const view = toMessage(message, facts.operatorId === null ? { name: '', avatarUri: '' } : sendUserOf(users.get(facts.operatorId), facts.operatorId));
    this.events.publish('message-stored', { appId: ctx.app.appId, message: view, participants: recipients, origin: undefined });
    return view;
  }
}
