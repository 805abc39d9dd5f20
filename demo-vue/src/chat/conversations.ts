import { reactive, computed } from 'vue';
import { ConversationType, GroupEventKind, MessageType, type Message, type ParleyClient, type Session, type SessionReadState } from '@parley/sdk';
import { previewOf, previewOfLast } from './format';

/** One entry of the conversation list: a Parley session, or a chat started here that has no message yet. */
export interface Conversation {
  /** `${conversationType}:${targetId}`, as `conversationKeyOf` gives it for a message. */
  key: string;
  conversationType: ConversationType;
  /** The other user, or the group. */
  targetId: string;
  /** The user's session id; null until Parley has the session (a chat with no message yet). */
  sid: string | null;
  title: string;
  /** `event`: a group event ("Dave joined the group"), whose text says who did it. */
  lastMsg: { text: string; senderUserId: string; timestamp: number; seq: number; event: boolean } | null;
  lastSeq: number;
  readSeq: number;
  updatedAt: number;
  /** A group the user is no longer in (left, removed, dismissed): readable, not writable. */
  ended: boolean;
}

export const keyOf = (conversationType: ConversationType, targetId: string) => `${conversationType}:${targetId}`;

export const unreadOf = (conversation: Conversation) => Math.max(0, conversation.lastSeq - conversation.readSeq);

/**
 * The conversation list, kept current from the session list (the source of truth for unread
 * counts, loaded at every connection) and in between from messages, read marks and sends.
 */
export function createConversations(client: ParleyClient, me: string) {
  const byKey = reactive(new Map<string, Conversation>());
  const list = computed(() => [...byKey.values()].sort((a, b) => b.updatedAt - a.updatedAt));

  function merge(session: Session): void {
    const key = keyOf(session.conversationType, session.targetId);
    const known = byKey.get(key);
    const last = session.lastMsg;
    const serverLast = last
      ? { text: previewOfLast(last.content), senderUserId: last.senderUserId, timestamp: last.timestamp, seq: last.seq, event: last.messageType === MessageType.GROUP_EVENT }
      : null;
    if (!known) {
      byKey.set(key, {
        key,
        conversationType: session.conversationType,
        targetId: session.targetId,
        sid: session.sid,
        title: session.title || session.targetId,
        lastMsg: serverLast,
        lastSeq: session.lastSeq,
        readSeq: session.readSeq,
        updatedAt: session.updatedAt,
        ended: session.ended,
      });
      return;
    }
    known.ended = session.ended;
    known.sid = session.sid;
    known.title = session.title || known.title;
    if (serverLast && (!known.lastMsg || serverLast.seq >= known.lastMsg.seq)) known.lastMsg = serverLast;
    known.lastSeq = Math.max(known.lastSeq, session.lastSeq);
    known.readSeq = Math.max(known.readSeq, session.readSeq);
    known.updatedAt = Math.max(known.updatedAt, session.updatedAt);
  }

  let refreshing: Promise<void> | null = null;
  let again = false;
  /** Reloads the session list; calls made while one is under way share one more reload after it. */
  function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          again = false;
          for (const session of await client.getSessions()) merge(session);
        } while (again);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  /** A conversation opened here (a new private chat, a group just created), listed at once. */
  function ensure(conversationType: ConversationType, targetId: string, title: string): Conversation {
    const key = keyOf(conversationType, targetId);
    let conversation = byKey.get(key);
    if (!conversation) {
      byKey.set(key, { key, conversationType, targetId, sid: null, title, lastMsg: null, lastSeq: 0, readSeq: 0, updatedAt: Date.now(), ended: false });
      conversation = byKey.get(key)!;
    }
    return conversation;
  }

  /**
   * A message of conversation `key`, received or sent: moves the preview, the last seq, and for
   * the user's own messages the read mark. Returns true when the conversation was not known yet.
   */
  function noteMessage(key: string, message: Message, sid?: string): boolean {
    let conversation = byKey.get(key);
    const isNew = !conversation;
    if (!conversation) {
      const title = message.conversationType === ConversationType.PRIVATE ? message.sendUser.name || message.senderUserId : 'New group';
      const peer = message.conversationType === ConversationType.PRIVATE && message.senderUserId !== me ? message.senderUserId : message.targetId;
      conversation = ensure(message.conversationType, peer, title);
    }
    if (sid) conversation.sid = sid;
    if (!conversation.lastMsg || message.seq >= conversation.lastMsg.seq) {
      conversation.lastMsg = { text: previewOf(message), senderUserId: message.senderUserId, timestamp: message.timestamp, seq: message.seq, event: message.messageType === MessageType.GROUP_EVENT };
    }
    conversation.lastSeq = Math.max(conversation.lastSeq, message.seq);
    // Writing in a conversation means having read it (the server moves the mark the same way).
    if (message.senderUserId === me) conversation.readSeq = Math.max(conversation.readSeq, message.seq);
    conversation.updatedAt = Math.max(conversation.updatedAt, message.timestamp);
    const membership = membershipAfter(message, me);
    if (membership !== null) conversation.ended = membership === 'out';
    return isNew;
  }

  /** A recalled message that is the newest one changes the preview. */
  function noteRecall(key: string, message: Message): void {
    const conversation = byKey.get(key);
    if (conversation?.lastMsg && conversation.lastMsg.seq === message.seq) conversation.lastMsg = { ...conversation.lastMsg, text: previewOf(message) };
  }

  function noteRead(state: SessionReadState): void {
    const conversation = byKey.get(keyOf(state.conversationType, state.targetId));
    if (!conversation) return;
    conversation.sid = state.sid;
    conversation.readSeq = Math.max(conversation.readSeq, state.readSeq);
  }

  const marking = new Map<string, number>();
  /** Marks the conversation read up to its newest message (once per seq, however often asked). */
  async function markRead(conversation: Conversation): Promise<void> {
    const { sid, lastSeq } = conversation;
    if (sid === null || lastSeq <= conversation.readSeq || (marking.get(sid) ?? 0) >= lastSeq) return;
    marking.set(sid, lastSeq);
    try {
      noteRead(await client.markRead(sid, lastSeq));
    } catch (error) {
      marking.delete(sid);
      console.warn('demo: could not mark the conversation read', error);
    }
  }

  return { byKey, list, refresh, ensure, noteMessage, noteRecall, noteRead, markRead, get: (key: string) => byKey.get(key) };
}

export type Conversations = ReturnType<typeof createConversations>;

/**
 * What a message says of `me` being in its group: `out` (I left or was removed, or it was
 * dismissed), `in` (I joined again), or null (nothing).
 */
function membershipAfter(message: Message, me: string): 'in' | 'out' | null {
  if (message.messageType !== MessageType.GROUP_EVENT) return null;
  const { event, userIds } = message.content;
  if (event === GroupEventKind.DISMISSED) return 'out';
  if (!userIds.includes(me)) return null;
  if (event === GroupEventKind.LEFT || event === GroupEventKind.REMOVED) return 'out';
  return event === GroupEventKind.JOINED ? 'in' : null;
}
