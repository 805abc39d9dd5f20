import type { Group, GroupMember } from '@parley/sdk/protocol';
import type { GroupRecord, MemberRecord, UserRecord } from '../../store/records.js';
import { sendUserOf } from '../views.js';

/** A group as both transports answer it. */
export function toGroup(group: GroupRecord): Group {
  return {
    groupId: group.groupId,
    name: group.name,
    avatarUri: group.avatarUri,
    ownerId: group.ownerId,
    description: group.description,
    announcement:
      group.announcement === ''
        ? null
        : { text: group.announcement, by: group.announcementBy, at: group.announcementAt ?? group.updatedAt, seq: group.announcementSeq },
    mutedAll: group.mutedAll,
    joinPolicy: group.joinPolicy,
    memberCount: group.memberCount,
    createdAt: group.createdAt,
  };
}

/** A member with their user's name and avatar; a mute that has ended reads as none. */
export function toGroupMember(member: MemberRecord, user: UserRecord | undefined, now: number): GroupMember {
  return {
    userId: member.userId,
    ...sendUserOf(user, member.userId),
    role: member.role,
    joinedAt: member.joinedAt,
    nickname: member.nickname,
    mutedUntil: activeMute(member, now),
  };
}

/** When the member's own mute ends, or null when they are not muted at `now`. */
export function activeMute(member: Pick<MemberRecord, 'mutedUntil'>, now: number): number | null {
  return member.mutedUntil !== null && member.mutedUntil > now ? member.mutedUntil : null;
}

/** A new member's record. */
export function newMember(userId: string, role: MemberRecord['role'], joinedAt: number, joinIndex: number): MemberRecord {
  return { userId, role, joinedAt, joinIndex, nickname: '', mutedUntil: null };
}
