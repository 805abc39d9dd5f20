import { ConversationType, type Session } from '@parley/sdk/protocol';
import type { SessionRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { notFound } from '../errors.js';
import type { UserService } from '../users/user-service.js';
import { sendUserOf, toLastMessage } from '../views.js';

/** A user's conversation list and read marks. */
export class SessionService {
  constructor(private readonly users: UserService) {}

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
        const lastSeq = conversation?.lastSeq ?? 0;
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
          lastMsg: conversation?.lastMessage ? toLastMessage(conversation.lastMessage) : null,
          lastSeq,
          readSeq: Math.min(session.readSeq, lastSeq),
          updatedAt: conversation?.updatedAt ?? session.createdAt,
        };
      })
      .sort((a, b) => b.updatedAt - a.updatedAt || a.sid.localeCompare(b.sid));
  }

  /** Marks the session read up to its newest message (or up to `seq`, never backwards). */
  async markRead(ctx: AppContext, userId: string, sid: string, seq?: number): Promise<SessionRecord> {
    const session = await ctx.data.sessions.getBySid(userId, sid);
    if (!session) throw notFound(`sid: session ${sid} does not exist for user ${userId}`);
    const conversation = await ctx.data.conversations.get(session.conversationId);
    const lastSeq = conversation?.lastSeq ?? 0;
    const upTo = Math.min(seq ?? lastSeq, lastSeq);
    return (await ctx.data.sessions.advanceRead(userId, session.conversationId, upTo)) ?? session;
  }
}

function targetsOf(sessions: readonly SessionRecord[], type: ConversationType): string[] {
  return sessions.filter((session) => session.conversationType === type).map((session) => session.targetId);
}
