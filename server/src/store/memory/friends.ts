import { DuplicateKeyError, type FriendRepo } from '../ports.js';
import type { FriendGroupRecord, FriendRecord, FriendRequestRecord } from '../records.js';
import { copyFriend, copyFriendGroup, copyFriendRequest } from './clone.js';

/**
 * Friend requests, friendships and friend groups of one app. Both sides of a friendship are
 * written and removed in one call that does not yield, so no half of a pair is ever seen.
 */
export class MemoryFriendRepo implements FriendRepo {
  /** requestId -> record. */
  readonly #requests = new Map<string, FriendRequestRecord>();
  /** userId -> friendId -> that user's side of the friendship. */
  readonly #friends = new Map<string, Map<string, FriendRecord>>();
  /** userId -> friendGroupId -> record. */
  readonly #groups = new Map<string, Map<string, FriendGroupRecord>>();

  async insertRequest(request: FriendRequestRecord): Promise<void> {
    if (this.#requests.has(request.requestId)) throw new DuplicateKeyError(`requestId ${request.requestId} is taken`);
    this.#requests.set(request.requestId, copyFriendRequest(request));
  }

  async getRequest(requestId: string): Promise<FriendRequestRecord | null> {
    const request = this.#requests.get(requestId);
    return request ? copyFriendRequest(request) : null;
  }

  async pendingBetween(fromUserId: string, toUserId: string): Promise<FriendRequestRecord | null> {
    const [newest] = this.#pending((request) => request.fromUserId === fromUserId && request.toUserId === toUserId);
    return newest ? copyFriendRequest(newest) : null;
  }

  async listPending(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    return this.#pending(shownTo(userId, direction)).slice(0, limit).map(copyFriendRequest);
  }

  async listRequests(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    return [...this.#requests.values()].filter(shownTo(userId, direction)).sort(newestFirst).slice(0, limit).map(copyFriendRequest);
  }

  async decideRequest(requestId: string, status: 'accepted' | 'rejected', at: number): Promise<FriendRequestRecord | null> {
    const request = this.#requests.get(requestId);
    if (!request || request.status !== 'pending') return null;
    request.status = status;
    request.decidedAt = at;
    return copyFriendRequest(request);
  }

  async befriend(userId: string, friendId: string, now: number): Promise<boolean> {
    let changed = false;
    for (const [side, other] of [
      [userId, friendId],
      [friendId, userId],
    ] as const) {
      let friends = this.#friends.get(side);
      if (friends?.has(other)) continue;
      if (!friends) this.#friends.set(side, (friends = new Map()));
      friends.set(other, { userId: side, friendId: other, remark: '', friendGroupId: null, createdAt: now });
      changed = true;
    }
    return changed;
  }

  async unfriend(userId: string, friendId: string): Promise<boolean> {
    const removedOne = this.#removeSide(userId, friendId);
    const removedOther = this.#removeSide(friendId, userId);
    return removedOne || removedOther;
  }

  async getFriend(userId: string, friendId: string): Promise<FriendRecord | null> {
    const friend = this.#friends.get(userId)?.get(friendId);
    return friend ? copyFriend(friend) : null;
  }

  async listFriends(userId: string, limit: number): Promise<FriendRecord[]> {
    if (limit <= 0) return [];
    return [...(this.#friends.get(userId)?.values() ?? [])].sort(byFriendship).slice(0, limit).map(copyFriend);
  }

  async countFriends(userId: string): Promise<number> {
    return this.#friends.get(userId)?.size ?? 0;
  }

  async updateFriend(userId: string, friendId: string, patch: { remark?: string; friendGroupId?: string | null }): Promise<FriendRecord | null> {
    const friend = this.#friends.get(userId)?.get(friendId);
    if (!friend) return null;
    if (patch.remark !== undefined) friend.remark = patch.remark;
    if (patch.friendGroupId !== undefined) friend.friendGroupId = patch.friendGroupId;
    return copyFriend(friend);
  }

  async insertFriendGroup(group: FriendGroupRecord): Promise<void> {
    let groups = this.#groups.get(group.userId);
    if (groups?.has(group.friendGroupId)) throw new DuplicateKeyError(`friendGroupId ${group.friendGroupId} is taken`);
    if (!groups) this.#groups.set(group.userId, (groups = new Map()));
    groups.set(group.friendGroupId, copyFriendGroup(group));
  }

  async listFriendGroups(userId: string): Promise<FriendGroupRecord[]> {
    return [...(this.#groups.get(userId)?.values() ?? [])].sort(byGroupOrder).map(copyFriendGroup);
  }

  async updateFriendGroup(userId: string, friendGroupId: string, patch: { name?: string; order?: number }): Promise<FriendGroupRecord | null> {
    const group = this.#groups.get(userId)?.get(friendGroupId);
    if (!group) return null;
    if (patch.name !== undefined) group.name = patch.name;
    if (patch.order !== undefined) group.order = patch.order;
    return copyFriendGroup(group);
  }

  async deleteFriendGroup(userId: string, friendGroupId: string): Promise<boolean> {
    const groups = this.#groups.get(userId);
    if (!groups?.delete(friendGroupId)) return false;
    if (groups.size === 0) this.#groups.delete(userId);
    for (const friend of this.#friends.get(userId)?.values() ?? []) {
      if (friend.friendGroupId === friendGroupId) friend.friendGroupId = null;
    }
    return true;
  }

  /** Every request, by requestId (for the transfer port). */
  allRequests(): FriendRequestRecord[] {
    return [...this.#requests.values()].sort((a, b) => compare(a.requestId, b.requestId)).map(copyFriendRequest);
  }

  /** Every side of every friendship, by userId then friendId (for the transfer port). */
  allFriends(): FriendRecord[] {
    return [...this.#friends.values()]
      .flatMap((friends) => [...friends.values()])
      .sort((a, b) => compare(a.userId, b.userId) || compare(a.friendId, b.friendId))
      .map(copyFriend);
  }

  /** Every friend group, by userId then friendGroupId (for the transfer port). */
  allFriendGroups(): FriendGroupRecord[] {
    return [...this.#groups.values()]
      .flatMap((groups) => [...groups.values()])
      .sort((a, b) => compare(a.userId, b.userId) || compare(a.friendGroupId, b.friendGroupId))
      .map(copyFriendGroup);
  }

  /** Stores `request` as it is, replacing the one with its id (for the transfer port). */
  putRequest(request: FriendRequestRecord): void {
    this.#requests.set(request.requestId, copyFriendRequest(request));
  }

  /** Stores one side as it is, replacing the record of its pair (for the transfer port). */
  putFriend(friend: FriendRecord): void {
    let friends = this.#friends.get(friend.userId);
    if (!friends) this.#friends.set(friend.userId, (friends = new Map()));
    friends.set(friend.friendId, copyFriend(friend));
  }

  /** Stores `group` as it is, replacing the one with its key (for the transfer port). */
  putFriendGroup(group: FriendGroupRecord): void {
    let groups = this.#groups.get(group.userId);
    if (!groups) this.#groups.set(group.userId, (groups = new Map()));
    groups.set(group.friendGroupId, copyFriendGroup(group));
  }

  /** The pending requests that `matches` accepts, newest first (requestId breaking ties). */
  #pending(matches: (request: FriendRequestRecord) => boolean): FriendRequestRecord[] {
    return [...this.#requests.values()].filter((request) => request.status === 'pending' && matches(request)).sort(newestFirst);
  }

  #removeSide(userId: string, friendId: string): boolean {
    const friends = this.#friends.get(userId);
    if (!friends?.delete(friendId)) return false;
    if (friends.size === 0) this.#friends.delete(userId);
    return true;
  }
}

/**
 * Whether a request is one of `userId`'s in `direction`: to them and not dropped (incoming), or
 * from them, dropped or not (outgoing).
 */
function shownTo(userId: string, direction: 'incoming' | 'outgoing'): (request: FriendRequestRecord) => boolean {
  return direction === 'incoming' ? (request) => request.toUserId === userId && !request.dropped : (request) => request.fromUserId === userId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Requests newest first, then by requestId descending (the other adapters' index order, reversed). */
function newestFirst(a: FriendRequestRecord, b: FriendRequestRecord): number {
  return b.createdAt - a.createdAt || compare(b.requestId, a.requestId);
}

/** `listFriends`' order: oldest friendship first, then by friendId. */
function byFriendship(a: FriendRecord, b: FriendRecord): number {
  return a.createdAt - b.createdAt || compare(a.friendId, b.friendId);
}

/** `listFriendGroups`' order: by order, then createdAt, then friendGroupId. */
function byGroupOrder(a: FriendGroupRecord, b: FriendGroupRecord): number {
  return a.order - b.order || a.createdAt - b.createdAt || compare(a.friendGroupId, b.friendGroupId);
}
