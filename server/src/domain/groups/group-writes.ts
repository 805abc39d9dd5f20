import type { Clock } from '../../clock.js';
import type { MembershipChange } from '../../store/ports.js';
import type { GroupRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { conflict, forbidden, notFound } from '../errors.js';

/** Compare-and-set attempts before giving up on a group that keeps changing underneath us. */
const MAX_WRITE_ATTEMPTS = 20;

/** What a decision writes: the group's next state and what it does to the members. */
export interface GroupWrite {
  next: GroupRecord;
  change?: MembershipChange;
}

/**
 * Applies `decide`'s change to `loaded` with compare-and-set, reloading and deciding again when
 * another writer got in first. `decide` returns what to write, or null to write nothing (the
 * group is answered as it is).
 */
export async function writeGroup(
  ctx: AppContext,
  clock: Clock,
  loaded: GroupRecord,
  decide: (current: GroupRecord) => Promise<GroupWrite | null>,
): Promise<GroupRecord> {
  let current = loaded;
  for (let attempt = 1; ; attempt++) {
    const decided = await decide(current);
    if (decided === null) return current;
    const written: GroupRecord = { ...decided.next, version: current.version + 1, updatedAt: clock.now() };
    if (await ctx.data.groups.replace(written, current.version, decided.change)) return written;
    if (attempt === MAX_WRITE_ATTEMPTS) throw conflict(`group ${loaded.groupId} is changing too fast; try again`);
    const reloaded = await ctx.data.groups.get(loaded.groupId);
    if (!reloaded) throw groupNotFound(loaded.groupId);
    current = reloaded;
  }
}

export function groupNotFound(groupId: string) {
  return notFound(`group ${groupId} does not exist`);
}

export function notAMember(field: string, userId: string, groupId: string) {
  return forbidden(`${field}: user ${userId} is not a member of group ${groupId}`);
}
