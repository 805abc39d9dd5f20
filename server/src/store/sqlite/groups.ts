import type { GroupRole } from '@parley/sdk/protocol';
import { DuplicateKeyError, type GroupRepo, type MemberPage, type MembershipChange } from '../ports.js';
import type { GroupRecord, MemberRecord } from '../records.js';
import { isDuplicateKey } from './errors.js';
import { inOrderOf } from '../in-order.js';
import { groupParams, toGroup, toMember, type GroupRow, type MemberRow } from './rows.js';
import { jsonList, type Sql } from './sql.js';
import { insertInto, upsertInto } from './columns.js';

const INSERT_GROUP = insertInto('chat_groups');
const UPSERT_MEMBER = upsertInto('group_members');
/** A staying member's record replaced, never creating one (a member who left meanwhile stays gone). */
const UPDATE_MEMBER = `UPDATE group_members SET role = @role, joined_at = @joinedAt, join_index = @joinIndex, nickname = @nickname,
    muted_until = @mutedUntil
  WHERE app_id = @appId AND group_id = @groupId AND user_id = @userId`;

/**
 * Groups of one app, their members one row each. Every write (the group's compare-and-set on
 * `version` together with its membership change) is one transaction, so there is never a
 * half-applied change to complete.
 */
export class SqliteGroupRepo implements GroupRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async insert(group: GroupRecord, members: readonly MemberRecord[]): Promise<void> {
    try {
      this.sql.transaction(() => {
        this.sql.run(INSERT_GROUP, { appId: this.appId, ...groupParams(group) });
        this.#apply(group.groupId, { add: members });
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw new DuplicateKeyError(`groupId ${group.groupId} is taken`, { cause: error });
      throw error;
    }
  }

  async get(groupId: string): Promise<GroupRecord | null> {
    const row = this.sql.get<GroupRow>('SELECT * FROM chat_groups WHERE app_id = @appId AND group_id = @groupId', { appId: this.appId, groupId });
    return row ? toGroup(row) : null;
  }

  async getMany(groupIds: readonly string[]): Promise<Map<string, GroupRecord>> {
    if (groupIds.length === 0) return new Map();
    const rows = this.sql.all<GroupRow>('SELECT * FROM chat_groups WHERE app_id = @appId AND group_id IN (SELECT value FROM json_each(@ids))', {
      appId: this.appId,
      ids: jsonList(groupIds),
    });
    return inOrderOf(groupIds, rows.map(toGroup), (group) => group.groupId);
  }

  async count(): Promise<number> {
    return this.sql.get<{ n: number }>('SELECT count(*) AS n FROM chat_groups WHERE app_id = @appId', { appId: this.appId })!.n;
  }

  async replace(next: GroupRecord, expectedVersion: number, change: MembershipChange = {}): Promise<boolean> {
    return this.sql.transaction(() => {
      const changed = this.sql.run(
        `UPDATE chat_groups SET name = @name, avatar_uri = @avatarUri, owner_id = @ownerId, description = @description,
           announcement = @announcement, announcement_by = @announcementBy, announcement_at = @announcementAt,
           announcement_seq = @announcementSeq, pending_events_json = @pendingEventsJson, muted_all = @mutedAll,
           join_policy = @joinPolicy, member_count = @memberCount, join_count = @joinCount,
           version = @version, created_at = @createdAt, updated_at = @updatedAt
         WHERE app_id = @appId AND group_id = @groupId AND version = @expectedVersion`,
        { appId: this.appId, ...groupParams(next), expectedVersion },
      );
      if (changed === 0) return false;
      this.#apply(next.groupId, change);
      return true;
    });
  }

  async delete(groupId: string): Promise<boolean> {
    return this.sql.transaction(() => {
      const params = { appId: this.appId, groupId };
      this.sql.run('DELETE FROM group_members WHERE app_id = @appId AND group_id = @groupId', params);
      return this.sql.run('DELETE FROM chat_groups WHERE app_id = @appId AND group_id = @groupId', params) > 0;
    });
  }

  async getMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, MemberRecord>> {
    if (userIds.length === 0) return new Map();
    const rows = this.sql.all<MemberRow>(
      'SELECT * FROM group_members WHERE app_id = @appId AND group_id = @groupId AND user_id IN (SELECT value FROM json_each(@ids))',
      { appId: this.appId, groupId, ids: jsonList(userIds) },
    );
    return inOrderOf(userIds, rows.map(toMember), (member) => member.userId);
  }

  async listMembers(groupId: string, page?: MemberPage): Promise<MemberRecord[]> {
    const rows = this.sql.all<MemberRow>(
      'SELECT * FROM group_members WHERE app_id = @appId AND group_id = @groupId ORDER BY join_index LIMIT @limit OFFSET @offset',
      { appId: this.appId, groupId, limit: page?.limit ?? -1, offset: page?.offset ?? 0 },
    );
    return rows.map(toMember);
  }

  async firstMember(groupId: string, options: { role?: GroupRole; excluding: readonly string[] }): Promise<MemberRecord | null> {
    const row = this.sql.get<MemberRow>(
      `SELECT * FROM group_members WHERE app_id = @appId AND group_id = @groupId AND (@role IS NULL OR role = @role)
         AND user_id NOT IN (SELECT value FROM json_each(@excluding))
       ORDER BY join_index LIMIT 1`,
      { appId: this.appId, groupId, role: options.role ?? null, excluding: jsonList(options.excluding) },
    );
    return row ? toMember(row) : null;
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    return this.sql
      .all<{ group_id: string }>('SELECT group_id FROM group_members WHERE app_id = @appId AND user_id = @userId', { appId: this.appId, userId })
      .map((row) => row.group_id);
  }

  /** Writes a membership change; runs inside the caller's transaction. */
  #apply(groupId: string, change: MembershipChange): void {
    const key = { appId: this.appId, groupId };
    for (const userId of change.remove ?? []) {
      this.sql.run('DELETE FROM group_members WHERE app_id = @appId AND group_id = @groupId AND user_id = @userId', { ...key, userId });
    }
    for (const member of change.add ?? []) {
      this.sql.run(UPSERT_MEMBER, { ...key, ...member });
    }
    for (const member of change.update ?? []) {
      this.sql.run(UPDATE_MEMBER, { ...key, ...member });
    }
  }
}
