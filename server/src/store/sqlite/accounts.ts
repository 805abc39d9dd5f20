import type { AppPatch, AppRepo, ConsoleTokenRepo, TenantRepo } from '../ports.js';
import type { AppRecord, ConsoleTokenRecord, TenantRecord } from '../records.js';
import { mapDuplicateKey } from './errors.js';
import { appParams, toApp, toConsoleToken, toTenant, type AppRow, type ConsoleTokenRow, type TenantRow } from './rows.js';
import type { Sql } from './sql.js';
import { insertInto, upsertInto } from './columns.js';

const INSERT_TENANT = insertInto('tenants');
const UPSERT_CONSOLE_TOKEN = upsertInto('console_tokens');

export class SqliteTenantRepo implements TenantRepo {
  constructor(private readonly sql: Sql) {}

  async insert(tenant: TenantRecord): Promise<void> {
    mapDuplicateKey(`email ${tenant.email}`, () =>
      this.sql.run(INSERT_TENANT, { ...tenant }),
    );
  }

  async get(tenantId: string): Promise<TenantRecord | null> {
    const row = this.sql.get<TenantRow>('SELECT * FROM tenants WHERE tenant_id = @tenantId', { tenantId });
    return row ? toTenant(row) : null;
  }

  async getByEmail(email: string): Promise<TenantRecord | null> {
    const row = this.sql.get<TenantRow>('SELECT * FROM tenants WHERE email = @email', { email });
    return row ? toTenant(row) : null;
  }

  async setPasswordHash(tenantId: string, passwordHash: string): Promise<boolean> {
    return this.sql.run('UPDATE tenants SET password_hash = @passwordHash WHERE tenant_id = @tenantId', { tenantId, passwordHash }) > 0;
  }
}

export class SqliteConsoleTokenRepo implements ConsoleTokenRepo {
  constructor(private readonly sql: Sql) {}

  async insert(token: ConsoleTokenRecord): Promise<void> {
    this.sql.transaction(() => {
      // Expired tokens go as new ones arrive, so the table does not grow forever.
      this.sql.run('DELETE FROM console_tokens WHERE expires_at <= @now', { now: token.createdAt });
      this.sql.run(UPSERT_CONSOLE_TOKEN, { ...token });
    });
  }

  async findByHash(tokenHash: string): Promise<ConsoleTokenRecord | null> {
    const row = this.sql.get<ConsoleTokenRow>('SELECT * FROM console_tokens WHERE token_hash = @tokenHash', { tokenHash });
    return row ? toConsoleToken(row) : null;
  }

  async delete(tokenHash: string): Promise<void> {
    this.sql.run('DELETE FROM console_tokens WHERE token_hash = @tokenHash', { tokenHash });
  }

  async deleteAllForTenant(tenantId: string): Promise<number> {
    return this.sql.run('DELETE FROM console_tokens WHERE tenant_id = @tenantId', { tenantId });
  }
}

const INSERT_APP = insertInto('apps');

export class SqliteAppRepo implements AppRepo {
  constructor(private readonly sql: Sql) {}

  async insert(app: AppRecord): Promise<void> {
    mapDuplicateKey(`appId ${app.appId}`, () => this.sql.run(INSERT_APP, appParams(app)));
  }

  async get(appId: string): Promise<AppRecord | null> {
    const row = this.sql.get<AppRow>('SELECT * FROM apps WHERE app_id = @appId', { appId });
    return row ? toApp(row) : null;
  }

  async listByTenant(tenantId: string): Promise<AppRecord[]> {
    return this.sql.all<AppRow>('SELECT * FROM apps WHERE tenant_id = @tenantId ORDER BY created_at, rowid', { tenantId }).map(toApp);
  }

  async update(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    return this.sql.transaction(() => {
      const row = this.sql.get<AppRow>('SELECT * FROM apps WHERE app_id = @appId', { appId });
      if (!row) return null;
      const current = toApp(row);
      const next: AppRecord = { ...current, ...patch, settings: patch.settings ?? current.settings };
      this.sql.run(
        `UPDATE apps SET app_name = @appName, description = @description, secret = @secret, previous_secret = @previousSecret,
           previous_secret_valid_until = @previousSecretValidUntil, settings_json = @settingsJson, updated_at = @updatedAt
         WHERE app_id = @appId`,
        appParams(next),
      );
      return next;
    });
  }

  async delete(appId: string): Promise<boolean> {
    return this.sql.run('DELETE FROM apps WHERE app_id = @appId', { appId }) > 0;
  }
}
