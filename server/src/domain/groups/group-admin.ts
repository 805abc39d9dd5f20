import { GroupEventKind, GroupRole, type Group, type GroupMember, type GroupMembersChangeResult, type UpdateGroupPayload } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { GroupRecord, MemberRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { forbidden } from '../errors.js';
import type { GroupEventFacts } from './group-event-text.js';
import { requireOperator, requireOutranks, type Operator } from './group-roles.js';
import { changeResult, type GroupService } from './group-service.js';
import { activeMute, toGroup, toGroupMember } from './group-views.js';
import { notAMember, type GroupWriter } from './group-writes.js';
import { groupConversationId } from '../messages/conversation-id.js';
import type { SessionService } from '../sessions/session-service.js';
import type { EventPublisher } from '../events.js';

const MANAGERS = [GroupRole.OWNER, GroupRole.ADMIN] as const;

/** What {@link GroupAdminService.updateMember} changes; a field left out stays. */
export interface MemberChanges {
  nickname?: string;
  doNotDisturb?: boolean;
}

/**
 * Running a group: its name, avatar, description, announcement, mute-all and join policy; admins;
 * ownership; nicknames; timed mutes. Every change is one compare-and-set on the group with the
 * group events it makes, stored in its conversation right after (nicknames excepted: members are
 * told with `group-member-updated`, and the member's next message carries it).
 */
export class GroupAdminService {
  constructor(
    private readonly clock: Clock,
    private readonly groups: GroupService,
    private readonly writer: GroupWriter,
    private readonly sessions: SessionService,
    private readonly events: EventPublisher,
  ) {}

  /** Owner and admins (or the app): the fields given change; one event per kind of change that happened. */
  async update(ctx: AppContext, input: UpdateGroupPayload, operator: Operator): Promise<Group> {
    const loaded = await this.groups.require(ctx, input.groupId);
    await requireOperator(ctx, input.groupId, operator, MANAGERS, "change the group's settings");
    const { group } = await this.writer.write(ctx, loaded, async (current) => {
      const next = applyUpdate(current, input, operator, this.clock.now());
      return next === current ? null : { next, events: updateEvents(current, next, operator).map((facts) => ({ facts })) };
    });
    return toGroup(group);
  }

  /** Owner (or the app): makes members admins (`admin` true) or members again. */
  async setAdmins(ctx: AppContext, groupId: string, userIds: readonly string[], admin: boolean, operator: Operator): Promise<GroupMembersChangeResult> {
    const loaded = await this.groups.require(ctx, groupId);
    await requireOperator(ctx, groupId, operator, [GroupRole.OWNER], admin ? 'add admins' : 'remove admins');
    const role = admin ? GroupRole.ADMIN : GroupRole.MEMBER;
    let changed: string[] = [];
    const { group } = await this.writer.write(ctx, loaded, async (current) => {
      const targets = await this.#requireMembers(ctx, groupId, userIds);
      const owner = targets.find((member) => member.role === GroupRole.OWNER);
      if (owner) throw forbidden(`userIds: ${owner.userId} is the owner; transfer the group to change their role`);
      const changing = targets.filter((member) => member.role !== role);
      changed = changing.map((member) => member.userId);
      if (changed.length === 0) return null;
      return {
        next: current,
        change: { update: changing.map((member) => ({ ...member, role })) },
        events: [{ facts: { event: GroupEventKind.ROLE_CHANGED, operatorId: operator, userIds: changed, role } }],
      };
    });
    return changeResult(group, changed);
  }

  /** Owner (or the app): hands the group to another member; the old owner becomes a member. */
  async transfer(ctx: AppContext, groupId: string, ownerId: string, operator: Operator): Promise<Group> {
    const loaded = await this.groups.require(ctx, groupId);
    await requireOperator(ctx, groupId, operator, [GroupRole.OWNER], 'transfer the group');
    const { group } = await this.writer.write(ctx, loaded, async (current) => {
      if (ownerId === current.ownerId) return null;
      const members = await ctx.data.groups.getMembers(groupId, [ownerId, current.ownerId]);
      const heir = members.get(ownerId);
      if (!heir) throw notAMember('ownerId', ownerId, groupId);
      const owner = members.get(current.ownerId);
      const update = [{ ...heir, role: GroupRole.OWNER }, ...(owner ? [{ ...owner, role: GroupRole.MEMBER }] : [])];
      const handedOver: GroupEventFacts = { event: GroupEventKind.OWNER_CHANGED, operatorId: operator, userIds: [], ownerId, previousOwnerId: current.ownerId };
      return { next: { ...current, ownerId }, change: { update }, events: [{ facts: handedOver }] };
    });
    return toGroup(group);
  }

  /**
   * A member's nickname (their own, or as owner or admin, or the app, a member's below them) and
   * do-not-disturb for the group (their own, or the app). Fields left out stay as they are.
   */
  async updateMember(ctx: AppContext, groupId: string, userId: string, changes: MemberChanges, operator: Operator): Promise<GroupMember> {
    const loaded = await this.groups.require(ctx, groupId);
    if (changes.doNotDisturb !== undefined && operator !== null && operator !== userId) {
      throw forbidden(`userId: only ${userId} may turn their notifications of group ${groupId} on or off`);
    }
    const actor = operator === userId || changes.nickname === undefined ? null : await requireOperator(ctx, groupId, operator, MANAGERS, "change another member's nickname");
    let member: MemberRecord | undefined;
    let renamed = false;
    await this.writer.write(ctx, loaded, async (current) => {
      const [target] = await this.#requireMembers(ctx, groupId, [userId], 'userId');
      member = target!;
      if (changes.nickname === undefined || changes.nickname === target!.nickname) return null;
      requireOutranks(actor, target!, 'rename');
      member = { ...target!, nickname: changes.nickname };
      renamed = true;
      return { next: current, change: { update: [member] } };
    });
    if (changes.doNotDisturb !== undefined) {
      const session = await ctx.data.sessions.get(userId, groupConversationId(groupId));
      if (session) await this.sessions.setDoNotDisturbOf(ctx, session, changes.doNotDisturb);
    }
    const view = toGroupMember(member!, (await ctx.data.users.getMany([userId])).get(userId), this.clock.now());
    // Every member shows the new name at once (the member list, a typing line); no event in the
    // conversation: the next message carries it.
    if (renamed) this.events.publish('group-member-updated', { appId: ctx.app.appId, groupId, member: view, members: await this.groups.memberIds(ctx, groupId), origin: ctx.origin });
    return view;
  }

  /**
   * Owner and admins (or the app): mutes members below them for `duration` seconds, or lifts
   * their mute (0). The mute ends by itself at its time (without an event).
   */
  async mute(ctx: AppContext, groupId: string, userIds: readonly string[], duration: number, operator: Operator): Promise<GroupMembersChangeResult> {
    const loaded = await this.groups.require(ctx, groupId);
    const actor = await requireOperator(ctx, groupId, operator, MANAGERS, 'mute members');
    const now = this.clock.now();
    const mutedUntil = duration === 0 ? null : now + duration * 1000;
    let changed: string[] = [];
    const { group } = await this.writer.write(ctx, loaded, async (current) => {
      const targets = await this.#requireMembers(ctx, groupId, userIds);
      for (const target of targets) requireOutranks(actor, target, mutedUntil === null ? 'unmute' : 'mute');
      // A mute (re)starts for everyone named; lifting clears any stored mute but reports only those muted now.
      const touched = mutedUntil === null ? targets.filter((member) => member.mutedUntil !== null) : targets;
      changed = (mutedUntil === null ? touched.filter((member) => activeMute(member, now) !== null) : touched).map((member) => member.userId);
      if (touched.length === 0) return null;
      const facts: GroupEventFacts =
        mutedUntil === null
          ? { event: GroupEventKind.UNMUTED, operatorId: operator, userIds: changed }
          : { event: GroupEventKind.MUTED, operatorId: operator, userIds: changed, mutedUntil };
      // Lifting a mute that had already ended changes the record and tells nobody.
      return { next: current, change: { update: touched.map((member) => ({ ...member, mutedUntil })) }, events: changed.length > 0 ? [{ facts }] : [] };
    });
    return changeResult(group, changed);
  }

  /** The members named, in the order named; anyone who is not one is refused, naming `field`. */
  async #requireMembers(ctx: AppContext, groupId: string, userIds: readonly string[], field = 'userIds'): Promise<MemberRecord[]> {
    const unique = [...new Set(userIds)];
    const members = await ctx.data.groups.getMembers(groupId, unique);
    const missing = unique.find((userId) => !members.has(userId));
    if (missing !== undefined) throw notAMember(field, missing, groupId);
    return unique.map((userId) => members.get(userId)!);
  }
}

/** `current` with the update's fields, or `current` itself when none of them changes anything. */
function applyUpdate(current: GroupRecord, input: UpdateGroupPayload, operator: Operator, now: number): GroupRecord {
  const cleared = new Set(input.clear ?? []);
  const announcement = cleared.has('announcement') ? '' : input.announcement;
  const next: GroupRecord = {
    ...current,
    name: input.name ?? current.name,
    avatarUri: input.avatarUri ?? current.avatarUri,
    description: cleared.has('description') ? '' : (input.description ?? current.description),
    mutedAll: input.mutedAll ?? current.mutedAll,
    joinPolicy: input.joinPolicy ?? current.joinPolicy,
  };
  if (announcement !== undefined && announcement !== current.announcement) {
    // Its seq is the event's, set once the event is stored (see GroupWriter).
    Object.assign(next, { announcement, announcementBy: announcement === '' ? null : operator, announcementAt: announcement === '' ? null : now, announcementSeq: null });
  }
  const fields = ['name', 'avatarUri', 'description', 'mutedAll', 'joinPolicy', 'announcement'] as const;
  return fields.some((field) => next[field] !== current[field]) ? next : current;
}

/** The events an update makes: info, announcement and mute-all, each when it changed. */
function updateEvents(before: GroupRecord, after: GroupRecord, operator: Operator): GroupEventFacts[] {
  const events: GroupEventFacts[] = [];
  const info: Partial<GroupEventFacts> = {
    ...(after.name !== before.name ? { name: after.name } : {}),
    ...(after.avatarUri !== before.avatarUri ? { avatarUri: after.avatarUri } : {}),
    ...(after.description !== before.description ? { description: after.description } : {}),
    ...(after.joinPolicy !== before.joinPolicy ? { joinPolicy: after.joinPolicy } : {}),
  };
  if (Object.keys(info).length > 0) events.push({ event: GroupEventKind.INFO_CHANGED, operatorId: operator, userIds: [], ...info });
  if (after.announcement !== before.announcement) {
    events.push({ event: GroupEventKind.ANNOUNCEMENT_CHANGED, operatorId: operator, userIds: [], announcement: after.announcement });
  }
  if (after.mutedAll !== before.mutedAll) events.push({ event: GroupEventKind.MUTED_ALL, operatorId: operator, userIds: [], mutedAll: after.mutedAll });
  return events;
}
