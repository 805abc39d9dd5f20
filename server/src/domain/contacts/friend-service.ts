import { ErrorCode, FriendRequestStatus, type Friend, type FriendRequest, type FriendRequestList } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { FriendRequestRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { newObjectId } from '../ids.js';
import { userNotFound, type UserService } from '../users/user-service.js';
import type { BlockService } from './block-service.js';
import { friendRequestsOf, friendsOf, toFriend } from './friend-views.js';

/** Most friends one user may have; a contact list is read whole, so it stays bounded. */
export const MAX_FRIENDS_PER_USER = 2000;
/** Most unanswered requests one user may have out at once (a spammer cannot ask the whole app). */
export const MAX_PENDING_REQUESTS_PER_USER = 100;
/** Requests listed per direction, newest first. */
export const FRIEND_REQUEST_LIST_MAX = 100;

/**
 * Friend requests and friendships. A friendship is mutual: it is made when the recipient accepts
 * (or when both asked each other, or the tenant's backend adds it) and ends for both when either
 * removes it. Each side keeps its own remark and friend group (FriendGroupService).
 *
 * A request to a user who blocks the requester is kept, pending, for the requester alone: the
 * recipient never sees it and nothing tells the requester, as with the rest of a block.
 */
export class FriendService {
  constructor(
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly blocks: BlockService,
    private readonly events: EventPublisher,
  ) {}

  /**
   * `userId` asks `targetId` to become friends. Asking again while a request is pending answers
   * that request; when `targetId` had already asked `userId`, this accepts their request.
   */
  async request(ctx: AppContext, userId: string, targetId: string, message: string): Promise<FriendRequest> {
    await this.users.require(ctx, userId, 'userId');
    if (targetId === userId) throw forbidden('targetId: a user cannot befriend themselves');
    await this.users.require(ctx, targetId, 'targetId');
    if (await ctx.data.friends.getFriend(userId, targetId)) throw conflict(`targetId: ${userId} and ${targetId} are friends already`);

    const mine = await ctx.data.friends.pendingBetween(userId, targetId);
    if (mine) return (await friendRequestsOf(ctx, [mine]))[0]!;
    const theirs = await ctx.data.friends.pendingBetween(targetId, userId);
    if (theirs && !theirs.dropped) return this.#accept(ctx, theirs);

    const pending = await ctx.data.friends.listPending(userId, 'outgoing', MAX_PENDING_REQUESTS_PER_USER);
    if (pending.length >= MAX_PENDING_REQUESTS_PER_USER) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `targetId: user ${userId} has ${pending.length} unanswered friend requests; at most ${MAX_PENDING_REQUESTS_PER_USER} may wait at once`);
    }
    await this.#requireRoomForFriend(ctx, userId, 'userId');
    const dropped = await this.blocks.blocks(ctx, targetId, userId);
    const record: FriendRequestRecord = {
      requestId: newObjectId(),
      fromUserId: userId,
      toUserId: targetId,
      message,
      status: FriendRequestStatus.PENDING,
      createdAt: this.clock.now(),
      decidedAt: null,
      dropped,
    };
    await ctx.data.friends.insertRequest(record);
    const [request] = await friendRequestsOf(ctx, [record]);
    this.#publishRequest(ctx, request!, false, dropped ? [userId] : [userId, targetId]);
    return request!;
  }

  /** `userId` accepts a request made to them: both become friends. Accepting it again answers the same friend. */
  async accept(ctx: AppContext, userId: string, requestId: string): Promise<Friend> {
    const request = await this.#requestTo(ctx, userId, requestId);
    if (request.status === FriendRequestStatus.REJECTED) throw conflict(`requestId: friend request ${requestId} was rejected; the requester may ask again`);
    if (request.status === FriendRequestStatus.ACCEPTED) {
      const friend = await ctx.data.friends.getFriend(userId, request.fromUserId);
      if (!friend) throw conflict(`requestId: friend request ${requestId} was accepted, and that friendship has since ended`);
      return (await friendsOf(ctx, [friend]))[0]!;
    }
    await this.#accept(ctx, request);
    return this.#sideOf(ctx, userId, request.fromUserId);
  }

  /** `userId` turns down a request made to them; the requester is told and may ask again. */
  async reject(ctx: AppContext, userId: string, requestId: string): Promise<FriendRequest> {
    const request = await this.#requestTo(ctx, userId, requestId);
    if (request.status === FriendRequestStatus.ACCEPTED) throw conflict(`requestId: friend request ${requestId} was accepted already`);
    if (request.status === FriendRequestStatus.REJECTED) return (await friendRequestsOf(ctx, [request]))[0]!;
    const decided = await ctx.data.friends.decideRequest(requestId, FriendRequestStatus.REJECTED, this.clock.now());
    // Answered meanwhile (by another device): answer as that outcome reads now.
    if (!decided) return this.reject(ctx, userId, requestId);
    const [answered] = await friendRequestsOf(ctx, [decided]);
    this.#publishRequest(ctx, answered!, true, [decided.fromUserId, decided.toUserId]);
    return answered!;
  }

  /**
   * Makes `userId` friends with each of `targetIds` without asking (the tenant's backend, importing
   * an existing friend list). Pending requests between them are accepted. Returns the ids that
   * were not friends before.
   */
  async add(ctx: AppContext, userId: string, targetIds: readonly string[]): Promise<{ changed: string[] }> {
    const targets = await this.#others(ctx, userId, targetIds);
    const count = await ctx.data.friends.countFriends(userId);
    if (count + targets.length > MAX_FRIENDS_PER_USER) throw tooManyFriends(userId, count, 'targetIds');
    for (const target of targets) await this.#requireRoomForFriend(ctx, target, 'targetIds');
    const changed: string[] = [];
    const now = this.clock.now();
    for (const target of targets) {
      for (const [from, to] of [
        [userId, target],
        [target, userId],
      ] as const) {
        const pending = await ctx.data.friends.pendingBetween(from, to);
        if (pending) await ctx.data.friends.decideRequest(pending.requestId, FriendRequestStatus.ACCEPTED, now);
      }
      if (await ctx.data.friends.befriend(userId, target, now)) changed.push(target);
    }
    await this.#publishFriendships(ctx, changed.map((target) => [userId, target] as const));
    return { changed };
  }

  /** Ends each friendship, for both sides. Ids that are not friends (the user included) are skipped. */
  async remove(ctx: AppContext, userId: string, targetIds: readonly string[]): Promise<{ changed: string[] }> {
    await this.users.require(ctx, userId, 'userId');
    const changed: string[] = [];
    for (const target of new Set(targetIds)) {
      if (target !== userId && (await ctx.data.friends.unfriend(userId, target))) changed.push(target);
    }
    if (changed.length > 0) {
      this.events.publish('friends-removed', { appId: ctx.app.appId, pairs: changed.map((target) => [userId, target] as const), origin: ctx.origin });
    }
    return { changed };
  }

  /** The user's requests, newest first, both ways: pending ones and those answered. */
  async requests(ctx: AppContext, userId: string): Promise<FriendRequestList> {
    await this.users.require(ctx, userId, 'userId');
    const [incoming, outgoing] = await Promise.all([
      ctx.data.friends.listRequests(userId, 'incoming', FRIEND_REQUEST_LIST_MAX),
      ctx.data.friends.listRequests(userId, 'outgoing', FRIEND_REQUEST_LIST_MAX),
    ]);
    const all = await friendRequestsOf(ctx, [...incoming, ...outgoing]);
    return { incoming: all.slice(0, incoming.length), outgoing: all.slice(incoming.length) };
  }

  /** Whether the two users are friends: one indexed read. */
  async areFriends(ctx: AppContext, userId: string, otherId: string): Promise<boolean> {
    return (await ctx.data.friends.getFriend(userId, otherId)) !== null;
  }

  /** Accepts a pending request and makes the two friends; answers the request as it now reads. */
  async #accept(ctx: AppContext, request: FriendRequestRecord): Promise<FriendRequest> {
    await this.#requireRoomForFriend(ctx, request.toUserId, 'requestId');
    await this.#requireRoomForFriend(ctx, request.fromUserId, 'requestId');
    const now = this.clock.now();
    const decided = await ctx.data.friends.decideRequest(request.requestId, FriendRequestStatus.ACCEPTED, now);
    // Whoever decided first, the friendship is made once: befriend is idempotent, and only the
    // call that answered the request tells anyone.
    await ctx.data.friends.befriend(request.fromUserId, request.toUserId, now);
    // A request the other way (one a block dropped, unseen) would otherwise wait on as if they
    // were still strangers.
    const reverse = await ctx.data.friends.pendingBetween(request.toUserId, request.fromUserId);
    if (reverse) await ctx.data.friends.decideRequest(reverse.requestId, FriendRequestStatus.ACCEPTED, now);
    const answered = decided ?? (await ctx.data.friends.getRequest(request.requestId)) ?? request;
    const [view] = await friendRequestsOf(ctx, [answered]);
    if (decided) {
      this.#publishRequest(ctx, view!, true, [request.fromUserId, request.toUserId]);
      await this.#publishFriendships(ctx, [[request.toUserId, request.fromUserId]]);
    }
    return view!;
  }

  /** The request `requestId` made to `userId`; one they cannot see (another's, or dropped by a block) is NOT_FOUND. */
  async #requestTo(ctx: AppContext, userId: string, requestId: string): Promise<FriendRequestRecord> {
    await this.users.require(ctx, userId, 'userId');
    const request = await ctx.data.friends.getRequest(requestId);
    if (!request || request.toUserId !== userId || request.dropped) throw notFound(`requestId: no friend request ${requestId} was made to user ${userId}`);
    return request;
  }

  async #sideOf(ctx: AppContext, userId: string, friendId: string): Promise<Friend> {
    const friend = await ctx.data.friends.getFriend(userId, friendId);
    if (!friend) throw conflict(`requestId: the friendship with ${friendId} was made and has already ended`);
    return (await friendsOf(ctx, [friend]))[0]!;
  }

  async #requireRoomForFriend(ctx: AppContext, userId: string, field: string): Promise<void> {
    const count = await ctx.data.friends.countFriends(userId);
    if (count >= MAX_FRIENDS_PER_USER) throw tooManyFriends(userId, count, field);
  }

  /** The distinct other users among `targetIds`, each known to exist. */
  async #others(ctx: AppContext, userId: string, targetIds: readonly string[]): Promise<string[]> {
    await this.users.require(ctx, userId, 'userId');
    const targets = [...new Set(targetIds)];
    if (targets.includes(userId)) throw forbidden('targetIds: a user cannot befriend themselves');
    const found = await ctx.data.users.getMany(targets);
    const missing = targets.filter((id) => !found.has(id));
    if (missing.length > 0) throw userNotFound('targetIds', missing);
    return targets;
  }

  #publishRequest(ctx: AppContext, request: FriendRequest, answered: boolean, audience: readonly string[]): void {
    this.events.publish('friend-request', { appId: ctx.app.appId, request, answered, audience, origin: ctx.origin });
  }

  /** Tells both sides of each new friendship, each with the other as their friend. */
  async #publishFriendships(ctx: AppContext, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (pairs.length === 0) return;
    const users = await ctx.data.users.getMany([...new Set(pairs.flat())]);
    const sides = [];
    for (const [one, other] of pairs) {
      for (const [userId, friendId] of [
        [one, other],
        [other, one],
      ] as const) {
        const record = await ctx.data.friends.getFriend(userId, friendId);
        if (record) sides.push({ userId, friend: toFriend(record, users) });
      }
    }
    this.events.publish('friends-added', { appId: ctx.app.appId, sides, origin: ctx.origin });
  }
}

function tooManyFriends(userId: string, count: number, field: string): AppError {
  return new AppError(ErrorCode.QUOTA_EXCEEDED, `${field}: user ${userId} has ${count} friends; at most ${MAX_FRIENDS_PER_USER} are allowed`);
}
