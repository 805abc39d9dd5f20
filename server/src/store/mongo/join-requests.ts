import type { Collection } from 'mongodb';
import type { JoinRequestRepo } from '../ports.js';
import type { JoinRequestRecord } from '../records.js';
import { joinRequestDocOf, pendingKeyOf, PENDING_KEY, toJoinRequest, type JoinRequestDoc } from './documents.js';
import { mapDuplicateKey } from './errors.js';

/**
 * Requests to join the groups of one app, unique by appId and requestId (`join_requests_id`). The
 * one-pending rule is the unique `join_requests_pending` on (appId, groupId, userId, pendingKey),
 * which every pending request shares one `pendingKey` of (see JoinRequestDoc), so it holds across
 * processes. Every call is one command: `insert` one insert, `deleteForGroup` one `deleteMany`,
 * and `decide` one `findOneAndUpdate` filtered on `pending` that also frees the pending key
 * (atomic on MongoDB; FerretDB v1 may let two concurrent decisions of one request both through,
 * the last one's outcome staying).
 */
export class MongoJoinRequestRepo implements JoinRequestRepo {
  constructor(
    private readonly appId: string,
    private readonly requests: Collection<JoinRequestDoc>,
  ) {}

  async insert(request: JoinRequestRecord): Promise<void> {
    await mapDuplicateKey(`requestId ${request.requestId} (or a pending request of user ${request.userId} to group ${request.groupId})`, () =>
      this.requests.insertOne(joinRequestDocOf(this.appId, request)),
    );
  }

  async get(requestId: string): Promise<JoinRequestRecord | null> {
    const doc = await this.requests.findOne({ appId: this.appId, requestId });
    return doc ? toJoinRequest(doc) : null;
  }

  async pendingOf(groupId: string, userId: string): Promise<JoinRequestRecord | null> {
    const doc = await this.requests.findOne({ appId: this.appId, groupId, userId, pendingKey: PENDING_KEY });
    return doc ? toJoinRequest(doc) : null;
  }

  async listPending(groupId: string, limit: number, offset = 0): Promise<JoinRequestRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.requests
      .find({ appId: this.appId, groupId, status: 'pending' })
      .sort({ createdAt: 1, requestId: 1 })
      .skip(Math.max(0, offset))
      .limit(limit)
      .toArray();
    return docs.map(toJoinRequest);
  }

  async listPendingOfUser(userId: string, limit: number): Promise<JoinRequestRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.requests
      .find({ appId: this.appId, userId, status: 'pending' })
      .sort({ createdAt: 1, requestId: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toJoinRequest);
  }

  async decide(requestId: string, decision: { status: 'approved' | 'rejected'; decidedBy: string | null; decidedAt: number }): Promise<JoinRequestRecord | null> {
    const doc = await this.requests.findOneAndUpdate(
      { appId: this.appId, requestId, status: 'pending' },
      {
        $set: {
          status: decision.status,
          decidedBy: decision.decidedBy,
          decidedAt: decision.decidedAt,
          pendingKey: pendingKeyOf({ requestId, status: decision.status }),
        },
      },
      { returnDocument: 'after' },
    );
    return doc ? toJoinRequest(doc) : null;
  }

  async deleteForGroup(groupId: string): Promise<void> {
    await this.requests.deleteMany({ appId: this.appId, groupId });
  }
}
