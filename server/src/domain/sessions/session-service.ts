import { ConversationType, MessageType, type Session, type SessionDoNotDisturbState, type SessionReadState } from '@parley/sdk/protocol';
import type { SessionRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import type { UserService } from '../users/user-service.js';
import { sendUserOf, toLastMessage } from '../views.js';

/** A user's conversation list and read marks. */
export class SessionService {
  constructor(
    private readonly users: UserService,
    private readonly events: EventPublisher,
  ) {}

  /**
   * The user's sessions, most recently active first. `unread` is derived from the conversation's
   * last seq and the user's read seq, so it cannot drift however messages and reads interleave.
   */
  async list(ctx: AppContext, userId: string): Promise<Session[]> {
    await this.users.require(ctx, userId, 'userId');
    const sessions = await ctx.data.sessions.listForUser(userId);
    const [conversations, users, groups] = await Promise.all([
      ctx.data.conversations.getMany(sessions.map((s) => s.conversationId)),
      ctx.data.users.getMany(targetsOf(sessions, ConversationType.PRIVATE)),
      ctx.data.groups.getMany(targetsOf(sessions, ConversationType.GROUP)),
    ]);
    return sessions
      .map((session): Session => {
        const conversation = conversations.get(session.conversationId);
        // A conversation the user is no longer in stops for them at the event that ended it.
        const last = session.ended === null ? (conversation?.lastMessage ?? null) : { ...session.ended, messageType: MessageType.GROUP_EVENT };
        const lastSeq = session.ended?.seq ?? conversation?.lastSeq ?? 0;
        const target = sendUserOf(
          session.conversationType === ConversationType.GROUP ? groups.get(session.targetId) : users.get(session.targetId),
          session.targetId,
        );
        return {
          sid: session.sid,
          conversationType: session.conversationType,
          targetId: session.targetId,
          unread: Math.max(0, lastSeq - session.readSeq),
          title: target.name,
          avatar: target.avatarUri,
          lastMsg: last ? toLastMessage(last) : null,
          lastSeq,
          readSeq: Math.min(session.readSeq, lastSeq),
          updatedAt: session.ended?.timestamp ?? conversation?.updatedAt ?? session.createdAt,
          doNotDisturb: session.doNotDisturb,
          ended: session.ended !== null,
        };
      })
      .sort((a, b) => b.updatedAt - a.updatedAt || a.sid.localeCompare(b.sid));
  }

  /**
   * Marks the session read up to its newest message (or up to `seq`, never backwards). When the
   * mark moved, the user's other devices and (in a private chat) the other user are told.
   */
  async markRead(ctx: AppContext, userId: string, sid: string, seq?: number): Promise<SessionReadState> {
    const session = await this.require(ctx, userId, sid);
    const conversation = session.ended === null ? await ctx.data.conversations.get(session.conversationId) : null;
    const lastSeq = session.ended?.seq ?? conversation?.lastSeq ?? 0;
    const upTo = Math.min(seq ?? lastSeq, lastSeq);
    const after = (await ctx.data.sessions.advanceRead(userId, session.conversationId, upTo)) ?? session;
    const readSeq = Math.min(after.readSeq, lastSeq);
    const state: SessionReadState = {
      sid: session.sid,
      conversationType: session.conversationType,
      targetId: session.targetId,
      readSeq,
      unread: lastSeq - readSeq,
    };
    if (after.readSeq > session.readSeq) {
      this.events.publish('session-read', { appId: ctx.app.appId, userId, state, origin: ctx.origin });
    }
    return state;
  }

  /** Turns the session's notifications off or on; the user's other devices are told when it changed. */
  async setDoNotDisturb(ctx: AppContext, userId: string, sid: string, doNotDisturb: boolean): Promise<SessionDoNotDisturbState> {
    return this.setDoNotDisturbOf(ctx, await this.require(ctx, userId, sid), doNotDisturb);
  }

  /** The same for a session already read. */
  async setDoNotDisturbOf(ctx: AppContext, session: SessionRecord, doNotDisturb: boolean): Promise<SessionDoNotDisturbState> {
    const state = { sid: session.sid, conversationType: session.conversationType, targetId: session.targetId, doNotDisturb };
    if (session.doNotDisturb === doNotDisturb) return state;
    await ctx.data.sessions.setDoNotDisturb(session.userId, session.conversationId, doNotDisturb);
    this.events.publish('session-do-not-disturb', { appId: ctx.app.appId, userId: session.userId, state, origin: ctx.origin });
    return state;
  }

  /** One of the user's sessions, or NOT_FOUND (also for another user's sid). */
  async require(ctx: AppContext, userId: string, sid: string): Promise<SessionRecord> {
    const session = await ctx.data.sessions.getBySid(userId, sid.toLowerCase());
    if (!session) throw notFound(`sid: session ${sid} does not exist for user ${userId}`);
    return session;
  }
}

function targetsOf(sessions: readonly SessionRecord[], type: ConversationType): string[] {
  return sessions.filter((session) => session.conversationType === type).map((session) => session.targetId);
}
