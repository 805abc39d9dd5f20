import type { GroupRole } from '@parley/sdk/protocol';
import { DuplicateKeyError, type GroupRepo, type MemberPage, type MembershipChange } from '../ports.js';
import type { GroupRecord, MemberRecord } from '../records.js';

/**
 * Groups of one app with their members. A group's members are kept in a Map in join order (a
 * member who leaves and joins again goes to the end, with the higher `joinIndex` the domain
 * gave them), and each user's groups in a second index, so every read is as direct as the
 * MongoDB adapter's indexed ones.
 */
export class MemoryGroupRepo implements GroupRepo {
  readonly #groups = new Map<string, GroupRecord>();
  readonly #members = new Map<string, Map<string, MemberRecord>>();
  readonly #groupsOfUser = new Map<string, Set<string>>();

  async insert(group: GroupRecord, members: readonly MemberRecord[]): Promise<void> {
    if (this.#groups.has(group.groupId)) throw new DuplicateKeyError(`groupId ${group.groupId} is taken`);
    this.#groups.set(group.groupId, copyGroup(group));
    this.#members.set(group.groupId, new Map());
    this.#apply(group.groupId, { add: members });
  }

  async get(groupId: string): Promise<GroupRecord | null> {
    const group = this.#groups.get(groupId);
    return group ? copyGroup(group) : null;
  }

  async getMany(groupIds: readonly string[]): Promise<Map<string, GroupRecord>> {
    const found = new Map<string, GroupRecord>();
    for (const id of groupIds) {
      const group = this.#groups.get(id);
      if (group) found.set(id, copyGroup(group));
    }
    return found;
  }

  async count(): Promise<number> {
    return this.#groups.size;
  }

  async replace(next: GroupRecord, expectedVersion: number, change: MembershipChange = {}): Promise<boolean> {
    const current = this.#groups.get(next.groupId);
    if (!current || current.version !== expectedVersion) return false;
    this.#groups.set(next.groupId, copyGroup(next));
    this.#apply(next.groupId, change);
    return true;
  }

  async delete(groupId: string): Promise<boolean> {
    if (!this.#groups.delete(groupId)) return false;
    for (const userId of this.#members.get(groupId)?.keys() ?? []) this.#groupsOfUser.get(userId)?.delete(groupId);
    this.#members.delete(groupId);
    return true;
  }

  async getMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, MemberRecord>> {
    const members = this.#members.get(groupId);
    const found = new Map<string, MemberRecord>();
    for (const userId of userIds) {
      const member = members?.get(userId);
      if (member) found.set(userId, { ...member });
    }
    return found;
  }

  async listMembers(groupId: string, page?: MemberPage): Promise<MemberRecord[]> {
    const all = [...(this.#members.get(groupId)?.values() ?? [])];
    const slice = page ? all.slice(page.offset, page.limit === undefined ? undefined : page.offset + page.limit) : all;
    return slice.map((member) => ({ ...member }));
  }

  async firstMember(groupId: string, options: { role?: GroupRole; excluding: readonly string[] }): Promise<MemberRecord | null> {
    const excluded = new Set(options.excluding);
    for (const member of this.#members.get(groupId)?.values() ?? []) {
      if (excluded.has(member.userId) || (options.role !== undefined && member.role !== options.role)) continue;
      return { ...member };
    }
    return null;
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    return [...(this.#groupsOfUser.get(userId) ?? [])];
  }

  /** Every group (for the transfer port). */
  all(): GroupRecord[] {
    return [...this.#groups.values()].map((group) => copyGroup(group));
  }

  /** Every member of every group, each group's in join order (for the transfer port). */
  allMembers(): (MemberRecord & { groupId: string })[] {
    return [...this.#members]
      .filter(([groupId]) => this.#groups.has(groupId))
      .flatMap(([groupId, members]) => [...members.values()].map((member) => ({ groupId, ...member })));
  }

  /** Stores `group` as it is, replacing the group with its id and keeping its members (for the transfer port). */
  put(group: GroupRecord): void {
    this.#groups.set(group.groupId, copyGroup(group));
    if (!this.#members.has(group.groupId)) this.#members.set(group.groupId, new Map());
  }

  /** Stores `members` of the group as they are, replacing those with their user ids (for the transfer port). */
  putMembers(groupId: string, members: readonly MemberRecord[]): void {
    if (!this.#members.has(groupId)) this.#members.set(groupId, new Map());
    this.#apply(groupId, { add: members });
    // The Map's order is the join order every read relies on, but rows come in whatever order
    // the exporting adapter reads them (MongoDB's by user id): sort again when they broke it.
    const ordered = [...this.#members.get(groupId)!.values()];
    if (ordered.some((member, i) => i > 0 && member.joinIndex < ordered[i - 1]!.joinIndex)) {
      ordered.sort((a, b) => a.joinIndex - b.joinIndex);
      this.#members.set(groupId, new Map(ordered.map((member) => [member.userId, member])));
    }
  }

  #apply(groupId: string, change: MembershipChange): void {
    const members = this.#members.get(groupId)!;
    for (const userId of change.remove ?? []) {
      members.delete(userId);
      this.#groupsOfUser.get(userId)?.delete(groupId);
    }
    for (const member of change.add ?? []) {
      members.set(member.userId, { ...member });
      let groups = this.#groupsOfUser.get(member.userId);
      if (!groups) this.#groupsOfUser.set(member.userId, (groups = new Set()));
      groups.add(groupId);
    }
    for (const member of change.update ?? []) {
      if (members.has(member.userId)) members.set(member.userId, { ...member });
    }
  }
}

/** A copy the caller may change: the list of pending events is the record's own. */
function copyGroup(group: GroupRecord): GroupRecord {
  return { ...group, pendingEvents: [...group.pendingEvents] };
}
