import type { Collection } from 'mongodb';
import type { AppPatch, AppRepo, ConsoleTokenRepo, TenantRepo } from '../ports.js';
import type { AppRecord, ConsoleTokenRecord, TenantRecord } from '../records.js';
import { toApp, toConsoleToken, toTenant, type AppDoc, type ConsoleTokenDoc, type TenantDoc } from './documents.js';
import { mapDuplicateKey } from './errors.js';

/** Tenants: `_id` is the tenantId; the email is a unique index. */
export class MongoTenantRepo implements TenantRepo {
  constructor(private readonly tenants: Collection<TenantDoc>) {}

  async insert(tenant: TenantRecord): Promise<void> {
    const doc: TenantDoc = { _id: tenant.tenantId, email: tenant.email, passwordHash: tenant.passwordHash, createdAt: tenant.createdAt };
    await mapDuplicateKey(`email ${tenant.email} (or tenantId ${tenant.tenantId})`, () => this.tenants.insertOne(doc));
  }

  async get(tenantId: string): Promise<TenantRecord | null> {
    const doc = await this.tenants.findOne({ _id: tenantId });
    return doc ? toTenant(doc) : null;
  }

  async getByEmail(email: string): Promise<TenantRecord | null> {
    const doc = await this.tenants.findOne({ email });
    return doc ? toTenant(doc) : null;
  }

  async setPasswordHash(tenantId: string, passwordHash: string): Promise<boolean> {
    const result = await this.tenants.updateOne({ _id: tenantId }, { $set: { passwordHash } });
    return result.matchedCount > 0;
  }
}

/** Console tokens: `_id` is the token hash. */
export class MongoConsoleTokenRepo implements ConsoleTokenRepo {
  constructor(private readonly tokens: Collection<ConsoleTokenDoc>) {}

  async insert(token: ConsoleTokenRecord): Promise<void> {
    // Drop expired tokens as new ones arrive, as the memory adapter does (indexed on expiresAt).
    await this.tokens.deleteMany({ expiresAt: { $lte: token.createdAt } });
    const doc: ConsoleTokenDoc = { _id: token.tokenHash, tenantId: token.tenantId, createdAt: token.createdAt, expiresAt: token.expiresAt };
    await mapDuplicateKey('token hash', () => this.tokens.insertOne(doc));
  }

  async findByHash(tokenHash: string): Promise<ConsoleTokenRecord | null> {
    const doc = await this.tokens.findOne({ _id: tokenHash });
    return doc ? toConsoleToken(doc) : null;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.tokens.deleteOne({ _id: tokenHash });
  }

  async deleteAllForTenant(tenantId: string): Promise<number> {
    return (await this.tokens.deleteMany({ tenantId })).deletedCount;
  }
}

/** Apps: `_id` is the appId. */
export class MongoAppRepo implements AppRepo {
  constructor(private readonly apps: Collection<AppDoc>) {}

  async insert(app: AppRecord): Promise<void> {
    const { appId, ...fields } = app;
    await mapDuplicateKey(`appId ${appId}`, () => this.apps.insertOne({ _id: appId, ...structuredClone(fields) }));
  }

  async get(appId: string): Promise<AppRecord | null> {
    const doc = await this.apps.findOne({ _id: appId });
    return doc ? toApp(doc) : null;
  }

  async listByTenant(tenantId: string): Promise<AppRecord[]> {
    const docs = await this.apps.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toApp);
  }

  async update(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    // A field the patch leaves `undefined` is left alone: `ignoreUndefined` drops it from `$set`.
    const doc = await this.apps.findOneAndUpdate({ _id: appId }, { $set: patch }, { returnDocument: 'after', ignoreUndefined: true });
    return doc ? toApp(doc) : null;
  }

  async delete(appId: string): Promise<boolean> {
    return (await this.apps.deleteOne({ _id: appId })).deletedCount > 0;
  }
}
