import {
  ConversationType,
  Limits,
  type Message,
  type SendMessageRequest,
  type SendSession,
  type SendUser,
  type SessionMessagesRequest,
} from '@parley/sdk/protocol';
import type { AppendResult } from '../../store/ports.js';
import type { MemberRecord, MessageRecord, SessionRecord, UserRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import type { PrivateChatPolicy } from '../contacts/private-chat-policy.js';
import { AppError, conflict, forbidden, invalidParams, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import type { FileLinks } from '../files/file-links.js';
import type { GroupService } from '../groups/group-service.js';
import { isObjectId, newObjectId } from '../ids.js';
import type { UserService } from '../users/user-service.js';
import { sendUserOf, toMessage } from '../views.js';
import { conversationIdFor, groupConversationId, privateConversationId } from './conversation-id.js';
import { previewOf } from './preview.js';

export interface MessageServiceOptions {
  /** Largest `content`, measured as UTF-8 JSON. */
  maxContentBytes: number;
}

/** Sending and reading messages. Every message is stored before it is returned. */
export class MessageService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly groups: GroupService,
    private readonly files: FileLinks,
    private readonly privateChats: PrivateChatPolicy,
    private readonly events: EventPublisher,
    private readonly options: MessageServiceOptions,
  ) {}

  /** One-to-one message from `senderUserId` to user `targetId`. */
  async sendPrivate(ctx: AppContext, request: SendMessageRequest): Promise<Message> {
    const input = await this.#checked(ctx, request);
    const sender = await this.users.require(ctx, input.senderUserId, 'senderUserId');
    if (input.targetId === input.senderUserId) throw forbidden('targetId: must differ from senderUserId: a user cannot send a private message to themselves');
    const target = await this.users.require(ctx, input.targetId, 'targetId');
    // Refused before anything is written: no session, no message, no push.
    const refusal = await this.privateChats.refusal(ctx, sender.userId, target.userId);
    if (refusal) throw refusal;
    const conversationId = privateConversationId(sender.userId, target.userId);
    await this.#refuseKeyFromElsewhere(ctx, input, conversationId);

    // Both sides get a session before the message exists, so no message is ever without one.
    const senderSession = await this.#openSession(ctx, sender.userId, conversationId, ConversationType.PRIVATE, target.userId);
    await this.#openSession(ctx, target.userId, conversationId, ConversationType.PRIVATE, sender.userId);
    const stored = await this.#append(ctx, input, conversationId, ConversationType.PRIVATE, senderSession);
    const message = this.files.present(ctx, toMessage(stored.message, sendUserOf(sender, sender.userId)));
    if (stored.created) this.#published(ctx, message, [sender.userId, target.userId]);
    return withSendSession(message, { sid: senderSession.sid, title: target.name, avatar: target.avatarUri });
  }

  /**
   * Message to group `targetId`; the sender must be a member who may send now (not muted).
   * Stored once for all members; the sender is shown by their group nickname when they have one.
   */
  async sendGroup(ctx: AppContext, request: SendMessageRequest): Promise<Message> {
    const input = await this.#checked(ctx, request);
    const sender = await this.users.require(ctx, input.senderUserId, 'senderUserId');
    const { group, memberIds, sender: member } = await this.groups.requireSender(ctx, input.targetId, sender.userId);
    const conversationId = groupConversationId(group.groupId);
    await this.#refuseKeyFromElsewhere(ctx, input, conversationId);
    // Members got their session when they joined; recreate it only if it went missing.
    const senderSession =
      (await ctx.data.sessions.get(sender.userId, conversationId)) ??
      (await this.#openSession(ctx, sender.userId, conversationId, ConversationType.GROUP, group.groupId));
    const stored = await this.#append(ctx, input, conversationId, ConversationType.GROUP, senderSession);
    const message = this.files.present(ctx, toMessage(stored.message, asMember(sendUserOf(sender, sender.userId), member)));
    if (stored.created) this.#published(ctx, message, memberIds);
    return withSendSession(message, { sid: senderSession.sid, title: group.name, avatar: group.avatarUri });
  }

  /** A page of one conversation as `userId` sees it, newest first, older than `lastmsgId`. */
  async history(ctx: AppContext, input: SessionMessagesRequest): Promise<Message[]> {
    const { conversationId, upTo } = await this.#conversationOf(ctx, input.userId, input.conversationType, input.targetId, 'userId');
    return this.page(ctx, conversationId, input.limit, input.lastmsgId, groupOf(input.conversationType, input.targetId), upTo);
  }

  /** Messages after `afterSeq`, oldest first, of a conversation of `userId` (gap fill after a reconnect). */
  async after(
    ctx: AppContext,
    input: { userId: string; conversationType: ConversationType; targetId: string; afterSeq: number; limit: number },
  ): Promise<Message[]> {
    const { conversationId, upTo } = await this.#conversationOf(ctx, input.userId, input.conversationType, input.targetId, 'targetId');
    if (upTo !== null && input.afterSeq >= upTo) return [];
    const records = await ctx.data.conversations.listAfter(conversationId, input.afterSeq, upTo === null ? input.limit : Math.min(input.limit, upTo - input.afterSeq));
    return this.#withSenders(ctx, records, groupOf(input.conversationType, input.targetId));
  }

  /**
   * The conversation `userId` has with `targetId`, and the last seq they may read of it (null:
   * all of it). A group they are no longer in reads up to the event that ended their session; one
   * they were never in (or a group that does not exist) is refused, naming `blame`, the field of
   * the caller's request that makes it wrong.
   */
  async #conversationOf(ctx: AppContext, userId: string, type: ConversationType, targetId: string, blame: string): Promise<{ conversationId: string; upTo: number | null }> {
    await this.users.require(ctx, userId, 'userId');
    const conversationId = conversationIdFor(type, userId, targetId);
    if (type !== ConversationType.GROUP) {
      await this.users.require(ctx, targetId, 'targetId');
      return { conversationId, upTo: null };
    }
    try {
      await this.groups.requireMember(ctx, targetId, userId, blame);
      return { conversationId, upTo: null };
    } catch (refusal) {
      if (!(refusal instanceof AppError)) throw refusal;
      const ended = (await ctx.data.sessions.get(userId, conversationId))?.ended;
      if (!ended) throw refusal;
      return { conversationId, upTo: ended.seq };
    }
  }

  /**
   * A page of a conversation the caller is known to belong to; `groupId` names the group of a
   * group conversation (its members are shown by their nicknames), `upTo` the last seq the caller
   * may read (null: all; a group they are no longer in stops at the event that ended it).
   */
  async page(
    ctx: AppContext,
    conversationId: string,
    limit: number = Limits.MESSAGE_PAGE_DEFAULT,
    lastmsgId?: string,
    groupId: string | null = null,
    upTo: number | null = null,
  ): Promise<Message[]> {
    let beforeSeq: number | undefined;
    if (lastmsgId !== undefined) {
      const anchor = isObjectId(lastmsgId) ? await ctx.data.conversations.getMessage(lastmsgId.toLowerCase()) : null;
      if (!anchor || anchor.conversationId !== conversationId) {
        throw notFound(`lastmsgId: ${lastmsgId} is not a message of this conversation`);
      }
      beforeSeq = anchor.seq;
    }
    if (upTo !== null) beforeSeq = Math.min(beforeSeq ?? upTo + 1, upTo + 1);
    const records = await ctx.data.conversations.listMessages(conversationId, { limit, ...(beforeSeq === undefined ? {} : { beforeSeq }) });
    return this.#withSenders(ctx, records, groupId);
  }

  /** Delivery is told only about new messages: a resend of a known clientMsgId was delivered the first time. */
  #published(ctx: AppContext, message: Message, participants: readonly string[]): void {
    this.events.publish('message-stored', { appId: ctx.app.appId, message, participants, origin: ctx.origin });
  }

  /** The send as it will be stored: within the size limit, its file URLs checked and their facts filled in. */
  async #checked(ctx: AppContext, input: SendMessageRequest): Promise<SendMessageRequest> {
    const bytes = Buffer.byteLength(JSON.stringify(input.content), 'utf8');
    if (bytes > this.options.maxContentBytes) {
      throw invalidParams('content', `is ${bytes} bytes as JSON; the limit is ${this.options.maxContentBytes}`);
    }
    const content = await this.files.resolve(ctx, input.messageType, input.content);
    return content === input.content ? input : Object.assign({}, input, { content });
  }

  /**
   * A clientMsgId names one message of one sender. Reusing it in another conversation is a
   * client bug: refuse it before anything (such as a new session) is written.
   */
  async #refuseKeyFromElsewhere(ctx: AppContext, input: SendMessageRequest, conversationId: string): Promise<void> {
    if (input.clientMsgId === undefined) return;
    const earlier = await ctx.data.conversations.findByClientMsgId(input.senderUserId, input.clientMsgId);
    if (earlier && earlier.conversationId !== conversationId) throw clientMsgIdTaken(input.clientMsgId);
  }

  async #append(
    ctx: AppContext,
    input: SendMessageRequest,
    conversationId: string,
    conversationType: ConversationType,
    senderSession: SessionRecord,
  ): Promise<AppendResult> {
    const { message, created } = await ctx.data.conversations.append({
      msgId: newObjectId(),
      conversationId,
      conversationType,
      senderUserId: input.senderUserId,
      targetId: input.targetId,
      messageType: input.messageType,
      content: input.content,
      clientMsgId: input.clientMsgId ?? null,
      timestamp: this.clock.now(),
      preview: previewOf(input.messageType, input.content),
    });
    // Checked again here: a concurrent send may have taken the key since the check above.
    if (!created && message.conversationId !== conversationId) throw clientMsgIdTaken(input.clientMsgId);
    // Writing in a conversation means having read it up to there.
    await ctx.data.sessions.advanceRead(senderSession.userId, conversationId, message.seq);
    return { message, created };
  }

  async #openSession(
    ctx: AppContext,
    userId: string,
    conversationId: string,
    conversationType: ConversationType,
    targetId: string,
  ): Promise<SessionRecord> {
    return ctx.data.sessions.ensure({
      sid: newObjectId(),
      userId,
      conversationId,
      conversationType,
      targetId,
      initialReadSeq: 0,
      createdAt: this.clock.now(),
    });
  }

  /** Messages with their senders as shown now: name and avatar, and in a group the nickname of those still members. */
  async #withSenders(ctx: AppContext, records: readonly MessageRecord[], groupId: string | null): Promise<Message[]> {
    const senderIds = [...new Set(records.map((r) => r.senderUserId).filter((id) => id !== ''))];
    const senders: Map<string, UserRecord> = await ctx.data.users.getMany(senderIds);
    const members = groupId === null ? new Map<string, MemberRecord>() : await ctx.data.groups.getMembers(groupId, senderIds);
    return records.map((record) =>
      this.files.present(ctx, toMessage(record, asMember(sendUserOf(senders.get(record.senderUserId), record.senderUserId), members.get(record.senderUserId)))),
    );
  }
}

/** The sender as a group shows them: by their nickname there, when they have one. */
function asMember(sendUser: SendUser, member: MemberRecord | undefined): SendUser {
  return member && member.nickname !== '' ? { ...sendUser, name: member.nickname } : sendUser;
}

function groupOf(type: ConversationType, targetId: string): string | null {
  return type === ConversationType.GROUP ? targetId : null;
}

function clientMsgIdTaken(clientMsgId: string | undefined) {
  return conflict(`clientMsgId: ${clientMsgId} was already used by this sender in another conversation`);
}

/**
 * The sent message with the sender's session. `Object.assign`, not a spread with `sendSession`
 * added after it, which would cost a hidden class per send (see schemas/parse.ts).
 */
function withSendSession<M extends Message>(message: M, sendSession: SendSession): M & { sendSession: SendSession } {
  return Object.assign({}, message, { sendSession });
}
