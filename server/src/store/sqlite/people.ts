import type { UserRepo, UserTokenRepo } from '../ports.js';
import type { UserRecord, UserTokenRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { toUser, toUserToken, type UserRow, type UserTokenRow } from './rows.js';
import { jsonList, type Sql } from './sql.js';
import { upsertInto } from './columns.js';

export class SqliteUserRepo implements UserRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async upsert(user: { userId: string; name: string; avatarUri: string }, now: number): Promise<UserRecord> {
    const row = this.sql.get<UserRow>(
      `INSERT INTO users (app_id, user_id, name, avatar_uri, created_at, updated_at) VALUES (@appId, @userId, @name, @avatarUri, @now, @now)
       ON CONFLICT (app_id, user_id) DO UPDATE SET name = excluded.name, avatar_uri = excluded.avatar_uri, updated_at = excluded.updated_at
       RETURNING *`,
      { appId: this.appId, userId: user.userId, name: user.name, avatarUri: user.avatarUri, now },
    );
    return toUser(row!);
  }

  async get(userId: string): Promise<UserRecord | null> {
    const row = this.sql.get<UserRow>('SELECT * FROM users WHERE app_id = @appId AND user_id = @userId', { appId: this.appId, userId });
    return row ? toUser(row) : null;
  }

  async getMany(userIds: readonly string[]): Promise<Map<string, UserRecord>> {
    if (userIds.length === 0) return new Map();
    const rows = this.sql.all<UserRow>('SELECT * FROM users WHERE app_id = @appId AND user_id IN (SELECT value FROM json_each(@ids))', {
      appId: this.appId,
      ids: jsonList(userIds),
    });
    return inOrderOf(userIds, rows.map(toUser), (user) => user.userId);
  }

  async count(): Promise<number> {
    return this.sql.get<{ n: number }>('SELECT count(*) AS n FROM users WHERE app_id = @appId', { appId: this.appId })!.n;
  }
}

const UPSERT_USER_TOKEN = upsertInto('user_tokens');

export class SqliteUserTokenRepo implements UserTokenRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async insert(token: UserTokenRecord, now: number): Promise<void> {
    this.sql.transaction(() => {
      this.sql.run('DELETE FROM user_tokens WHERE app_id = @appId AND user_id = @userId AND expires_at <= @now', { appId: this.appId, userId: token.userId, now });
      this.sql.run(UPSERT_USER_TOKEN, { appId: this.appId, ...token });
    });
  }

  async findByHash(tokenHash: string): Promise<UserTokenRecord | null> {
    const row = this.sql.get<UserTokenRow>('SELECT * FROM user_tokens WHERE app_id = @appId AND token_hash = @tokenHash', { appId: this.appId, tokenHash });
    return row ? toUserToken(row) : null;
  }

  async revokeAllForUser(userId: string, now: number): Promise<number> {
    return this.sql.run(
      'UPDATE user_tokens SET revoked_at = @now WHERE app_id = @appId AND user_id = @userId AND revoked_at IS NULL AND expires_at > @now',
      { appId: this.appId, userId, now },
    );
  }
}
