import { ErrorCode, GroupJoinPolicy, GroupRole, Limits, type InviteResult, type JoinGroupResult, type JoinRequest } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import { DuplicateKeyError } from '../../store/ports.js';
import type { JoinRequestRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { newObjectId, isObjectId } from '../ids.js';
import { requireUsers } from '../users/user-service.js';
import { userOf } from '../views.js';
import { manages, requireOperator, type Operator } from './group-roles.js';
import type { GroupService } from './group-service.js';
import { notAMember } from './group-writes.js';
import { MAX_PENDING_JOIN_REQUESTS } from './group-limits.js';

export { MAX_PENDING_JOIN_REQUESTS };

/** Largest page of `group-join-requests`, and most of a user's own requests listed. */
export const JOIN_REQUEST_LIST_MAX = Limits.JOIN_REQUEST_PAGE_MAX;

const MANAGERS = [GroupRole.OWNER, GroupRole.ADMIN] as const;

/**
 * How people get into a group, by its join policy: `free` (anyone joins; members invite),
 * `approval` (asking, and an ordinary member's invitation, make a request the owner or an admin
 * decides), `invite` (members invite; nobody asks).
 */
export class GroupJoining {
  constructor(
    private readonly clock: Clock,
    private readonly groups: GroupService,
    private readonly events: EventPublisher,
  ) {}

  /** `userId` asks to join: added at once to a `free` group, a pending request to an `approval` one. */
  async ask(ctx: AppContext, groupId: string, userId: string, message: string): Promise<JoinGroupResult> {
    const group = await this.groups.require(ctx, groupId);
    if ((await ctx.data.groups.getMembers(groupId, [userId])).has(userId)) return { groupId, joined: true, request: null };
    if (group.joinPolicy === GroupJoinPolicy.INVITE) throw forbidden(`groupId: group ${groupId} takes members by invitation only`);
    if (group.joinPolicy === GroupJoinPolicy.FREE) {
      await this.groups.join(ctx, groupId, [userId], userId);
      return { groupId, joined: true, request: null };
    }
    const [request] = await this.#requests(ctx, groupId, [userId], null, message);
    return { groupId, joined: false, request: request ?? null };
  }

  /**
   * Member `inviterId` invites users: added at once, unless the group needs approval and the
   * inviter is an ordinary member, when each invitation is a request for the owner and admins.
   */
  async invite(ctx: AppContext, groupId: string, inviterId: string, userIds: readonly string[], blame = 'groupId'): Promise<InviteResult> {
    const group = await this.groups.require(ctx, groupId);
    const inviter = (await ctx.data.groups.getMembers(groupId, [inviterId])).get(inviterId);
    if (!inviter) throw notAMember(blame, inviterId, groupId);
    const candidates = [...new Set(userIds)];
    await requireUsers(ctx, candidates, 'userIds');
    const present = await ctx.data.groups.getMembers(groupId, candidates);
    const outside = candidates.filter((userId) => !present.has(userId));
    if (group.joinPolicy === GroupJoinPolicy.APPROVAL && !manages(inviter.role)) {
      const requests = await this.#requests(ctx, groupId, outside, inviterId, '');
      return { groupId, added: [], requested: requests.map((request) => request.user.userId), memberCount: group.memberCount };
    }
    const joined = await this.groups.join(ctx, groupId, outside, inviterId);
    return { groupId, added: joined.changed, requested: [], memberCount: joined.memberCount };
  }

  /** A page of the group's pending requests, oldest first: for its owner and admins (and the app). */
  async pending(ctx: AppContext, groupId: string, operator: Operator, page: { offset?: number; limit?: number } = {}): Promise<JoinRequest[]> {
    await this.groups.require(ctx, groupId);
    await requireOperator(ctx, groupId, operator, MANAGERS, 'see join requests');
    return this.#views(ctx, await ctx.data.joinRequests.listPending(groupId, Math.min(page.limit ?? JOIN_REQUEST_LIST_MAX, JOIN_REQUEST_LIST_MAX), page.offset ?? 0));
  }

  /**
   * `userId`'s own pending requests, oldest first: those they made and invitations of them that
   * wait for approval, so a device that was offline shows what is still undecided.
   */
  async mine(ctx: AppContext, userId: string): Promise<JoinRequest[]> {
    await requireUsers(ctx, [userId], 'userId');
    return this.#views(ctx, await ctx.data.joinRequests.listPendingOfUser(userId, JOIN_REQUEST_LIST_MAX));
  }

  /**
   * The owner or an admin (or the app) decides a request. Approving adds the user (a `joined`
   * event naming the approver) before the request is marked approved, so a full group leaves it
   * pending. Deciding a request already decided the same way answers it again.
   */
  async answer(ctx: AppContext, requestId: string, approve: boolean, operator: Operator): Promise<JoinRequest> {
    const request = isObjectId(requestId) ? await ctx.data.joinRequests.get(requestId.toLowerCase()) : null;
    if (!request) throw requestNotFound(requestId);
    // A request of a group the operator is not in is reported as missing, not as forbidden.
    const member = operator === null ? null : (await ctx.data.groups.getMembers(request.groupId, [operator])).get(operator);
    if (member === undefined) throw requestNotFound(requestId);
    if (member !== null && !manages(member.role)) throw forbidden(`only the owner and admins may answer join requests; ${operator} is a member`);
    const status = approve ? 'approved' : 'rejected';
    if (request.status !== 'pending') {
      if (request.status === status) return (await this.#views(ctx, [request]))[0]!;
      throw conflict(`requestId: request ${requestId} was ${request.status} already`);
    }
    if (approve) await this.groups.join(ctx, request.groupId, [request.userId], operator, request.requestId);
    const decided = await ctx.data.joinRequests.decide(request.requestId, { status, decidedBy: operator, decidedAt: this.clock.now() });
    // Someone else decided it meanwhile: answer it as it now stands.
    const current = decided ?? (await ctx.data.joinRequests.get(request.requestId))!;
    const [view] = await this.#views(ctx, [current]);
    if (decided) {
      const audience = [request.userId, ...(request.inviterId ? [request.inviterId] : []), ...(await this.#managerIds(ctx, request.groupId))];
      this.events.publish('group-join-request', { appId: ctx.app.appId, request: view!, answered: true, audience, origin: ctx.origin });
    }
    if (current.status !== status) throw conflict(`requestId: request ${requestId} was ${current.status} already`);
    return view!;
  }

  /** Pending requests for `userIds` (the pending one of those who have one), pushed to the owner and admins. */
  async #requests(ctx: AppContext, groupId: string, userIds: readonly string[], inviterId: string | null, message: string): Promise<JoinRequest[]> {
    if (userIds.length === 0) return [];
    const waiting = await ctx.data.joinRequests.listPending(groupId, MAX_PENDING_JOIN_REQUESTS);
    const records: JoinRequestRecord[] = [];
    const created: JoinRequestRecord[] = [];
    for (const userId of userIds) {
      const existing = waiting.find((request) => request.userId === userId);
      if (existing) {
        records.push(existing);
        continue;
      }
      if (waiting.length + created.length >= MAX_PENDING_JOIN_REQUESTS) {
        throw new AppError(ErrorCode.QUOTA_EXCEEDED, `group ${groupId} has ${MAX_PENDING_JOIN_REQUESTS} join requests waiting; answer some first`);
      }
      const record: JoinRequestRecord = {
        requestId: newObjectId(),
        groupId,
        userId,
        inviterId,
        message,
        status: 'pending',
        createdAt: this.clock.now(),
        decidedBy: null,
        decidedAt: null,
      };
      try {
        await ctx.data.joinRequests.insert(record);
        created.push(record);
        records.push(record);
      } catch (error) {
        // The same user asked at the same moment from elsewhere: theirs is the request.
        if (!(error instanceof DuplicateKeyError)) throw error;
        const raced = await ctx.data.joinRequests.pendingOf(groupId, userId);
        if (raced) records.push(raced);
      }
    }
    const views = await this.#views(ctx, records);
    if (created.length > 0) {
      const audience = [...(inviterId ? [inviterId] : []), ...(await this.#managerIds(ctx, groupId))];
      for (const view of views.filter((v) => created.some((record) => record.requestId === v.requestId))) {
        this.events.publish('group-join-request', { appId: ctx.app.appId, request: view, answered: false, audience, origin: ctx.origin });
      }
    }
    return views;
  }

  async #managerIds(ctx: AppContext, groupId: string): Promise<string[]> {
    return (await ctx.data.groups.listMembers(groupId)).filter((member) => manages(member.role)).map((member) => member.userId);
  }

  async #views(ctx: AppContext, records: readonly JoinRequestRecord[]): Promise<JoinRequest[]> {
    const users = await ctx.data.users.getMany([...new Set(records.flatMap((r) => [r.userId, ...(r.inviterId ? [r.inviterId] : [])]))]);
    return records.map((record) => ({
      requestId: record.requestId,
      groupId: record.groupId,
      user: userOf(users, record.userId),
      inviter: record.inviterId === null ? null : userOf(users, record.inviterId),
      message: record.message,
      status: record.status,
      createdAt: record.createdAt,
      decidedBy: record.decidedBy,
      decidedAt: record.decidedAt,
    }));
  }
}

function requestNotFound(requestId: string): AppError {
  return notFound(`requestId: no join request ${requestId} to a group you run`);
}
