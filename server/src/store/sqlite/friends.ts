import type { FriendRepo } from '../ports.js';
import type { FriendGroupRecord, FriendRecord, FriendRequestRecord } from '../records.js';
import { insertInto } from './columns.js';
import { mapDuplicateKey } from './errors.js';
import { friendRequestParams, toFriend, toFriendGroup, toFriendRequest, type FriendGroupRow, type FriendRequestRow, type FriendRow } from './rows.js';
import type { Sql } from './sql.js';

const INSERT_REQUEST = insertInto('friend_requests');
const INSERT_FRIEND_GROUP = insertInto('friend_groups');
/** One side of a friendship; a side that exists keeps its remark, group and createdAt. */
const INSERT_SIDE = `INSERT INTO friends (app_id, user_id, friend_id, remark, friend_group_id, created_at) VALUES (@appId, @userId, @friendId, '', NULL, @now)
  ON CONFLICT (app_id, user_id, friend_id) DO NOTHING`;
const DELETE_SIDE = 'DELETE FROM friends WHERE app_id = @appId AND user_id = @userId AND friend_id = @friendId';
/** The requests of `@userId` in a direction: to them and not dropped (the recipient never sees those), or from them. */
const PARTY = { incoming: 'to_user_id = @userId AND dropped = 0', outgoing: 'from_user_id = @userId' } as const;

/**
 * Friend requests, friendships and friend groups of one app. A friendship is one row per side in
 * `friends`; `befriend`, `unfriend` and `deleteFriendGroup` are one transaction each, so both
 * sides (or a group and its friends) change together or not at all.
 */
export class SqliteFriendRepo implements FriendRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async insertRequest(request: FriendRequestRecord): Promise<void> {
    mapDuplicateKey(`requestId ${request.requestId}`, () => this.sql.run(INSERT_REQUEST, { appId: this.appId, ...friendRequestParams(request) }));
  }

  async getRequest(requestId: string): Promise<FriendRequestRecord | null> {
    const row = this.sql.get<FriendRequestRow>('SELECT * FROM friend_requests WHERE app_id = @appId AND request_id = @requestId', { appId: this.appId, requestId });
    return row ? toFriendRequest(row) : null;
  }

  async pendingBetween(fromUserId: string, toUserId: string): Promise<FriendRequestRecord | null> {
    const row = this.sql.get<FriendRequestRow>(
      `SELECT * FROM friend_requests WHERE app_id = @appId AND from_user_id = @fromUserId AND to_user_id = @toUserId AND status = 'pending'
       ORDER BY created_at DESC, request_id DESC LIMIT 1`,
      { appId: this.appId, fromUserId, toUserId },
    );
    return row ? toFriendRequest(row) : null;
  }

  async listPending(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<FriendRequestRow>(
      `SELECT * FROM friend_requests WHERE app_id = @appId AND ${PARTY[direction]} AND status = 'pending' ORDER BY created_at DESC, request_id DESC LIMIT @limit`,
      { appId: this.appId, userId, limit },
    );
    return rows.map(toFriendRequest);
  }

  async listRequests(userId: string, direction: 'incoming' | 'outgoing', limit: number): Promise<FriendRequestRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<FriendRequestRow>(
      `SELECT * FROM friend_requests WHERE app_id = @appId AND ${PARTY[direction]} ORDER BY created_at DESC, request_id DESC LIMIT @limit`,
      { appId: this.appId, userId, limit },
    );
    return rows.map(toFriendRequest);
  }

  async decideRequest(requestId: string, status: 'accepted' | 'rejected', at: number): Promise<FriendRequestRecord | null> {
    const row = this.sql.get<FriendRequestRow>(
      `UPDATE friend_requests SET status = @status, decided_at = @at WHERE app_id = @appId AND request_id = @requestId AND status = 'pending' RETURNING *`,
      { appId: this.appId, requestId, status, at },
    );
    return row ? toFriendRequest(row) : null;
  }

  async befriend(userId: string, friendId: string, now: number): Promise<boolean> {
    return this.sql.transaction(() => {
      const one = this.sql.run(INSERT_SIDE, { appId: this.appId, userId, friendId, now });
      const other = this.sql.run(INSERT_SIDE, { appId: this.appId, userId: friendId, friendId: userId, now });
      return one + other > 0;
    });
  }

  async unfriend(userId: string, friendId: string): Promise<boolean> {
    return this.sql.transaction(() => {
      const one = this.sql.run(DELETE_SIDE, { appId: this.appId, userId, friendId });
      const other = this.sql.run(DELETE_SIDE, { appId: this.appId, userId: friendId, friendId: userId });
      return one + other > 0;
    });
  }

  async getFriend(userId: string, friendId: string): Promise<FriendRecord | null> {
    const row = this.sql.get<FriendRow>('SELECT * FROM friends WHERE app_id = @appId AND user_id = @userId AND friend_id = @friendId', {
      appId: this.appId,
      userId,
      friendId,
    });
    return row ? toFriend(row) : null;
  }

  async listFriends(userId: string, limit: number): Promise<FriendRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<FriendRow>('SELECT * FROM friends WHERE app_id = @appId AND user_id = @userId ORDER BY created_at, friend_id LIMIT @limit', {
      appId: this.appId,
      userId,
      limit,
    });
    return rows.map(toFriend);
  }

  async countFriends(userId: string): Promise<number> {
    return this.sql.get<{ n: number }>('SELECT count(*) AS n FROM friends WHERE app_id = @appId AND user_id = @userId', { appId: this.appId, userId })!.n;
  }

  async updateFriend(userId: string, friendId: string, patch: { remark?: string; friendGroupId?: string | null }): Promise<FriendRecord | null> {
    // A field left out of the patch keeps its value (a flag per field, as null is a value of friend_group_id).
    const row = this.sql.get<FriendRow>(
      `UPDATE friends SET
         remark = CASE WHEN @setRemark THEN @remark ELSE remark END,
         friend_group_id = CASE WHEN @setGroup THEN @friendGroupId ELSE friend_group_id END
       WHERE app_id = @appId AND user_id = @userId AND friend_id = @friendId RETURNING *`,
      {
        appId: this.appId,
        userId,
        friendId,
        setRemark: patch.remark === undefined ? 0 : 1,
        remark: patch.remark ?? null,
        setGroup: patch.friendGroupId === undefined ? 0 : 1,
        friendGroupId: patch.friendGroupId ?? null,
      },
    );
    return row ? toFriend(row) : null;
  }

  async insertFriendGroup(group: FriendGroupRecord): Promise<void> {
    mapDuplicateKey(`friendGroupId ${group.friendGroupId}`, () => this.sql.run(INSERT_FRIEND_GROUP, { appId: this.appId, ...group }));
  }

  async listFriendGroups(userId: string): Promise<FriendGroupRecord[]> {
    const rows = this.sql.all<FriendGroupRow>('SELECT * FROM friend_groups WHERE app_id = @appId AND user_id = @userId ORDER BY sort_order, created_at, friend_group_id', {
      appId: this.appId,
      userId,
    });
    return rows.map(toFriendGroup);
  }

  async updateFriendGroup(userId: string, friendGroupId: string, patch: { name?: string; order?: number }): Promise<FriendGroupRecord | null> {
    const row = this.sql.get<FriendGroupRow>(
      `UPDATE friend_groups SET name = coalesce(@name, name), sort_order = coalesce(@order, sort_order)
       WHERE app_id = @appId AND user_id = @userId AND friend_group_id = @friendGroupId RETURNING *`,
      { appId: this.appId, userId, friendGroupId, name: patch.name ?? null, order: patch.order ?? null },
    );
    return row ? toFriendGroup(row) : null;
  }

  async deleteFriendGroup(userId: string, friendGroupId: string): Promise<boolean> {
    return this.sql.transaction(() => {
      const params = { appId: this.appId, userId, friendGroupId };
      if (this.sql.run('DELETE FROM friend_groups WHERE app_id = @appId AND user_id = @userId AND friend_group_id = @friendGroupId', params) === 0) return false;
      this.sql.run('UPDATE friends SET friend_group_id = NULL WHERE app_id = @appId AND user_id = @userId AND friend_group_id = @friendGroupId', params);
      return true;
    });
  }
}
