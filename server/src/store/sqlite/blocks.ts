import type { BlockRepo } from '../ports.js';
import type { BlockRecord } from '../records.js';
import { toBlock, type BlockRow } from './rows.js';
import type { Sql } from './sql.js';

/**
 * Block lists of one app, one row per (user_id, blocked_user_id). `add` and `remove` are one
 * transaction each, so the ids they return are exactly those they changed.
 */
export class SqliteBlockRepo implements BlockRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async add(userId: string, blockedUserIds: readonly string[], now: number): Promise<string[]> {
    return this.sql.transaction(() =>
      unique(blockedUserIds).filter(
        (blockedUserId) =>
          this.sql.run(
            `INSERT INTO blocks (app_id, user_id, blocked_user_id, created_at) VALUES (@appId, @userId, @blockedUserId, @now)
             ON CONFLICT (app_id, user_id, blocked_user_id) DO NOTHING`,
            { appId: this.appId, userId, blockedUserId, now },
          ) > 0,
      ),
    );
  }

  async remove(userId: string, blockedUserIds: readonly string[]): Promise<string[]> {
    return this.sql.transaction(() =>
      unique(blockedUserIds).filter(
        (blockedUserId) =>
          this.sql.run('DELETE FROM blocks WHERE app_id = @appId AND user_id = @userId AND blocked_user_id = @blockedUserId', {
            appId: this.appId,
            userId,
            blockedUserId,
          }) > 0,
      ),
    );
  }

  async blocks(userId: string, otherUserId: string): Promise<boolean> {
    const row = this.sql.get<{ found: number }>('SELECT 1 AS found FROM blocks WHERE app_id = @appId AND user_id = @userId AND blocked_user_id = @otherUserId', {
      appId: this.appId,
      userId,
      otherUserId,
    });
    return row !== undefined;
  }

  async list(userId: string, limit: number): Promise<BlockRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<BlockRow>(
      'SELECT * FROM blocks WHERE app_id = @appId AND user_id = @userId ORDER BY created_at, blocked_user_id LIMIT @limit',
      { appId: this.appId, userId, limit },
    );
    return rows.map(toBlock);
  }

  async count(userId: string): Promise<number> {
    return this.sql.get<{ n: number }>('SELECT count(*) AS n FROM blocks WHERE app_id = @appId AND user_id = @userId', { appId: this.appId, userId })!.n;
  }
}

/** `ids` without repeats, in the order of their first occurrence. */
function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
