import {
  ConversationType,
  ErrorCode,
  GroupRole,
  type CreateGroupRequest,
  type Group,
  type GroupMember,
  type GroupMembersChangeResult,
} from '@parley/sdk/protocol';
import { DuplicateKeyError } from '../../store/ports.js';
import type { GroupRecord, MemberRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { AppError, conflict, forbidden, invalidParams, notFound } from '../errors.js';
import { newObjectId } from '../ids.js';
import { groupConversationId } from '../messages/conversation-id.js';
import { userNotFound } from '../users/user-service.js';
import { sendUserOf } from '../views.js';
import { nextOwner, withOwner } from './ownership.js';

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
    const group: GroupRecord = {
      groupId: input.groupId,
      name: input.name,
      avatarUri: input.avatarUri ?? '',
      ownerId,
      members: withOwner(
        memberIds.map((userId) => ({ userId, role: GroupRole.MEMBER, joinedAt: now })),
        ownerId,
      ),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await ctx.data.groups.insert(group);
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
    await this.#requireUsers(ctx, unique(userIds), 'userIds');
    let added: string[] = [];
    const group = await this.#mutate(ctx, loaded, (current) => {
      const present = new Set(current.members.map((member) => member.userId));
      added = unique(userIds).filter((userId) => !present.has(userId));
      if (added.length === 0) return null;
      if (current.members.length + added.length > ctx.app.settings.maxGroupMembers) {
        throw conflict(
          `group ${groupId} has ${current.members.length} members; adding ${added.length} would pass the limit of ${ctx.app.settings.maxGroupMembers}`,
        );
      }
      const now = this.clock.now();
      const joined: MemberRecord[] = added.map((userId) => ({ userId, role: GroupRole.MEMBER, joinedAt: now }));
      return { ...current, members: [...current.members, ...joined] };
    });
    // New members start with everything so far read: they were not there for it.
    const conversation = await ctx.data.conversations.get(groupConversationId(groupId));
    await this.#openSessions(ctx, groupId, added, conversation?.lastSeq ?? 0);
    return { groupId, changed: added, memberCount: group.members.length, ownerId: group.ownerId, dismissed: false };
  }

  /**
   * Removes users; non-members are skipped. When the owner leaves, the earliest admin (else the
   * earliest member) becomes owner; when nobody is left, the group is dismissed.
   */
  async remove(ctx: AppContext, groupId: string, userIds: readonly string[]): Promise<GroupMembersChangeResult> {
    let removed: string[] = [];
    let emptied = false;
    const group = await this.#mutate(ctx, await this.require(ctx, groupId), (current) => {
      const leaving = new Set(userIds);
      const remaining = current.members.filter((member) => !leaving.has(member.userId));
      removed = current.members.filter((member) => leaving.has(member.userId)).map((member) => member.userId);
      if (removed.length === 0) return null;
      const ownerId = nextOwner(current.ownerId, remaining);
      if (ownerId === null) {
        emptied = true;
        return null;
      }
      return { ...current, ownerId, members: withOwner(remaining, ownerId) };
    });
    if (emptied) {
      await this.dismiss(ctx, groupId);
      return { groupId, changed: removed, memberCount: 0, ownerId: null, dismissed: true };
    }
    await ctx.data.sessions.deleteForConversation(groupConversationId(groupId), removed);
    return { groupId, changed: removed, memberCount: group.members.length, ownerId: group.ownerId, dismissed: false };
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

  /** Members in join order, with name, avatar and role. */
  async members(ctx: AppContext, groupId: string): Promise<GroupMember[]> {
    const group = await this.require(ctx, groupId);
    const users = await ctx.data.users.getMany(group.members.map((member) => member.userId));
    return group.members.map((member) => {
      return {
        userId: member.userId,
        ...sendUserOf(users.get(member.userId), member.userId),
        role: member.role,
        joinedAt: member.joinedAt,
      };
    });
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
    if (!isMember(group, userId)) throw forbidden(`${field}: user ${userId} is not a member of group ${group.groupId}`);
    return group;
  }

  /**
   * Applies `change` to `loaded` with compare-and-set, reloading and re-deciding when another
   * writer got in first. `change` returns the next state, or null to write nothing.
   */
  async #mutate(
    ctx: AppContext,
    loaded: GroupRecord,
    change: (current: GroupRecord) => GroupRecord | null,
  ): Promise<GroupRecord> {
    let current = loaded;
    for (let attempt = 1; ; attempt++) {
      const next = change(current);
      if (next === null) return current;
      const written: GroupRecord = { ...next, version: current.version + 1, updatedAt: this.clock.now() };
      if (await ctx.data.groups.replace(written, current.version)) return written;
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
    memberCount: group.members.length,
    createdAt: group.createdAt,
  };
}

/** Whether `userId` is a member of `group`. */
export function isMember(group: GroupRecord, userId: string): boolean {
  return group.members.some((member) => member.userId === userId);
}

function groupNotFound(groupId: string): AppError {
  return notFound(`group ${groupId} does not exist`);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
