import {
  ConversationType,
  ErrorCode,
  GroupRole,
  type CreateGroupRequest,
  type Group,
  type GroupMember,
  type GroupMembersChangeResult,
} from '@parley/sdk/protocol';
import { DuplicateKeyError, type MemberPage, type MembershipChange } from '../../store/ports.js';
import type { GroupRecord, MemberRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { AppError, conflict, forbidden, invalidParams, notFound } from '../errors.js';
import { newObjectId } from '../ids.js';
import { groupConversationId } from '../messages/conversation-id.js';
import { userNotFound } from '../users/user-service.js';
import { sendUserOf } from '../views.js';
import { nextOwner } from './ownership.js';

/** Compare-and-set attempts before giving up on a group that keeps changing underneath us. */
const MAX_WRITE_ATTEMPTS = 20;

/** Groups: creation, membership, ownership hand-over and dismissal. */
export class GroupService {
  constructor(private readonly clock: Clock) {}

  async create(ctx: AppContext, input: CreateGroupRequest): Promise<Group> {
    const ownerId = input.ownerId ?? input.userIds[0];
    if (ownerId === undefined) throw invalidParams('userIds', 'must name at least one user');
    const memberIds = unique([ownerId, ...input.userIds]);
    this.#checkSize(ctx, memberIds.length, 'userIds');
    await this.#requireUsers(ctx, memberIds, input.ownerId === undefined ? 'userIds' : 'userIds/ownerId');
    const groups = await ctx.data.groups.count();
    if (groups >= ctx.app.settings.maxGroups) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `app ${ctx.app.appId} has ${groups} groups, its limit (maxGroups); dismiss some or raise it in the console`);
    }

    const now = this.clock.now();
    const members: MemberRecord[] = memberIds.map((userId, joinIndex) => ({
      userId,
      role: userId === ownerId ? GroupRole.OWNER : GroupRole.MEMBER,
      joinedAt: now,
      joinIndex,
    }));
    const group: GroupRecord = {
      groupId: input.groupId,
      name: input.name,
      avatarUri: input.avatarUri ?? '',
      ownerId,
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
    await this.#openSessions(ctx, group.groupId, memberIds, 0);
    return toGroup(group);
  }

  /** Adds users; those already in the group are skipped. */
  async join(ctx: AppContext, groupId: string, userIds: readonly string[]): Promise<GroupMembersChangeResult> {
    // A missing group is reported before missing users.
    const loaded = await this.require(ctx, groupId);
    const candidates = unique(userIds);
    await this.#requireUsers(ctx, candidates, 'userIds');
    let added: string[] = [];
    const group = await this.#mutate(ctx, loaded, async (current) => {
      const present = await ctx.data.groups.getMembers(groupId, candidates);
      added = candidates.filter((userId) => !present.has(userId));
      if (added.length === 0) return null;
      if (current.memberCount + added.length > ctx.app.settings.maxGroupMembers) {
        throw conflict(
          `group ${groupId} has ${current.memberCount} members; adding ${added.length} would pass the limit of ${ctx.app.settings.maxGroupMembers}`,
        );
      }
      const now = this.clock.now();
      const joined: MemberRecord[] = added.map((userId, i) => ({ userId, role: GroupRole.MEMBER, joinedAt: now, joinIndex: current.joinCount + i }));
      return {
        next: { ...current, memberCount: current.memberCount + joined.length, joinCount: current.joinCount + joined.length },
        change: { add: joined },
      };
    });
    // New members start with everything so far read: they were not there for it.
    const conversation = await ctx.data.conversations.get(groupConversationId(groupId));
    await this.#openSessions(ctx, groupId, added, conversation?.lastSeq ?? 0);
    return { groupId, changed: added, memberCount: group.memberCount, ownerId: group.ownerId, dismissed: false };
  }

  /**
   * Removes users; non-members are skipped. When the owner leaves, the earliest admin (else the
   * earliest member) becomes owner; when nobody is left, the group is dismissed.
   */
  async remove(ctx: AppContext, groupId: string, userIds: readonly string[]): Promise<GroupMembersChangeResult> {
    let removed: string[] = [];
    let emptied = false;
    const group = await this.#mutate(ctx, await this.require(ctx, groupId), async (current) => {
      const leaving = await ctx.data.groups.getMembers(groupId, unique(userIds));
      removed = [...leaving.keys()];
      if (removed.length === 0) return null;
      const ownerId = await nextOwner(ctx.data.groups, current, removed);
      if (ownerId === null) {
        emptied = true;
        return null;
      }
      return {
        next: { ...current, ownerId, memberCount: current.memberCount - removed.length },
        change: { remove: removed, roles: ownerId === current.ownerId ? [] : [{ userId: ownerId, role: GroupRole.OWNER }] },
      };
    });
    if (emptied) {
      await this.dismiss(ctx, groupId);
      return { groupId, changed: removed, memberCount: 0, ownerId: null, dismissed: true };
    }
    await ctx.data.sessions.deleteForConversation(groupConversationId(groupId), removed);
    return { groupId, changed: removed, memberCount: group.memberCount, ownerId: group.ownerId, dismissed: false };
  }

  /** Deletes the group, its members' sessions and its history. */
  async dismiss(ctx: AppContext, groupId: string): Promise<void> {
    // The group goes first: from then on sends to it fail, so nothing lands in history we delete.
    if (!(await ctx.data.groups.delete(groupId))) throw groupNotFound(groupId);
    const conversationId = groupConversationId(groupId);
    await ctx.data.sessions.deleteForConversation(conversationId);
    await ctx.data.conversations.delete(conversationId);
  }

  async info(ctx: AppContext, groupId: string): Promise<Group> {
    return toGroup(await this.require(ctx, groupId));
  }

  /** Members in join order, with name, avatar and role; a slice of them with `page`. */
  async members(ctx: AppContext, groupId: string, page?: MemberPage): Promise<GroupMember[]> {
    await this.require(ctx, groupId);
    const members = await ctx.data.groups.listMembers(groupId, page);
    const users = await ctx.data.users.getMany(members.map((member) => member.userId));
    return members.map((member) => ({
      userId: member.userId,
      ...sendUserOf(users.get(member.userId), member.userId),
      role: member.role,
      joinedAt: member.joinedAt,
    }));
  }

  async require(ctx: AppContext, groupId: string): Promise<GroupRecord> {
    const group = await ctx.data.groups.get(groupId);
    if (!group) throw groupNotFound(groupId);
    return group;
  }

  /**
   * The group, when `userId` is one of its members: the one membership rule behind sending,
   * history, typing and recall. FORBIDDEN names `field`, the caller's field that makes it wrong.
   */
  async requireMember(ctx: AppContext, groupId: string, userId: string, field: string): Promise<GroupRecord> {
    const group = await this.require(ctx, groupId);
    if (!(await ctx.data.groups.getMembers(groupId, [userId])).has(userId)) throw notAMember(field, userId, groupId);
    return group;
  }

  /**
   * The same rule for what is delivered to every member (a message, a typing signal): the group
   * and every member's id, read once, the membership checked in them.
   */
  async requireMemberWithAll(ctx: AppContext, groupId: string, userId: string, field: string): Promise<{ group: GroupRecord; memberIds: string[] }> {
    const group = await this.require(ctx, groupId);
    const memberIds = (await ctx.data.groups.listMembers(groupId)).map((member) => member.userId);
    if (!memberIds.includes(userId)) throw notAMember(field, userId, groupId);
    return { group, memberIds };
  }

  /**
   * Applies `decide`'s change to `loaded` with compare-and-set, reloading and deciding again when
   * another writer got in first. `decide` returns the next state and what it does to the members,
   * or null to write nothing.
   */
  async #mutate(
    ctx: AppContext,
    loaded: GroupRecord,
    decide: (current: GroupRecord) => Promise<{ next: GroupRecord; change: MembershipChange } | null>,
  ): Promise<GroupRecord> {
    let current = loaded;
    for (let attempt = 1; ; attempt++) {
      const decided = await decide(current);
      if (decided === null) return current;
      const written: GroupRecord = { ...decided.next, version: current.version + 1, updatedAt: this.clock.now() };
      if (await ctx.data.groups.replace(written, current.version, decided.change)) return written;
      if (attempt === MAX_WRITE_ATTEMPTS) throw conflict(`group ${loaded.groupId} is changing too fast; try again`);
      current = await this.require(ctx, loaded.groupId);
    }
  }

  #checkSize(ctx: AppContext, size: number, field: string): void {
    const max = ctx.app.settings.maxGroupMembers;
    if (size > max) throw conflict(`${field}: a group can have at most ${max} members, this one would have ${size}`);
  }

  async #requireUsers(ctx: AppContext, userIds: readonly string[], field: string): Promise<void> {
    const found = await ctx.data.users.getMany(userIds);
    const missing = userIds.filter((userId) => !found.has(userId));
    if (missing.length > 0) throw userNotFound(field, missing);
  }

  async #openSessions(ctx: AppContext, groupId: string, userIds: readonly string[], readSeq: number): Promise<void> {
    const now = this.clock.now();
    for (const userId of userIds) {
      await ctx.data.sessions.ensure({
        sid: newObjectId(),
        userId,
        conversationId: groupConversationId(groupId),
        conversationType: ConversationType.GROUP,
        targetId: groupId,
        initialReadSeq: readSeq,
        createdAt: now,
      });
    }
  }
}

function toGroup(group: GroupRecord): Group {
  return {
    groupId: group.groupId,
    name: group.name,
    avatarUri: group.avatarUri,
    ownerId: group.ownerId,
    memberCount: group.memberCount,
    createdAt: group.createdAt,
  };
}

function notAMember(field: string, userId: string, groupId: string): AppError {
  return forbidden(`${field}: user ${userId} is not a member of group ${groupId}`);
}

function groupNotFound(groupId: string): AppError {
  return notFound(`group ${groupId} does not exist`);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
