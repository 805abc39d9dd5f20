import type { GroupRole } from '@parley/sdk/protocol';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { DuplicateKeyError, type GroupRepo, type MemberPage, type MembershipChange } from '../ports.js';
import type { GroupRecord, MemberRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { toGroup, toMember, type GroupDoc, type MemberDoc, type PendingMembershipDoc } from './documents.js';
import { failedOnDuplicateKeysOnly, isDuplicateKey } from './errors.js';

/** Compare-and-set attempts of a dismissal against a group that keeps changing. */
const DISMISS_ATTEMPTS = 20;

/**
 * Groups of one app in `groups`, their members one document each in `group_members`.
 *
 * Without multi-document transactions, a change of members is written in steps:
 * 1. the group document is compare-and-set to its next version, carrying the change as `pending`;
 * 2. each member document the change touches is written, guarded by `v < version`, so writing a
 *    change twice, or late, is harmless: a document already written by this or a later change is
 *    left alone (a member who left keeps a document with `active: false` for this reason);
 * 3. `pending` is cleared.
 * A crash after step 1 leaves the group with its change pending; the next read of the group
 * (`get`, `getMany`, and so every domain operation on it, which reads the group first) writes
 * the change before answering, so nobody decides on a half-applied change. `getMembers`,
 * `listMembers`, `firstMember` and `groupIdsOf` read member documents only: after such a crash
 * they lag until the group is next read. Every writer reads the group (completing what is
 * pending) before its own compare-and-set, so a change is always complete before the next one.
 *
 * Dismissal is a change too (every member leaves) and leaves the group document as a marker with
 * `dismissed: true`, read as absent: a group created again under the same id takes over the
 * marker's version numbers, so no late write of the old group can land in the new one.
 */
export class MongoGroupRepo implements GroupRepo {
  constructor(
    private readonly appId: string,
    private readonly groups: Collection<GroupDoc>,
    private readonly members: Collection<MemberDoc>,
  ) {}

  async insert(group: GroupRecord, members: readonly MemberRecord[]): Promise<void> {
    const fresh = (version: number): GroupDoc => ({
      ...this.#document(group, version),
      pending: pendingOf(version, { add: members }),
    });
    try {
      const doc = fresh(1);
      await this.groups.insertOne(doc);
      await this.#complete(doc);
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // The id is taken, by a live group or by the marker a dismissed one left.
    const marker = await this.groups.findOne({ appId: this.appId, groupId: group.groupId });
    if (!marker?.dismissed) throw new DuplicateKeyError(`groupId ${group.groupId} is taken`);
    if (marker.pending) await this.#complete(marker);
    const doc = fresh(marker.version + 1);
    const taken = await this.groups.replaceOne({ appId: this.appId, groupId: group.groupId, version: marker.version, dismissed: true }, doc);
    if (taken.matchedCount === 0) throw new DuplicateKeyError(`groupId ${group.groupId} is taken`);
    await this.#complete(doc);
  }

  async get(groupId: string): Promise<GroupRecord | null> {
    const doc = await this.groups.findOne({ appId: this.appId, groupId, dismissed: false });
    if (!doc) return null;
    if (doc.pending) await this.#complete(doc);
    return toGroup(doc);
  }

  async getMany(groupIds: readonly string[]): Promise<Map<string, GroupRecord>> {
    if (groupIds.length === 0) return new Map();
    const docs = await this.groups.find({ appId: this.appId, groupId: { $in: [...new Set(groupIds)] }, dismissed: false }).toArray();
    for (const doc of docs) if (doc.pending) await this.#complete(doc);
    return inOrderOf(groupIds, docs.map(toGroup), (group) => group.groupId);
  }

  async count(): Promise<number> {
    return this.groups.countDocuments({ appId: this.appId, dismissed: false });
  }

  async replace(next: GroupRecord, expectedVersion: number, change: MembershipChange = {}): Promise<boolean> {
    const touches = Boolean(change.add?.length || change.remove?.length || change.update?.length);
    const doc: GroupDoc = { ...this.#document(next, next.version), ...(touches ? { pending: pendingOf(next.version, change) } : {}) };
    const result = await this.groups.replaceOne({ appId: this.appId, groupId: next.groupId, version: expectedVersion, dismissed: false }, doc);
    if (result.matchedCount === 0) return false;
    if (doc.pending) await this.#complete(doc);
    return true;
  }

  async delete(groupId: string): Promise<boolean> {
    for (let attempt = 0; attempt < DISMISS_ATTEMPTS; attempt++) {
      const current = await this.groups.findOne({ appId: this.appId, groupId, dismissed: false });
      if (!current) return false;
      if (current.pending) await this.#complete(current);
      const version = current.version + 1;
      const marker: GroupDoc = {
        ...this.#document(toGroup(current), version),
        memberCount: 0,
        dismissed: true,
        pending: { version, add: [], remove: [], update: [], removeAll: true },
      };
      const result = await this.groups.replaceOne({ appId: this.appId, groupId, version: current.version, dismissed: false }, marker);
      if (result.matchedCount === 0) continue;
      await this.#complete(marker);
      return true;
    }
    throw new Error(`group ${groupId} kept changing while being dismissed`);
  }

  async getMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, MemberRecord>> {
    if (userIds.length === 0) return new Map();
    const docs = await this.members.find({ appId: this.appId, groupId, userId: { $in: [...new Set(userIds)] }, active: true }).toArray();
    return inOrderOf(userIds, docs.map(toMember), (member) => member.userId);
  }

  async listMembers(groupId: string, page?: MemberPage): Promise<MemberRecord[]> {
    let cursor = this.members.find({ appId: this.appId, groupId, active: true }).sort({ joinIndex: 1 });
    if (page?.offset) cursor = cursor.skip(page.offset);
    if (page?.limit !== undefined) cursor = cursor.limit(page.limit);
    return (await cursor.toArray()).map(toMember);
  }

  async firstMember(groupId: string, options: { role?: GroupRole; excluding: readonly string[] }): Promise<MemberRecord | null> {
    const [doc] = await this.members
      .find({
        appId: this.appId,
        groupId,
        active: true,
        ...(options.role === undefined ? {} : { role: options.role }),
        ...(options.excluding.length > 0 ? { userId: { $nin: [...options.excluding] } } : {}),
      })
      .sort({ joinIndex: 1 })
      .limit(1)
      .toArray();
    return doc ? toMember(doc) : null;
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    const docs = await this.members.find({ appId: this.appId, userId, active: true }, { projection: { _id: 0, groupId: 1 } }).toArray();
    return docs.map((doc) => doc.groupId);
  }

  #document(group: GroupRecord, version: number): GroupDoc {
    return { appId: this.appId, ...toGroup(group), version, dismissed: false };
  }

  /** Steps 2 and 3 of a change (see the class comment); safe to run any number of times, late or concurrently. */
  async #complete(group: GroupDoc): Promise<void> {
    const change = group.pending;
    if (!change) return;
    const key = (userId: string) => ({ appId: this.appId, groupId: group.groupId, userId, v: { $lt: change.version } });
    if (change.removeAll) {
      await this.members.updateMany(
        { appId: this.appId, groupId: group.groupId, v: { $lt: change.version } },
        { $set: { active: false, v: change.version } },
      );
    }
    const writes: AnyBulkWriteOperation<MemberDoc>[] = [
      ...change.remove.map((userId) => ({ updateOne: { filter: key(userId), update: { $set: { active: false, v: change.version } } } })),
      ...change.add.map((member) => ({
        updateOne: { filter: key(member.userId), update: { $set: { ...memberFields(member), active: true, v: change.version } }, upsert: true },
      })),
      ...(change.update ?? []).map((member) => ({
        updateOne: { filter: { ...key(member.userId), active: true }, update: { $set: { ...memberFields(member), v: change.version } } },
      })),
      ...(change.roles ?? []).map(({ userId, role }) => ({
        updateOne: { filter: { ...key(userId), active: true }, update: { $set: { role, v: change.version } } },
      })),
    ];
    if (writes.length > 0) await this.#bulkWrite(writes);
    await this.groups.updateOne({ appId: this.appId, groupId: group.groupId, version: change.version }, { $unset: { pending: '' } });
  }

  /** Unordered writes where a duplicate key only means "already written by this or a later change". */
  async #bulkWrite(writes: AnyBulkWriteOperation<MemberDoc>[]): Promise<void> {
    try {
      await this.members.bulkWrite(writes, { ordered: false });
    } catch (error) {
      if (!failedOnDuplicateKeysOnly(error)) throw error;
    }
  }
}

/** A change as stored in the group document; an update of a joining user goes into the join. */
function pendingOf(version: number, change: MembershipChange): PendingMembershipDoc {
  const updates = new Map((change.update ?? []).map((member) => [member.userId, toMember(member)]));
  const add = (change.add ?? []).map((member) => updates.get(member.userId) ?? toMember(member));
  const joining = new Set(add.map((member) => member.userId));
  return {
    version,
    add,
    remove: [...(change.remove ?? [])],
    update: [...updates.values()].filter((member) => !joining.has(member.userId)),
    removeAll: false,
  };
}

/** What a member document holds of a member besides its key. */
function memberFields(member: MemberRecord): Omit<MemberRecord, 'userId'> {
  const { userId: _key, ...fields } = toMember(member);
  return fields;
}
