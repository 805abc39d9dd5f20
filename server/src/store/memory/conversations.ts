import type { ConversationType } from '@parley/sdk/protocol';
import { DuplicateKeyError, type AppendResult, type ConversationRepo, type MessageDraft, type MessagePage, type MessageScanFilter, type SessionRepo } from '../ports.js';
import type { ConversationRecord, MessageRecord, NewSession, RecallRecord, SessionEnd, SessionRecord } from '../records.js';
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
    const idempotencyKey = idempotencyKeyOf(draft);
    const earlierId = idempotencyKey === null ? undefined : this.#clientMsgIds.get(idempotencyKey);
    const earlier = earlierId === undefined ? undefined : this.#messagesById.get(earlierId);
    if (earlier) return { message: copyMessage(earlier), created: false };

    let state = this.#conversations.get(draft.conversationId);
    if (!state) {
      state = { record: emptyConversation(draft), messages: [] };
      this.#conversations.set(draft.conversationId, state);
    }

    // Every field listed: a rest-and-spread record would get a hidden class of its own, kept as
    // long as the message (see schemas/parse.ts).
    const message: MessageRecord = {
      msgId: draft.msgId,
      conversationId: draft.conversationId,
      seq: state.record.lastSeq + 1,
      conversationType: draft.conversationType,
      senderUserId: draft.senderUserId,
      targetId: draft.targetId,
      messageType: draft.messageType,
      content: deepFrozen(structuredClone(draft.content)),
      clientMsgId: draft.clientMsgId,
      timestamp: draft.timestamp,
      recall: null,
    };
    state.messages.push(message);
    this.#messagesById.set(message.msgId, message);
    if (idempotencyKey !== null) this.#clientMsgIds.set(idempotencyKey, message.msgId);
    summarise(state.record, message, draft.preview);
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
    const msgId = this.#clientMsgIds.get(idempotencyKeyOf({ senderUserId, clientMsgId })!);
    return msgId === undefined ? null : this.getMessage(msgId);
  }

  async delete(conversationId: string): Promise<void> {
    const state = this.#conversations.get(conversationId);
    if (!state) return;
    for (const message of state.messages) {
      this.#messagesById.delete(message.msgId);
      this.#forgetClientMsgId(message);
    }
    this.#conversations.delete(conversationId);
  }

  /** Every conversation (for the transfer port). */
  all(): ConversationRecord[] {
    return [...this.#conversations.values()].map((state) => copyConversation(state.record));
  }

  /** Every message, each conversation's in seq order (for the transfer port). */
  allMessages(): MessageRecord[] {
    return [...this.#conversations.values()].flatMap((state) => state.messages.map(copyMessage));
  }

  /** Stores `conversation` as it is, replacing the one with its id and keeping its messages (for the transfer port). */
  put(conversation: ConversationRecord): void {
    const record = copyConversation(conversation);
    const state = this.#conversations.get(conversation.conversationId);
    if (state) state.record = record;
    else this.#conversations.set(conversation.conversationId, { record, messages: [] });
  }

  /**
   * Stores `message` as it is, replacing the one at its seq (for the transfer port). A message
   * newer than its conversation's summary raises the summary to it, with `preview`, as `append`
   * does: so a message written before its conversation (an import in another order) still makes
   * a readable conversation, whose own record replaces that summary when it is written.
   * @throws DuplicateKeyError when another message has its msgId, or its sender's clientMsgId.
   */
  putMessage(message: MessageRecord, preview: string): void {
    let state = this.#conversations.get(message.conversationId);
    const at = state ? lowerBound(state.messages, message.seq) : 0;
    const replaced = state?.messages[at]?.seq === message.seq ? state.messages[at] : undefined;
    const sameId = this.#messagesById.get(message.msgId);
    if (sameId && sameId !== replaced) throw new DuplicateKeyError(`msgId ${message.msgId} is taken`);
    const idempotencyKey = idempotencyKeyOf(message);
    const sameKey = idempotencyKey === null ? undefined : this.#clientMsgIds.get(idempotencyKey);
    if (sameKey !== undefined && sameKey !== replaced?.msgId) {
      throw new DuplicateKeyError(`clientMsgId ${message.clientMsgId} of ${message.senderUserId} is taken`);
    }

    if (!state) {
      state = { record: emptyConversation(message), messages: [] };
      this.#conversations.set(message.conversationId, state);
    }
    const stored: MessageRecord = { ...copyMessage(message), content: deepFrozen(structuredClone(message.content)) };
    if (replaced) {
      this.#messagesById.delete(replaced.msgId);
      this.#forgetClientMsgId(replaced);
      state.messages[at] = stored;
    } else {
      state.messages.splice(at, 0, stored);
    }
    this.#messagesById.set(stored.msgId, stored);
    if (idempotencyKey !== null) this.#clientMsgIds.set(idempotencyKey, stored.msgId);
    if (stored.seq > state.record.lastSeq) summarise(state.record, stored, preview);
  }

  /** Walks every message of the app (this store is for tests and small demos, see memory-store.ts). */
  async scanMessages(filter: MessageScanFilter, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const matching = [...this.#messagesById.values()].filter((message) => matchesScan(message, filter));
    return matching.sort(newestFirst).slice(0, limit).map(copyMessage);
  }

  async countMessages(from: number, to: number): Promise<number> {
    let count = 0;
    for (const message of this.#messagesById.values()) if (message.timestamp >= from && message.timestamp < to) count++;
    return count;
  }

  #forgetClientMsgId(message: MessageRecord): void {
    const key = idempotencyKeyOf(message);
    if (key !== null) this.#clientMsgIds.delete(key);
  }
}

/** The key of `#clientMsgIds`: a sender's clientMsgId, or null without one. */
function idempotencyKeyOf(message: { senderUserId: string; clientMsgId: string | null }): string | null {
  return message.clientMsgId === null ? null : `${message.senderUserId}\n${message.clientMsgId}`;
}

/** Makes `message` the conversation's newest. */
function summarise(record: ConversationRecord, message: MessageRecord, preview: string): void {
  const { msgId, seq, senderUserId, messageType, timestamp } = message;
  record.lastSeq = seq;
  record.updatedAt = timestamp;
  record.lastMessage = { msgId, seq, senderUserId, messageType, preview, timestamp };
}

/** A conversation without messages yet, as its first message `message` opens it. */
function emptyConversation(message: Pick<MessageRecord, 'conversationId' | 'conversationType' | 'timestamp'>): ConversationRecord {
  return {
    conversationId: message.conversationId,
    conversationType: message.conversationType,
    lastSeq: 0,
    lastMessage: null,
    createdAt: message.timestamp,
    updatedAt: message.timestamp,
  };
}

function matchesScan(message: MessageRecord, filter: MessageScanFilter): boolean {
  const { before } = filter;
  return (
    (filter.conversationId === undefined || message.conversationId === filter.conversationId) &&
    (filter.from === undefined || message.timestamp >= filter.from) &&
    (filter.to === undefined || message.timestamp < filter.to) &&
    (before === undefined || message.timestamp < before.timestamp || (message.timestamp === before.timestamp && message.msgId < before.msgId))
  );
}

/** The scan order of the port: timestamp, then msgId, descending. */
function newestFirst(a: MessageRecord, b: MessageRecord): number {
  if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
  return a.msgId < b.msgId ? 1 : a.msgId > b.msgId ? -1 : 0;
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
    input: NewSession,
  ): Promise<SessionRecord> {
    let mine = this.#byUser.get(input.userId);
    if (!mine) this.#byUser.set(input.userId, (mine = new Map()));
    const existing = mine.get(input.conversationId);
    if (existing) return copySession(existing);
    // Listed, not spread, for the reason append gives.
    const session: SessionRecord = {
      sid: input.sid,
      userId: input.userId,
      conversationId: input.conversationId,
      conversationType: input.conversationType,
      targetId: input.targetId,
      readSeq: input.initialReadSeq,
      doNotDisturb: false,
      createdAt: input.createdAt,
      ended: null,
    };
    mine.set(session.conversationId, session);
    this.#bySid.set(session.sid, session);
    return copySession(session);
  }

  async ensureMany(inputs: readonly NewSession[]): Promise<void> {
    for (const input of inputs) {
      const existing = this.#byUser.get(input.userId)?.get(input.conversationId);
      if (!existing) await this.ensure(input);
      else if (existing.ended !== null) {
        existing.ended = null;
        existing.readSeq = Math.max(existing.readSeq, input.initialReadSeq);
      }
    }
  }

  async end(conversationId: string, end: SessionEnd, userIds?: readonly string[]): Promise<void> {
    for (const userId of userIds ?? [...this.#byUser.keys()]) {
      const session = this.#byUser.get(userId)?.get(conversationId);
      if (session && session.ended === null) session.ended = { msgId: end.msgId, seq: end.seq, senderUserId: end.senderUserId, preview: end.preview, timestamp: end.timestamp };
    }
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

  async readSeqs(conversationId: string, userIds: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const userId of userIds) {
      const session = this.#byUser.get(userId)?.get(conversationId);
      if (session) found.set(userId, session.readSeq);
    }
    return found;
  }

  async usersWithSessionIn(conversationIds: readonly string[], userIds: readonly string[]): Promise<Set<string>> {
    const wanted = new Set(conversationIds);
    const found = new Set<string>();
    for (const userId of userIds) {
      const mine = this.#byUser.get(userId);
      if (!mine || found.has(userId)) continue;
      // Walk the smaller side: a user with thousands of sessions asked about a few conversations, or the reverse.
      const live = (id: string) => mine.get(id)?.ended === null;
      const hit = mine.size <= wanted.size ? [...mine.keys()].some((id) => wanted.has(id) && live(id)) : [...wanted].some((id) => mine.has(id) && live(id));
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

  async setDoNotDisturb(userId: string, conversationId: string, doNotDisturb: boolean): Promise<SessionRecord | null> {
    const session = this.#byUser.get(userId)?.get(conversationId);
    if (!session) return null;
    session.doNotDisturb = doNotDisturb;
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

  /** Every session (for the transfer port). */
  all(): SessionRecord[] {
    return [...this.#byUser.values()].flatMap((mine) => [...mine.values()].map(copySession));
  }

  /**
   * Stores `session` as it is, replacing the user's session of its conversation (for the transfer port).
   * @throws DuplicateKeyError when another session has its sid.
   */
  put(session: SessionRecord): void {
    const sameSid = this.#bySid.get(session.sid);
    if (sameSid && (sameSid.userId !== session.userId || sameSid.conversationId !== session.conversationId)) {
      throw new DuplicateKeyError(`sid ${session.sid} is taken`);
    }
    let mine = this.#byUser.get(session.userId);
    if (!mine) this.#byUser.set(session.userId, (mine = new Map()));
    const replaced = mine.get(session.conversationId);
    if (replaced) this.#bySid.delete(replaced.sid);
    const stored = copySession(session);
    mine.set(stored.conversationId, stored);
    this.#bySid.set(stored.sid, stored);
  }
}
