import { ErrorCode, type ContactList, type Friend, type FriendGroup } from '@parley/sdk/protocol';
import type { PresenceRegistry } from '../../bus/ports.js';
import type { Clock } from '../../clock.js';
import type { AppContext } from '../app-context.js';
import { AppError, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { newObjectId } from '../ids.js';
import type { UserService } from '../users/user-service.js';
import { MAX_FRIENDS_PER_USER } from './friend-service.js';
import { friendsOf, toFriendGroup } from './friend-views.js';

/** Most friend groups one user may have. */
export const MAX_FRIEND_GROUPS_PER_USER = 50;

/**
 * One user's own view of their friends: the contact list with presence, the remark and friend
 * group they give each friend, and their friend groups. None of it is seen by anyone else; the
 * user's other devices are told of each change.
 */
export class ContactListService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly presence: PresenceRegistry,
    private readonly events: EventPublisher,
  ) {}

  /** Friend groups in order, and every friend (oldest friendship first) with presence. */
  async list(ctx: AppContext, userId: string): Promise<ContactList> {
    await this.users.require(ctx, userId, 'userId');
    const [groups, records] = await Promise.all([ctx.data.friends.listFriendGroups(userId), ctx.data.friends.listFriends(userId, MAX_FRIENDS_PER_USER)]);
    const friends = await friendsOf(ctx, records);
    const states = friends.length === 0 ? [] : await this.presence.query(ctx.app.appId, friends.map((friend) => friend.userId));
    const byId = new Map(states.map((state) => [state.userId, state]));
    return {
      friendGroups: groups.map(toFriendGroup),
      friends: friends.map((friend) => {
        const state = byId.get(friend.userId);
        return { ...friend, online: state?.online ?? false, platforms: state?.platforms ?? [], lastSeenAt: state?.lastSeenAt ?? null };
      }),
    };
  }

  /** Sets the remark and/or friend group `userId` gives `friendId` (`friendGroupId: null` takes them out of any). */
  async updateFriend(ctx: AppContext, userId: string, friendId: string, patch: { remark?: string | undefined; friendGroupId?: string | null | undefined }): Promise<Friend> {
    await this.users.require(ctx, userId, 'userId');
    if (patch.friendGroupId) await this.#group(ctx, userId, patch.friendGroupId);
    const updated = await ctx.data.friends.updateFriend(userId, friendId, {
      ...(patch.remark === undefined ? {} : { remark: patch.remark }),
      ...(patch.friendGroupId === undefined ? {} : { friendGroupId: patch.friendGroupId }),
    });
    if (!updated) throw notFound(`friendId: user ${friendId} is not a friend of ${userId}`);
    const [friend] = await friendsOf(ctx, [updated]);
    this.events.publish('friend-updated', { appId: ctx.app.appId, userId, friend: friend!, origin: ctx.origin });
    return friend!;
  }

  async createGroup(ctx: AppContext, userId: string, name: string): Promise<FriendGroup> {
    await this.users.require(ctx, userId, 'userId');
    const groups = await ctx.data.friends.listFriendGroups(userId);
    if (groups.length >= MAX_FRIEND_GROUPS_PER_USER) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `name: user ${userId} has ${groups.length} friend groups; at most ${MAX_FRIEND_GROUPS_PER_USER} are allowed`);
    }
    const record = {
      userId,
      friendGroupId: newObjectId(),
      name,
      // Last in the list.
      order: groups.reduce((max, group) => Math.max(max, group.order + 1), 0),
      createdAt: this.clock.now(),
    };
    await ctx.data.friends.insertFriendGroup(record);
    await this.#changed(ctx, userId);
    return toFriendGroup(record);
  }

  async renameGroup(ctx: AppContext, userId: string, friendGroupId: string, name: string): Promise<FriendGroup> {
    await this.users.require(ctx, userId, 'userId');
    const updated = await ctx.data.friends.updateFriendGroup(userId, friendGroupId, { name });
    if (!updated) throw friendGroupNotFound(userId, friendGroupId, 'friendGroupId');
    await this.#changed(ctx, userId);
    return toFriendGroup(updated);
  }

  /**
   * Puts the named friend groups first, in the order given; the others follow in their present
   * order. Answers the whole list, in its new order.
   */
  async sortGroups(ctx: AppContext, userId: string, friendGroupIds: readonly string[]): Promise<FriendGroup[]> {
    await this.users.require(ctx, userId, 'userId');
    const groups = await ctx.data.friends.listFriendGroups(userId);
    const known = new Set(groups.map((group) => group.friendGroupId));
    const first = [...new Set(friendGroupIds)];
    const unknown = first.find((id) => !known.has(id));
    if (unknown !== undefined) throw friendGroupNotFound(userId, unknown, 'friendGroupIds');
    const order = [...first, ...groups.map((group) => group.friendGroupId).filter((id) => !first.includes(id))];
    const current = new Map(groups.map((group) => [group.friendGroupId, group.order]));
    for (const [position, id] of order.entries()) {
      if (current.get(id) !== position) await ctx.data.friends.updateFriendGroup(userId, id, { order: position });
    }
    return this.#changed(ctx, userId);
  }

  /** Deletes the friend group; its friends stay friends, in no group. */
  async deleteGroup(ctx: AppContext, userId: string, friendGroupId: string): Promise<null> {
    await this.users.require(ctx, userId, 'userId');
    if (!(await ctx.data.friends.deleteFriendGroup(userId, friendGroupId))) throw friendGroupNotFound(userId, friendGroupId, 'friendGroupId');
    await this.#changed(ctx, userId);
    return null;
  }

  async #group(ctx: AppContext, userId: string, friendGroupId: string): Promise<void> {
    const groups = await ctx.data.friends.listFriendGroups(userId);
    if (!groups.some((group) => group.friendGroupId === friendGroupId)) throw friendGroupNotFound(userId, friendGroupId, 'friendGroupId');
  }

  /** Tells the user's other devices the new list; returns it. */
  async #changed(ctx: AppContext, userId: string): Promise<FriendGroup[]> {
    const friendGroups = (await ctx.data.friends.listFriendGroups(userId)).map(toFriendGroup);
    this.events.publish('friend-groups-changed', { appId: ctx.app.appId, userId, friendGroups, origin: ctx.origin });
    return friendGroups;
  }
}

function friendGroupNotFound(userId: string, friendGroupId: string, field: string): AppError {
  return notFound(`${field}: user ${userId} has no friend group ${friendGroupId}`);
}
