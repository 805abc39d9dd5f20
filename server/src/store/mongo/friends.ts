import type { Collection, Filter } from 'mongodb';
import type { FriendRepo } from '../ports.js';
import type { FriendGroupRecord, FriendRecord, FriendRequestRecord } from '../records.js';
import { toFriend, toFriendGroup, toFriendRequest, type FriendDoc, type FriendGroupDoc, type FriendRequestDoc } from './documents.js';
import { isDuplicateKey, mapDuplicateKey } from './errors.js';

/**
 * Friend requests (unique by appId and requestId), friendships (one document per side, unique by
 * appId, userId and friendId: `friends_id`) and friend groups (unique by appId, userId and
 * friendGroupId) of one app. Without transactions, the calls written in steps, and what a crash
 * between them leaves:
 * - `befriend`: one side written, not the other. Each side is an insert that the unique index
 *   refuses when the side exists, so the next `befriend` of the pair writes the missing half and
 *   leaves the other as it was.
 * - `deleteFriendGroup`: the group deleted, its friends still naming it. The domain reads a
 *   friend whose group is missing as in none; the friends are moved when the group is deleted
 *   again (it returns false then: there is no group) or moved one by one by `updateFriend`.
 * `unfriend` is one `deleteMany` of both sides; `decideRequest` one `findOneAndUpdate` filtered
 * on `pending` (atomic on MongoDB; FerretDB v1 may let two concurrent answers of one request both
 * through, the last one's outcome staying).
 */
export class MongoFriendRepo implements FriendRepo {
  constructor(
    private readonly appId: string,
    private readonly requests: Collection<FriendRequestDoc>,
    private readonly friends: Collection<FriendDoc>,
    private readonly groups: Collection<FriendGroupDoc>,
  ) {}

  async insertRequest(request: FriendRequestRecord): Promise<void> {
    await mapDuplicateKey(`requestId ${request.requestId}`, () => this.requests.insertOne({ appId: this.appId, ...toFriendRequest(request) }));
  }

  async getRequest(requestId: string): Promise<FriendRequestRecord | null> {
    const doc = await this.requests.findOne({ appId: this.appId, requestId });
    return doc ? toFriendRequest(doc) : null;
  }

  async pendingBetween(fromUserId: string, toUserId: string): Promise<FriendRequestRecord | null> {
    const [doc] = await this.requests
      .find({ appId: this.appId, fromUserId, toUserId, status: 'pending' })
      .sort({ createdAt: -1, requestId: -1 })
      .limit(1)
      .toArray();
    return doc ? toFriendRequest(doc) : null;
  }

  async listPending(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.requests
      .find({ appId: this.appId, ...partyOf(userId, direction), status: 'pending' })
      .sort({ createdAt: -1, requestId: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toFriendRequest);
  }

  async listRequests(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.requests
      .find({ appId: this.appId, ...partyOf(userId, direction) })
      .sort({ createdAt: -1, requestId: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toFriendRequest);
  }

  async decideRequest(requestId: string, status: 'accepted' | 'rejected', at: number): Promise<FriendRequestRecord | null> {
    const doc = await this.requests.findOneAndUpdate(
      { appId: this.appId, requestId, status: 'pending' },
      { $set: { status, decidedAt: at } },
      { returnDocument: 'after' },
    );
    return doc ? toFriendRequest(doc) : null;
  }

  async befriend(userId: string, friendId: string, now: number): Promise<boolean> {
    // One side, then the other: see the class comment for a crash between them.
    const one = await this.#ensureSide(userId, friendId, now);
    const other = await this.#ensureSide(friendId, userId, now);
    return one || other;
  }

  async unfriend(userId: string, friendId: string): Promise<boolean> {
    const { deletedCount } = await this.friends.deleteMany({
      $or: [
        { appId: this.appId, userId, friendId },
        { appId: this.appId, userId: friendId, friendId: userId },
      ],
    });
    return deletedCount > 0;
  }

  async getFriend(userId: string, friendId: string): Promise<FriendRecord | null> {
    const doc = await this.friends.findOne({ appId: this.appId, userId, friendId });
    return doc ? toFriend(doc) : null;
  }

  async listFriends(userId: string, limit: number): Promise<FriendRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.friends.find({ appId: this.appId, userId }).sort({ createdAt: 1, friendId: 1 }).limit(limit).toArray();
    return docs.map(toFriend);
  }

  async countFriends(userId: string): Promise<number> {
    return this.friends.countDocuments({ appId: this.appId, userId });
  }

  async updateFriend(userId: string, friendId: string, patch: { remark?: string; friendGroupId?: string | null }): Promise<FriendRecord | null> {
    const set: Partial<Pick<FriendDoc, 'remark' | 'friendGroupId'>> = {};
    if (patch.remark !== undefined) set.remark = patch.remark;
    if (patch.friendGroupId !== undefined) set.friendGroupId = patch.friendGroupId;
    const filter = { appId: this.appId, userId, friendId };
    if (Object.keys(set).length === 0) return this.getFriend(userId, friendId);
    const doc = await this.friends.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' });
    return doc ? toFriend(doc) : null;
  }

  async insertFriendGroup(group: FriendGroupRecord): Promise<void> {
    await mapDuplicateKey(`friendGroupId ${group.friendGroupId}`, () => this.groups.insertOne({ appId: this.appId, ...toFriendGroup(group) }));
  }

  async listFriendGroups(userId: string): Promise<FriendGroupRecord[]> {
    const docs = await this.groups.find({ appId: this.appId, userId }).sort({ order: 1, createdAt: 1, friendGroupId: 1 }).toArray();
    return docs.map(toFriendGroup);
  }

  async updateFriendGroup(userId: string, friendGroupId: string, patch: { name?: string; order?: number }): Promise<FriendGroupRecord | null> {
    const set: Partial<Pick<FriendGroupDoc, 'name' | 'order'>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.order !== undefined) set.order = patch.order;
    const filter = { appId: this.appId, userId, friendGroupId };
    if (Object.keys(set).length === 0) {
      const doc = await this.groups.findOne(filter);
      return doc ? toFriendGroup(doc) : null;
    }
    const doc = await this.groups.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' });
    return doc ? toFriendGroup(doc) : null;
  }

  async deleteFriendGroup(userId: string, friendGroupId: string): Promise<boolean> {
    const { deletedCount } = await this.groups.deleteOne({ appId: this.appId, userId, friendGroupId });
    if (deletedCount === 0) return false;
    // A crash here leaves friends naming a group that no longer exists, which the domain reads as
    // none (see the class comment).
    await this.friends.updateMany({ appId: this.appId, userId, friendGroupId }, { $set: { friendGroupId: null } });
    return true;
  }

  /**
   * Writes `userId`'s side when it is missing; returns whether it did. A stored side is left as it
   * is: the unique `friends_id` refuses the insert. (An insert rather than an upsert with
   * `$setOnInsert`: FerretDB v1 leaves the null `friendGroupId` out of a document it upserts.)
   */
  async #ensureSide(userId: string, friendId: string, now: number): Promise<boolean> {
    try {
      await this.friends.insertOne({ appId: this.appId, userId, friendId, remark: '', friendGroupId: null, createdAt: now });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}

/**
 * The filter on `userId`'s requests in `direction`: to them and not dropped (the recipient never
 * sees those; `$ne: true` also matches documents written before `dropped` existed), or from them.
 */
function partyOf(userId: string, direction: 'incoming' | 'outgoing'): Filter<FriendRequestDoc> {
  return direction === 'incoming' ? { toUserId: userId, dropped: { $ne: true } } : { fromUserId: userId };
}
