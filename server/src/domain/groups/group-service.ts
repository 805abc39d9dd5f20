import {
  ErrorCode,
  GroupEventKind,
  GroupJoinPolicy,
  GroupRole,
  type CreateGroupRequest,
  type Group,
  type GroupMember,
  type GroupMembersChangeResult,
} from '@parley/sdk/protocol';
import { DuplicateKeyError, type MemberPage } from '../../store/ports.js';
import type { GroupRecord, MemberRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { AppError, conflict, forbidden, invalidParams } from '../errors.js';
import { groupConversationId } from '../messages/conversation-id.js';
import { requireUsers } from '../users/user-service.js';
import type { GroupEventFacts } from './group-event-text.js';
import { openGroupSessions } from './group-events.js';
import { requireOperator, requireOutranks, type Operator } from './group-roles.js';
import { activeMute, newMember, toGroup, toGroupMember } from './group-views.js';
import { groupNotFound, notAMember, type GroupWriter } from './group-writes.js';
import { nextOwner } from './ownership.js';

/** Groups: creation, membership, leaving with ownership hand-over, dismissal, and who may send. */
export class GroupService {
  constructor(
    private readonly clock: Clock,
    private readonly writer: GroupWriter,
  ) {}

  async create(ctx: AppContext, input: CreateGroupRequest): Promise<Group> {
    const ownerId = input.ownerId ?? input.userIds[0];
    if (ownerId === undefined) throw invalidParams('userIds', 'must name at least one user');
    const memberIds = unique([ownerId, ...input.userIds]);
    this.#checkSize(ctx, memberIds.length, 'userIds');
    await requireUsers(ctx, memberIds, input.ownerId === undefined ? 'userIds' : 'userIds/ownerId');
    const groups = await ctx.data.groups.count();
    if (groups >= ctx.app.settings.maxGroups) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `app ${ctx.app.appId} has ${groups} groups, its limit (maxGroups); dismiss some or raise it in the console`);
    }

    const now = this.clock.now();
    const members = memberIds.map((userId, joinIndex) => newMember(userId, userId === ownerId ? GroupRole.OWNER : GroupRole.MEMBER, now, joinIndex));
    const group: GroupRecord = {
      groupId: input.groupId,
      name: input.name,
      avatarUri: input.avatarUri ?? '',
      ownerId,
      description: input.description ?? '',
      announcement: '',
      announcementBy: null,
      announcementAt: null,
      announcementSeq: null,
      pendingEvents: [],
      mutedAll: false,
      joinPolicy: input.joinPolicy ?? GroupJoinPolicy.INVITE,
      memberCount: members.length,
      joinCount: members.length,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await ctx.data.groups.insert(group, members);
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw conflict(`groupId: group ${input.groupId} already exists`);
      throw error;
    }
    // A group dismissed under this id left its conversation for its former members: a new group
    // starts afresh, so its members never read the earlier one's history. (Only then is there a
    // conversation already: one read, not two deletes, for every other group created.)
    const conversationId = groupConversationId(group.groupId);
    if (await ctx.data.conversations.get(conversationId)) {
      await ctx.data.sessions.deleteForConversation(conversationId);
      await ctx.data.conversations.delete(conversationId);
    }
    await openGroupSessions(ctx, this.clock, group.groupId, memberIds, 0);
    return toGroup(group);
  }

  /**
   * Adds users; those already in the group are skipped. A `joined` event goes to every member;
   * new members start with everything before it read (they were not there for it). `answering`
   * is the join request this join approves, if any.
   */
  async join(ctx: AppContext, groupId: string, userIds: readonly string[], operator: Operator = null, answering: string | null = null): Promise<GroupMembersChangeResult> {
    // A missing group is reported before missing users.
    const loaded = await this.require(ctx, groupId);
    const candidates = unique(userIds);
    await requireUsers(ctx, candidates, 'userIds');
    let added: string[] = [];
    const { group } = await this.writer.write(ctx, loaded, async (current) => {
      const present = await ctx.data.groups.getMembers(groupId, candidates);
      added = candidates.filter((userId) => !present.has(userId));
      if (added.length === 0) return null;
      if (current.memberCount + added.length > ctx.app.settings.maxGroupMembers) {
        throw conflict(
          `group ${groupId} has ${current.memberCount} members; adding ${added.length} would pass the limit of ${ctx.app.settings.maxGroupMembers}`,
        );
      }
      const now = this.clock.now();
      const joined = added.map((userId, i) => newMember(userId, GroupRole.MEMBER, now, current.joinCount + i));
      return {
        next: { ...current, memberCount: current.memberCount + joined.length, joinCount: current.joinCount + joined.length },
        change: { add: joined },
        events: [{ facts: { event: GroupEventKind.JOINED, operatorId: operator, userIds: added, ...(answering === null ? {} : { requestId: answering }) }, answering }],
      };
    });
    return changeResult(group, added);
  }

  /**
   * Removes users as the app (the tenant's backend): anyone, non-members skipped. When the owner
   * leaves, the earliest admin (else the earliest member) becomes owner; when nobody is left, the
   * group is dismissed.
   */
  async remove(ctx: AppContext, groupId: string, userIds: readonly string[]): Promise<GroupMembersChangeResult> {
    return this.#removeUsers(ctx, await this.require(ctx, groupId), unique(userIds), null, GroupEventKind.REMOVED);
  }

  /** Removes members as `operatorId`: the owner removes anyone else, an admin ordinary members. */
  async removeMembers(ctx: AppContext, groupId: string, operatorId: string, userIds: readonly string[]): Promise<GroupMembersChangeResult> {
    const group = await this.require(ctx, groupId);
    if (userIds.includes(operatorId)) throw forbidden(`userIds: ${operatorId} cannot remove themselves; leave the group instead`);
    const operator = await requireOperator(ctx, groupId, operatorId, [GroupRole.OWNER, GroupRole.ADMIN], 'remove members');
    return this.#removeUsers(ctx, group, unique(userIds), operator, GroupEventKind.REMOVED);
  }

  /** `userId` leaves; an owner who leaves hands the group over, the last member dismisses it. */
  async leave(ctx: AppContext, groupId: string, userId: string): Promise<GroupMembersChangeResult> {
    return this.#removeUsers(ctx, await this.requireMember(ctx, groupId, userId, 'groupId'), [userId], null, GroupEventKind.LEFT);
  }

  /**
   * Removes `userIds` from `before` (the group as just read). Those who go keep the conversation
   * up to the event that says so, and nothing after it.
   */
  async #removeUsers(
    ctx: AppContext,
    before: GroupRecord,
    userIds: readonly string[],
    operator: MemberRecord | null,
    kind: typeof GroupEventKind.REMOVED | typeof GroupEventKind.LEFT,
  ): Promise<GroupMembersChangeResult> {
    let removed: string[] = [];
    const { groupId } = before;
    const written = await this.writer.write(ctx, before, async (current) => {
      const leaving = await ctx.data.groups.getMembers(groupId, userIds);
      for (const member of leaving.values()) requireOutranks(operator, member, 'remove');
      removed = [...leaving.keys()];
      if (removed.length === 0) return null;
      const operatorId = kind === GroupEventKind.LEFT ? removed[0]! : (operator?.userId ?? null);
      const went: GroupEventFacts = { event: kind, operatorId, userIds: removed };
      const ownerId = await nextOwner(ctx.data.groups, current, removed);
      // The last members leave (or are removed): their history says so and ends there, with the group.
      if (ownerId === null) return { next: current, events: [{ facts: went, endsGroup: true }] };
      const heir = ownerId === current.ownerId ? [] : [...(await ctx.data.groups.getMembers(groupId, [ownerId])).values()];
      const handedOver: GroupEventFacts = { event: GroupEventKind.OWNER_CHANGED, operatorId: null, userIds: [], ownerId, previousOwnerId: current.ownerId };
      return {
        next: { ...current, ownerId, memberCount: current.memberCount - removed.length },
        change: { remove: removed, update: heir.map((member) => ({ ...member, role: GroupRole.OWNER })) },
        events: [{ facts: went }, ...(heir.length > 0 ? [{ facts: handedOver }] : [])],
      };
    });
    if (written.dismissed) return { groupId, changed: removed, memberCount: 0, ownerId: null, dismissed: true };
    return changeResult(written.group, removed);
  }

  /**
   * Deletes the group and its join requests; every member's devices get a `dismissed` event. As
   * `operatorId`, only the owner may. The conversation stays for its former members, ended at
   * that event: a device that was offline finds the group dismissed, and its history up to then.
   * It goes when a group is created again under the same id.
   */
  async dismiss(ctx: AppContext, groupId: string, operator: Operator = null): Promise<void> {
    const loaded = await this.require(ctx, groupId);
    await requireOperator(ctx, groupId, operator, [GroupRole.OWNER], 'dismiss the group');
    await this.writer.write(ctx, loaded, async (current) => ({ next: current, events: [{ facts: { event: GroupEventKind.DISMISSED, operatorId: operator, userIds: [] } }] }));
  }

  /** The group; with `viewer`, only when they are a member. */
  async info(ctx: AppContext, groupId: string, viewer?: string): Promise<Group> {
    return toGroup(viewer === undefined ? await this.require(ctx, groupId) : await this.requireMember(ctx, groupId, viewer, 'groupId'));
  }

  /** Members in join order, with name, avatar, role, nickname and mute; a slice with `page`; with `viewer`, only for a member. */
  async members(ctx: AppContext, groupId: string, page?: MemberPage, viewer?: string): Promise<GroupMember[]> {
    if (viewer === undefined) await this.require(ctx, groupId);
    else await this.requireMember(ctx, groupId, viewer, 'groupId');
    const members = await ctx.data.groups.listMembers(groupId, page);
    const users = await ctx.data.users.getMany(members.map((member) => member.userId));
    const now = this.clock.now();
    return members.map((member) => toGroupMember(member, users.get(member.userId), now));
  }

  /** Every member's id (the recipients of what is delivered to the group). */
  async memberIds(ctx: AppContext, groupId: string): Promise<string[]> {
    return (await ctx.data.groups.listMembers(groupId)).map((member) => member.userId);
  }

  /** The group, its waiting events stored first (see {@link GroupWriter}). */
  async require(ctx: AppContext, groupId: string): Promise<GroupRecord> {
    const group = await ctx.data.groups.get(groupId);
    if (!group) throw groupNotFound(groupId);
    if (group.pendingEvents.length === 0) return group;
    const settled = await this.writer.settle(ctx, group);
    if (settled.dismissed) throw groupNotFound(groupId);
    return settled.group;
  }

  /**
   * The group, when `userId` is one of its members: the one membership rule behind history,
   * typing and recall. FORBIDDEN names `field`, the caller's field that makes it wrong.
   */
  async requireMember(ctx: AppContext, groupId: string, userId: string, field: string): Promise<GroupRecord> {
    const group = await this.require(ctx, groupId);
    if (!(await ctx.data.groups.getMembers(groupId, [userId])).has(userId)) throw notAMember(field, userId, groupId);
    return group;
  }

  /**
   * The same rule for what is delivered to every member (a typing signal): the group and every
   * member's id, read once, the membership checked in them.
   */
  async requireMemberWithAll(ctx: AppContext, groupId: string, userId: string, field: string): Promise<{ group: GroupRecord; memberIds: string[] }> {
    const group = await this.require(ctx, groupId);
    const memberIds = await this.memberIds(ctx, groupId);
    if (!memberIds.includes(userId)) throw notAMember(field, userId, groupId);
    return { group, memberIds };
  }

  /**
   * What a send to the group needs, when `userId` may send there now: the group, every member's
   * id and the sender's member record. A muted member (until their mute ends), or an ordinary
   * member while the whole group is muted, gets MUTED and nothing is stored.
   */
  async requireSender(ctx: AppContext, groupId: string, userId: string): Promise<{ group: GroupRecord; memberIds: string[]; sender: MemberRecord }> {
    const group = await this.require(ctx, groupId);
    const sender = (await ctx.data.groups.getMembers(groupId, [userId])).get(userId);
    if (!sender) throw notAMember('senderUserId', userId, groupId);
    const mutedUntil = activeMute(sender, this.clock.now());
    if (mutedUntil !== null) {
      throw new AppError(ErrorCode.MUTED, `senderUserId: ${userId} is muted in group ${groupId} until ${new Date(mutedUntil).toISOString()}`, { mutedUntil });
    }
    if (group.mutedAll && sender.role === GroupRole.MEMBER) {
      throw new AppError(ErrorCode.MUTED, `senderUserId: group ${groupId} is muted: only its owner and admins may send`);
    }
    return { group, memberIds: await this.memberIds(ctx, groupId), sender };
  }

  #checkSize(ctx: AppContext, size: number, field: string): void {
    const max = ctx.app.settings.maxGroupMembers;
    if (size > max) throw conflict(`${field}: a group can have at most ${max} members, this one would have ${size}`);
  }

}

/** The answer to a change of several members. */
export function changeResult(group: GroupRecord, changed: string[]): GroupMembersChangeResult {
  return { groupId: group.groupId, changed, memberCount: group.memberCount, ownerId: group.ownerId, dismissed: false };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
