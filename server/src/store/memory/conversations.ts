import type { ConversationType } from '@parley/sdk/protocol';
import type { AppendResult, ConversationRepo, MessageDraft, MessagePage, SessionRepo } from '../ports.js';
import type { ConversationRecord, MessageRecord, RecallRecord, SessionRecord } from '../records.js';
import { copyConversation, copyMessage, copySession, deepFrozen } from './clone.js';

interface ConversationState {
  record: ConversationRecord;
  /** Ordered by seq. */
  messages: MessageRecord[];
}

export class MemoryConversationRepo implements ConversationRepo {
  readonly #conversations = new Map<string, ConversationState>();
  readonly #messagesById = new Map<string, MessageRecord>();
  /** `${senderUserId}\n${clientMsgId}` -> msgId. */
  readonly #clientMsgIds = new Map<string, string>();

  async get(conversationId: string): Promise<ConversationRecord | null> {
    const state = this.#conversations.get(conversationId);
    return state ? copyConversation(state.record) : null;
  }

  async getMany(conversationIds: readonly string[]): Promise<Map<string, ConversationRecord>> {
    const found = new Map<string, ConversationRecord>();
    for (const id of conversationIds) {
      const state = this.#conversations.get(id);
      if (state) found.set(id, copyConversation(state.record));
    }
    return found;
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    const idempotencyKey = draft.clientMsgId === null ? null : `${draft.senderUserId}\n${draft.clientMsgId}`;
    const earlierId = idempotencyKey === null ? undefined : this.#clientMsgIds.get(idempotencyKey);
    const earlier = earlierId === undefined ? undefined : this.#messagesById.get(earlierId);
    if (earlier) return { message: copyMessage(earlier), created: false };

    let state = this.#conversations.get(draft.conversationId);
    if (!state) {
      state = {
        record: {
          conversationId: draft.conversationId,
          conversationType: draft.conversationType,
          lastSeq: 0,
          lastMessage: null,
          createdAt: draft.timestamp,
          updatedAt: draft.timestamp,
        },
        messages: [],
      };
      this.#conversations.set(draft.conversationId, state);
    }

    const { preview, ...fields } = draft;
    const message: MessageRecord = { ...fields, content: deepFrozen(structuredClone(fields.content)), seq: state.record.lastSeq + 1, recall: null };
    state.messages.push(message);
    this.#messagesById.set(message.msgId, message);
    if (idempotencyKey !== null) this.#clientMsgIds.set(idempotencyKey, message.msgId);
    state.record.lastSeq = message.seq;
    state.record.updatedAt = message.timestamp;
    state.record.lastMessage = {
      msgId: message.msgId,
      seq: message.seq,
      senderUserId: message.senderUserId,
      messageType: message.messageType,
      preview,
      timestamp: message.timestamp,
    };
    return { message: copyMessage(message), created: true };
  }

  async listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]> {
    const messages = this.#conversations.get(conversationId)?.messages ?? [];
    const end = page.beforeSeq === undefined ? messages.length : lowerBound(messages, page.beforeSeq);
    return messages.slice(Math.max(0, end - page.limit), end).reverse().map(copyMessage);
  }

  async listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessageRecord[]> {
    const messages = this.#conversations.get(conversationId)?.messages ?? [];
    const start = lowerBound(messages, afterSeq + 1);
    return messages.slice(start, start + limit).map(copyMessage);
  }

  async recall(msgId: string, recall: RecallRecord, preview: string): Promise<MessageRecord | null> {
    const message = this.#messagesById.get(msgId);
    if (!message) return null;
    if (message.recall === null) {
      message.recall = { ...recall };
      message.content = deepFrozen({});
      const last = this.#conversations.get(message.conversationId)?.record.lastMessage;
      if (last?.msgId === msgId) last.preview = preview;
    }
    return copyMessage(message);
  }

  async getMessage(msgId: string): Promise<MessageRecord | null> {
    const message = this.#messagesById.get(msgId);
    return message ? copyMessage(message) : null;
  }

  async findByClientMsgId(senderUserId: string, clientMsgId: string): Promise<MessageRecord | null> {
    const msgId = this.#clientMsgIds.get(`${senderUserId}\n${clientMsgId}`);
    return msgId === undefined ? null : this.getMessage(msgId);
  }

  async delete(conversationId: string): Promise<void> {
    const state = this.#conversations.get(conversationId);
    if (!state) return;
    for (const message of state.messages) {
      this.#messagesById.delete(message.msgId);
      if (message.clientMsgId !== null) this.#clientMsgIds.delete(`${message.senderUserId}\n${message.clientMsgId}`);
    }
    this.#conversations.delete(conversationId);
  }
}

/** Index of the first message whose seq is >= `seq`. */
function lowerBound(messages: readonly MessageRecord[], seq: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class MemorySessionRepo implements SessionRepo {
  /** userId -> conversationId -> session. */
  readonly #byUser = new Map<string, Map<string, SessionRecord>>();
  readonly #bySid = new Map<string, SessionRecord>();

  async ensure(
    input: Omit<SessionRecord, 'sid' | 'readSeq'> & { sid: string; initialReadSeq: number },
  ): Promise<SessionRecord> {
    let mine = this.#byUser.get(input.userId);
    if (!mine) this.#byUser.set(input.userId, (mine = new Map()));
    const existing = mine.get(input.conversationId);
    if (existing) return copySession(existing);
    const { initialReadSeq, ...fields } = input;
    const session: SessionRecord = { ...fields, readSeq: initialReadSeq };
    mine.set(session.conversationId, session);
    this.#bySid.set(session.sid, session);
    return copySession(session);
  }

  async get(userId: string, conversationId: string): Promise<SessionRecord | null> {
    const session = this.#byUser.get(userId)?.get(conversationId);
    return session ? copySession(session) : null;
  }

  async getBySid(userId: string, sid: string): Promise<SessionRecord | null> {
    const session = this.#bySid.get(sid);
    return session && session.userId === userId ? copySession(session) : null;
  }

  async listForUser(userId: string, conversationType?: ConversationType): Promise<SessionRecord[]> {
    const mine = [...(this.#byUser.get(userId)?.values() ?? [])];
    return (conversationType === undefined ? mine : mine.filter((session) => session.conversationType === conversationType)).map(copySession);
  }

  async usersWithSessionIn(conversationIds: readonly string[], userIds: readonly string[]): Promise<Set<string>> {
    const wanted = new Set(conversationIds);
    const found = new Set<string>();
    for (const userId of userIds) {
      const mine = this.#byUser.get(userId);
      if (!mine || found.has(userId)) continue;
      // Walk the smaller side: a user with thousands of sessions asked about a few conversations, or the reverse.
      const hit = mine.size <= wanted.size ? [...mine.keys()].some((id) => wanted.has(id)) : [...wanted].some((id) => mine.has(id));
      if (hit) found.add(userId);
    }
    return found;
  }

  async advanceRead(userId: string, conversationId: string, seq: number): Promise<SessionRecord | null> {
    const session = this.#byUser.get(userId)?.get(conversationId);
    if (!session) return null;
    session.readSeq = Math.max(session.readSeq, seq);
    return copySession(session);
  }

  async deleteForConversation(conversationId: string, userIds?: readonly string[]): Promise<void> {
    const owners = userIds ?? [...this.#byUser.keys()];
    for (const userId of owners) {
      const mine = this.#byUser.get(userId);
      const session = mine?.get(conversationId);
      if (!mine || !session) continue;
      mine.delete(conversationId);
      this.#bySid.delete(session.sid);
    }
  }
}
