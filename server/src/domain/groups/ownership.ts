import { GroupRole } from '@parley/sdk/protocol';
import type { GroupRepo } from '../../store/ports.js';
import type { GroupRecord } from '../../store/records.js';

/**
 * Who owns `group` once `leaving` (members of it) have left: the owner if staying, else the
 * earliest-joined admin who stays, else the earliest-joined member who stays, else nobody (the
 * group is to be dismissed). Two indexed reads at most, whatever the group's size.
 */
export async function nextOwner(groups: GroupRepo, group: GroupRecord, leaving: readonly string[]): Promise<string | null> {
  if (!leaving.includes(group.ownerId)) return group.ownerId;
  if (group.memberCount <= leaving.length) return null;
  const admin = await groups.firstMember(group.groupId, { role: GroupRole.ADMIN, excluding: leaving });
  const heir = admin ?? (await groups.firstMember(group.groupId, { excluding: leaving }));
  return heir?.userId ?? null;
}
