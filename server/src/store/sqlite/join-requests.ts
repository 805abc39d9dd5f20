import { DuplicateKeyError, type JoinRequestRepo } from '../ports.js';
import type { JoinRequestRecord } from '../records.js';
import { insertInto } from './columns.js';
import { isDuplicateKey } from './errors.js';
import { toJoinRequest, type JoinRequestRow } from './rows.js';
import type { Sql } from './sql.js';

const INSERT_REQUEST = insertInto('join_requests');

/**
 * Requests to join the groups of one app. The one-pending rule is the partial unique index
 * `join_requests_pending` (on group and user, where the status is pending), so it holds whatever
 * writes the request; `decide` is one conditional update, a compare-and-set on `pending`.
 */
export class SqliteJoinRequestRepo implements JoinRequestRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async insert(request: JoinRequestRecord): Promise<void> {
    try {
      this.sql.run(INSERT_REQUEST, { appId: this.appId, ...request });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // The primary key is the requestId; the other unique index, the pending request of the user.
      const taken =
        (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
          ? `requestId ${request.requestId} is taken`
          : `user ${request.userId} has a pending request to group ${request.groupId}`;
      throw new DuplicateKeyError(taken, { cause: error });
    }
  }

  async get(requestId: string): Promise<JoinRequestRecord | null> {
    const row = this.sql.get<JoinRequestRow>('SELECT * FROM join_requests WHERE app_id = @appId AND request_id = @requestId', { appId: this.appId, requestId });
    return row ? toJoinRequest(row) : null;
  }

  async pendingOf(groupId: string, userId: string): Promise<JoinRequestRecord | null> {
    const row = this.sql.get<JoinRequestRow>(
      `SELECT * FROM join_requests WHERE app_id = @appId AND group_id = @groupId AND user_id = @userId AND status = 'pending'`,
      { appId: this.appId, groupId, userId },
    );
    return row ? toJoinRequest(row) : null;
  }

  async listPending(groupId: string, limit: number, offset = 0): Promise<JoinRequestRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<JoinRequestRow>(
      `SELECT * FROM join_requests WHERE app_id = @appId AND group_id = @groupId AND status = 'pending' ORDER BY created_at, request_id LIMIT @limit OFFSET @offset`,
      { appId: this.appId, groupId, limit, offset: Math.max(0, offset) },
    );
    return rows.map(toJoinRequest);
  }

  async listPendingOfUser(userId: string, limit: number): Promise<JoinRequestRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<JoinRequestRow>(
      `SELECT * FROM join_requests INDEXED BY join_requests_of_user WHERE app_id = @appId AND user_id = @userId AND status = 'pending' ORDER BY created_at, request_id LIMIT @limit`,
      { appId: this.appId, userId, limit },
    );
    return rows.map(toJoinRequest);
  }

  async decide(requestId: string, decision: { status: 'approved' | 'rejected'; decidedBy: string | null; decidedAt: number }): Promise<JoinRequestRecord | null> {
    const row = this.sql.get<JoinRequestRow>(
      `UPDATE join_requests SET status = @status, decided_by = @decidedBy, decided_at = @decidedAt
       WHERE app_id = @appId AND request_id = @requestId AND status = 'pending' RETURNING *`,
      { appId: this.appId, requestId, status: decision.status, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt },
    );
    return row ? toJoinRequest(row) : null;
  }

  /**
   * Names the index of the group's requests: without table statistics SQLite would rather take
   * the app's whole range of the primary key than a secondary index it must look rows up from.
   */
  async deleteForGroup(groupId: string): Promise<void> {
    this.sql.run('DELETE FROM join_requests INDEXED BY join_requests_order WHERE app_id = @appId AND group_id = @groupId', { appId: this.appId, groupId });
  }
}
