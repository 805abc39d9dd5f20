import type { Collection, Filter } from 'mongodb';
import type { AppendResult, ConversationRepo, MessageDraft, MessagePage, MessageScanFilter } from '../ports.js';
import type { ConversationRecord, MessageRecord, RecallRecord } from '../records.js';
import {
  clientKeyFor,
  clientKeyOf,
  contentJsonOf,
  lastMessageOf,
  toConversation,
  toMessage,
  type ConversationDoc,
  type MessageDoc,
} from './documents.js';
import { isDuplicateKey } from './errors.js';
import { inOrderOf } from '../in-order.js';

/**
 * Bounds the retries of one append under contention. Each retry means another writer stored a
 * message in the same conversation meanwhile, so reaching it takes that many concurrent senders
 * in one conversation, faster than one round trip each.
 */
const MAX_APPEND_ATTEMPTS = 100;

/** `$or` branches in one lag-check query of `getMany`. */
const OR_BRANCHES_PER_QUERY = 200;

/** Bounds the rounds of one summary update; each round means another writer changed it meanwhile. */
const MAX_RAISE_ATTEMPTS = 5;

/**
 * Conversations and their messages, for one app.
 *
 * ## Seq allocation: no transactions, no counters, no holes
 * A message *is* its seq: `append` inserts the message with `seq` = newest stored seq + 1, and
 * the unique index (appId, conversationId, seq) makes the insert itself the allocation. Of two
 * writers (in any processes) that pick the same seq, one insert fails with a duplicate key; that
 * writer re-reads the newest seq and tries the next one. No seq is handed out before its message
 * is stored, so a crash at any point leaves no hole: either the message was stored, with its seq,
 * or nothing was.
 *
 * ## The conversation document is a summary of its newest message
 * `lastSeq`, `lastMessage` and `updatedAt` are written *after* the message, by a conditional
 * update that only ever raises them (`lastSeq < seq`, a `$max` that carries the other fields), so
 * writers finishing out of order never move the summary back. A crash between the two writes
 * leaves the summary behind its messages; whoever sees that repairs it (`#raise`):
 * - `append` raises it to its own message, or on a resend to the first message;
 * - `get` reads the summary and the newest message together and reconciles them;
 * - `getMany` (the session list) looks for messages above each stored `lastSeq` in one indexed
 *   query and raises the summaries that lag.
 * So `lastSeq` read through this port equals the newest stored message, as the domain's
 * `unread = lastSeq - readSeq` needs. `listAfter` reads the messages themselves and never
 * depends on the summary.
 *
 * `delete` removes the messages first and the summary last, so an interrupted delete (or a send
 * racing a group's dismissal) can leave a summary whose last message is gone, but never the old
 * history under a new summary. Such a stale summary is recognised by its missing last message:
 * `get` treats it as absent, and the next `append` replaces it. Known limit: `getMany` does not
 * check for it (that would cost the session list a read per conversation), so until that first
 * append a stale summary can show in the session list of a group re-created with the same id.
 *
 * ## Idempotent sends
 * The unique index (appId, senderUserId, clientKey) refuses a second message with the same
 * clientMsgId from the same sender (`clientKey` stands in for a partial index on `clientMsgId`;
 * see MessageDoc). A resend therefore fails its insert, finds the first message by that key and returns
 * it with `created: false` (raising the summary too, in case the first attempt crashed before
 * doing so). Two concurrent sends with one key race on the index: exactly one is stored.
 */
export class MongoConversationRepo implements ConversationRepo {
  constructor(
    private readonly appId: string,
    private readonly conversations: Collection<ConversationDoc>,
    private readonly messages: Collection<MessageDoc>,
  ) {}

  async get(conversationId: string): Promise<ConversationRecord | null> {
    const [doc, newest] = await Promise.all([this.conversations.findOne({ appId: this.appId, conversationId }), this.#newest(conversationId)]);
    if (!newest) {
      // No messages: no conversation. A summary left here is a deleted conversation's.
      if (doc) await this.#dropStale(doc);
      return null;
    }
    if (doc && doc.lastSeq === newest.seq && doc.lastMessage?.msgId === newest.msgId) return toConversation(doc);
    await this.#raise(newest);
    const repaired = await this.conversations.findOne({ appId: this.appId, conversationId });
    return repaired ? toConversation(repaired) : null;
  }

  async getMany(conversationIds: readonly string[]): Promise<Map<string, ConversationRecord>> {
    const ids = [...new Set(conversationIds)];
    if (ids.length === 0) return new Map();
    let docs = await this.conversations.find({ appId: this.appId, conversationId: { $in: ids } }).toArray();
    const lastSeqOf = new Map(docs.map((doc) => [doc.conversationId, doc.lastSeq]));
    // Messages above each summary's lastSeq: none, unless an append is in flight or crashed
    // between its two writes. One query (per few hundred conversations, to keep the planner's
    // work small); each `$or` branch is one range of the messages_seq index.
    const ahead = (
      await Promise.all(
        chunks(ids, OR_BRANCHES_PER_QUERY).map((part) =>
          this.messages.find({ appId: this.appId, $or: part.map((id) => ({ conversationId: id, seq: { $gt: lastSeqOf.get(id) ?? 0 } })) }).toArray(),
        ),
      )
    ).flat();
    if (ahead.length > 0) {
      const newestOf = new Map<string, MessageDoc>();
      for (const message of ahead) {
        const known = newestOf.get(message.conversationId);
        if (!known || known.seq < message.seq) newestOf.set(message.conversationId, message);
      }
      for (const message of newestOf.values()) await this.#raise(message);
      docs = await this.conversations.find({ appId: this.appId, conversationId: { $in: ids } }).toArray();
    }
    return inOrderOf(conversationIds, docs.map(toConversation), (conversation) => conversation.conversationId);
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    const { preview, content, ...fields } = draft;
    const contentJson = contentJsonOf(content);
    let seq = ((await this.#newest(draft.conversationId))?.seq ?? 0) + 1;
    for (let attempt = 1; ; attempt++) {
      const doc: MessageDoc = { appId: this.appId, ...fields, contentJson, seq, recall: null, preview, clientKey: clientKeyOf(draft) };
      if (await this.#tryInsert(doc)) {
        await this.#raise(doc);
        return { message: toMessage(doc), created: true };
      }
      // Which unique index refused it? Asked of the data rather than parsed from the error text,
      // which differs between servers.
      const landed = await this.messages.findOne({ appId: this.appId, msgId: draft.msgId });
      if (landed) {
        // Our own insert was stored, its acknowledgement lost and the write retried by the driver.
        await this.#raise(landed);
        return { message: toMessage(landed), created: true };
      }
      if (draft.clientMsgId !== null) {
        const earlier = await this.#byClientMsgId(draft.senderUserId, draft.clientMsgId);
        if (earlier) {
          await this.#raise(earlier);
          return { message: toMessage(earlier), created: false };
        }
      }
      if (attempt === MAX_APPEND_ATTEMPTS) {
        throw new Error(`append to ${draft.conversationId}: seq still taken after ${MAX_APPEND_ATTEMPTS} attempts`);
      }
      // Another writer took this seq: continue right after the newest stored message.
      seq = ((await this.#newest(draft.conversationId))?.seq ?? 0) + 1;
    }
  }

  async listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]> {
    if (page.limit <= 0) return [];
    const filter: Filter<MessageDoc> = { appId: this.appId, conversationId };
    if (page.beforeSeq !== undefined) filter.seq = { $lt: page.beforeSeq };
    const docs = await this.messages.find(filter).sort({ seq: -1 }).limit(page.limit).toArray();
    return docs.map(toMessage);
  }

  async scanMessages(filter: MessageScanFilter, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const query: Filter<MessageDoc> = { appId: this.appId };
    if (filter.conversationId !== undefined) query.conversationId = filter.conversationId;
    if (filter.from !== undefined || filter.to !== undefined) {
      query.timestamp = { ...(filter.from === undefined ? {} : { $gte: filter.from }), ...(filter.to === undefined ? {} : { $lt: filter.to }) };
    }
    const { before } = filter;
    if (before !== undefined) query.$or = [{ timestamp: { $lt: before.timestamp } }, { timestamp: before.timestamp, msgId: { $lt: before.msgId } }];
    const docs = await this.messages.find(query).sort({ timestamp: -1, msgId: -1 }).limit(limit).toArray();
    return docs.map(toMessage);
  }

  async countMessages(from: number, to: number): Promise<number> {
    return this.messages.countDocuments({ appId: this.appId, timestamp: { $gte: from, $lt: to } });
  }

  async listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.messages
      .find({ appId: this.appId, conversationId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toMessage);
  }

  async recall(msgId: string, recall: RecallRecord, preview: string): Promise<MessageRecord | null> {
    const current = await this.messages.findOne({ appId: this.appId, msgId });
    if (!current) return null;
    if (current.recall !== null) return toMessage(current);
    // The conversation's preview first: if the second write never happens, the session list has
    // hidden the text a moment early (and the caller's retry finishes the recall), rather than
    // showing a recalled message's text.
    await this.conversations.updateOne(
      { appId: this.appId, conversationId: current.conversationId, 'lastMessage.msgId': msgId },
      { $set: { 'lastMessage.preview': preview } },
    );
    const recalled = await this.messages.findOneAndUpdate(
      { appId: this.appId, msgId, recall: null },
      { $set: { recall: { by: recall.by, at: recall.at }, contentJson: contentJsonOf({}), preview } },
      { returnDocument: 'after' },
    );
    // Null when a concurrent recall got there first: the first recall is the one kept.
    const doc = recalled ?? (await this.messages.findOne({ appId: this.appId, msgId }));
    return doc ? toMessage(doc) : null;
  }

  async getMessage(msgId: string): Promise<MessageRecord | null> {
    const doc = await this.messages.findOne({ appId: this.appId, msgId });
    return doc ? toMessage(doc) : null;
  }

  async findByClientMsgId(senderUserId: string, clientMsgId: string): Promise<MessageRecord | null> {
    const doc = await this.#byClientMsgId(senderUserId, clientMsgId);
    return doc ? toMessage(doc) : null;
  }

  /** Messages first, summary last: see the class comment for what an interrupted delete leaves. */
  async delete(conversationId: string): Promise<void> {
    await this.messages.deleteMany({ appId: this.appId, conversationId });
    await this.conversations.deleteOne({ appId: this.appId, conversationId });
  }

  /** The stored message with the highest seq (indexed: messages_seq, read backwards). */
  async #newest(conversationId: string): Promise<MessageDoc | null> {
    return this.messages.find({ appId: this.appId, conversationId }).sort({ seq: -1 }).limit(1).next();
  }

  async #byClientMsgId(senderUserId: string, clientMsgId: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ appId: this.appId, senderUserId, clientKey: clientKeyFor(clientMsgId) });
  }

  /** Inserts `doc`; false when a unique index refused it. */
  async #tryInsert(doc: MessageDoc): Promise<boolean> {
    try {
      await this.messages.insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Makes `message` the conversation's last message unless a later one already is, creating the
   * conversation on its first message and replacing a stale summary (one whose last message no
   * longer exists). Idempotent, so any reader that sees the summary lag may run it.
   */
  async #raise(message: MessageDoc): Promise<void> {
    const { conversationId } = message;
    const summary = { lastSeq: message.seq, lastMessage: lastMessageOf(message), updatedAt: message.timestamp };
    for (let attempt = 1; attempt <= MAX_RAISE_ATTEMPTS; attempt++) {
      // The common case, one round trip: the summary is below this message.
      const raised = await this.conversations.updateOne({ appId: this.appId, conversationId, lastSeq: { $lt: message.seq } }, { $set: summary });
      if (raised.matchedCount > 0) return;
      const current = await this.conversations.findOne({ appId: this.appId, conversationId });
      if (!current) {
        try {
          await this.conversations.insertOne({ appId: this.appId, conversationId, conversationType: message.conversationType, ...summary, createdAt: message.timestamp });
          return;
        } catch (error) {
          // A concurrent writer created it a moment ago: go round and raise that one if still below.
          if (!isDuplicateKey(error)) throw error;
          continue;
        }
      }
      if (current.lastSeq < message.seq) continue; // lowered meanwhile (replaced as stale): go round
      if (!(await this.#isStale(current))) return; // a later message is already the last one
      const replaced = await this.conversations.updateOne(
        { appId: this.appId, conversationId, lastSeq: current.lastSeq, 'lastMessage.msgId': current.lastMessage?.msgId ?? null },
        { $set: summary },
      );
      if (replaced.matchedCount > 0) return;
    }
    // Only reachable when other writers keep changing this summary; each of them raises it too.
  }

  /** A summary whose last message no longer exists: left by a delete (see the class comment). */
  async #isStale(summary: ConversationDoc): Promise<boolean> {
    if (summary.lastMessage === null) return true;
    const message = await this.messages.findOne({ appId: this.appId, msgId: summary.lastMessage.msgId }, { projection: { _id: 1 } });
    return message === null;
  }

  /** Removes a stale summary, unless a writer replaced it meanwhile. */
  async #dropStale(summary: ConversationDoc): Promise<void> {
    if (!(await this.#isStale(summary))) return;
    await this.conversations.deleteOne({
      appId: this.appId,
      conversationId: summary.conversationId,
      lastSeq: summary.lastSeq,
      'lastMessage.msgId': summary.lastMessage?.msgId ?? null,
    });
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
