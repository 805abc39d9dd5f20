import { GroupRole } from '@parley/sdk/protocol';
import type { MemberRecord } from '../../store/records.js';

/**
 * Who owns a group once `remaining` are its members and the old owner may have left: the owner
 * if still there, else the earliest-joined admin, else the earliest-joined member, else nobody
 * (the group is to be dismissed). Members are kept in join order, so "earliest" is "first".
 */
export function nextOwner(previousOwnerId: string, remaining: readonly MemberRecord[]): string | null {
  if (remaining.some((member) => member.userId === previousOwnerId)) return previousOwnerId;
  const admin = remaining.find((member) => member.role === GroupRole.ADMIN);
  return (admin ?? remaining[0])?.userId ?? null;
}

/** Members with roles made consistent with `ownerId`: exactly one owner, no stale owner role. */
export function withOwner(members: readonly MemberRecord[], ownerId: string): MemberRecord[] {
  return members.map((member) => {
    if (member.userId === ownerId) return { ...member, role: GroupRole.OWNER };
    return member.role === GroupRole.OWNER ? { ...member, role: GroupRole.MEMBER } : member;
  });
}
