import type { ConversationType } from '@parley/sdk/protocol';
import type { Collection, Filter } from 'mongodb';
import type { SessionRepo } from '../ports.js';
import type { NewSession, SessionEnd, SessionRecord } from '../records.js';
import { toSession, type SessionDoc } from './documents.js';
import { failedOnDuplicateKeysOnly, isDuplicateKey } from './errors.js';

/**
 * Users' sessions (read marks) of one app: one document per user and conversation, unique by
 * (appId, userId, conversationId). A session has no `updatedAt` of its own: the session list is
 * ordered by its conversation's `updatedAt`, so a message is one write, not one per member.
 */
export class MongoSessionRepo implements SessionRepo {
  constructor(
    private readonly appId: string,
    private readonly sessions: Collection<SessionDoc>,
  ) {}

  async ensure(input: NewSession): Promise<SessionRecord> {
    // Nearly every call finds the session (each private send ensures both sides): read first.
    const existing = await this.get(input.userId, input.conversationId);
    if (existing) return existing;
    const { initialReadSeq, ...fields } = input;
    const session: SessionRecord = { ...fields, readSeq: initialReadSeq, doNotDisturb: false, ended: null };
    try {
      await this.sessions.insertOne({ appId: this.appId, ...session });
      return toSession(session);
    } catch (error) {
      // A concurrent ensure created it first: that one is the session.
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.get(input.userId, input.conversationId);
      if (!winner) throw error;
      return winner;
    }
  }

  async ensureMany(inputs: readonly NewSession[]): Promise<void> {
    if (inputs.length === 0) return;
    // One read for who has one already, one unordered insert for the rest; a duplicate key there
    // is a session a concurrent ensure created first, which is the session.
    const byConversation = new Map<string, string[]>();
    for (const input of inputs) {
      const userIds = byConversation.get(input.conversationId);
      if (userIds) userIds.push(input.userId);
      else byConversation.set(input.conversationId, [input.userId]);
    }
    const existing = new Set<string>();
    for (const [conversationId, userIds] of byConversation) {
      const docs = await this.sessions.find({ appId: this.appId, conversationId, userId: { $in: userIds } }, { projection: { _id: 0, userId: 1, ended: 1 } }).toArray();
      for (const doc of docs) existing.add(`${conversationId}\u0000${doc.userId}`);
      // Users back in the group: their ended sessions open again, in one round trip.
      const back = new Set(docs.filter((doc) => doc.ended).map((doc) => doc.userId));
      const reopen = inputs
        .filter((input) => input.conversationId === conversationId && back.has(input.userId))
        .map((input) => ({
          updateOne: {
            filter: { appId: this.appId, conversationId, userId: input.userId, ended: { $ne: null } },
            update: { $set: { ended: null }, $max: { readSeq: input.initialReadSeq } },
          },
        }));
      if (reopen.length > 0) await this.sessions.bulkWrite(reopen, { ordered: false });
    }
    const missing = inputs
      .filter((input) => !existing.has(`${input.conversationId}\u0000${input.userId}`))
      .map(({ initialReadSeq, ...fields }) => ({ appId: this.appId, ...fields, readSeq: initialReadSeq, doNotDisturb: false, ended: null }));
    if (missing.length === 0) return;
    try {
      await this.sessions.insertMany(missing, { ordered: false });
    } catch (error) {
      if (!failedOnDuplicateKeysOnly(error)) throw error;
    }
  }

  async get(userId: string, conversationId: string): Promise<SessionRecord | null> {
    const doc = await this.sessions.findOne({ appId: this.appId, userId, conversationId });
    return doc ? toSession(doc) : null;
  }

  async getBySid(userId: string, sid: string): Promise<SessionRecord | null> {
    const doc = await this.sessions.findOne({ appId: this.appId, sid, userId });
    return doc ? toSession(doc) : null;
  }

  async listForUser(userId: string, conversationType?: ConversationType): Promise<SessionRecord[]> {
    const filter: Filter<SessionDoc> = { appId: this.appId, userId };
    if (conversationType !== undefined) filter.conversationType = conversationType;
    const docs = await this.sessions.find(filter).toArray();
    return docs.map(toSession);
  }

  async readSeqs(conversationId: string, userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const docs = await this.sessions
      .find({ appId: this.appId, conversationId, userId: { $in: [...new Set(userIds)] } }, { projection: { _id: 0, userId: 1, readSeq: 1 } })
      .toArray();
    return new Map(docs.map((doc) => [doc.userId, doc.readSeq]));
  }

  async usersWithSessionIn(conversationIds: readonly string[], userIds: readonly string[]): Promise<Set<string>> {
    if (conversationIds.length === 0 || userIds.length === 0) return new Set();
    const found = await this.sessions.distinct('userId', {
      appId: this.appId,
      conversationId: { $in: [...new Set(conversationIds)] },
      userId: { $in: [...new Set(userIds)] },
      ended: null,
    });
    return new Set(found);
  }

  async advanceRead(userId: string, conversationId: string, seq: number): Promise<SessionRecord | null> {
    const doc = await this.sessions.findOneAndUpdate(
      { appId: this.appId, userId, conversationId },
      { $max: { readSeq: seq } },
      { returnDocument: 'after' },
    );
    return doc ? toSession(doc) : null;
  }

  async setDoNotDisturb(userId: string, conversationId: string, doNotDisturb: boolean): Promise<SessionRecord | null> {
    const doc = await this.sessions.findOneAndUpdate({ appId: this.appId, userId, conversationId }, { $set: { doNotDisturb } }, { returnDocument: 'after' });
    return doc ? toSession(doc) : null;
  }

  async end(conversationId: string, end: SessionEnd, userIds?: readonly string[]): Promise<void> {
    // `ended` may be absent (sessions written before sessions could end) or null.
    const filter: Filter<SessionDoc> = { appId: this.appId, conversationId, ended: null };
    if (userIds !== undefined) {
      if (userIds.length === 0) return;
      filter.userId = { $in: [...new Set(userIds)] };
    }
    await this.sessions.updateMany(filter, { $set: { ended: { msgId: end.msgId, seq: end.seq, senderUserId: end.senderUserId, preview: end.preview, timestamp: end.timestamp } } });
  }

  async deleteForConversation(conversationId: string, userIds?: readonly string[]): Promise<void> {
    const filter: Filter<SessionDoc> = { appId: this.appId, conversationId };
    if (userIds !== undefined) {
      if (userIds.length === 0) return;
      filter.userId = { $in: [...new Set(userIds)] };
    }
    await this.sessions.deleteMany(filter);
  }
}
