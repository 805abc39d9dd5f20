import type { Friend, FriendGroup, FriendRequest } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { FriendGroupRecord, FriendRecord, FriendRequestRecord, UserRecord } from '../../store/records.js';
import { userOf } from '../views.js';

/** Friend records -> wire shapes. */

export function toFriend(record: FriendRecord, users: ReadonlyMap<string, UserRecord>): Friend {
  return { ...userOf(users, record.friendId), remark: record.remark, friendGroupId: record.friendGroupId, friendsSince: record.createdAt };
}

export function toFriendGroup(record: FriendGroupRecord): FriendGroup {
  return { friendGroupId: record.friendGroupId, name: record.name, order: record.order, createdAt: record.createdAt };
}

export function toFriendRequest(record: FriendRequestRecord, users: ReadonlyMap<string, UserRecord>): FriendRequest {
  return {
    requestId: record.requestId,
    from: userOf(users, record.fromUserId),
    to: userOf(users, record.toUserId),
    message: record.message,
    status: record.status,
    createdAt: record.createdAt,
    decidedAt: record.decidedAt,
  };
}

/** The requests with both users' names, read in one store call. */
export async function friendRequestsOf(ctx: AppContext, records: readonly FriendRequestRecord[]): Promise<FriendRequest[]> {
  const users = await ctx.data.users.getMany([...new Set(records.flatMap((record) => [record.fromUserId, record.toUserId]))]);
  return records.map((record) => toFriendRequest(record, users));
}

/** The friends with their names, read in one store call. */
export async function friendsOf(ctx: AppContext, records: readonly FriendRecord[]): Promise<Friend[]> {
  const users = await ctx.data.users.getMany(records.map((record) => record.friendId));
  return records.map((record) => toFriend(record, users));
}
