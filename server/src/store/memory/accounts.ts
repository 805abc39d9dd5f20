import type { AppPatch, AppRepo, ConsoleTokenRepo, TenantRepo } from '../ports.js';
import { DuplicateKeyError } from '../ports.js';
import type { AppRecord, ConsoleTokenRecord, TenantRecord } from '../records.js';
import { copy, copyApp } from './clone.js';

export class MemoryTenantRepo implements TenantRepo {
  readonly #byEmail = new Map<string, TenantRecord>();
  readonly #emailById = new Map<string, string>();

  async insert(tenant: TenantRecord): Promise<void> {
    if (this.#byEmail.has(tenant.email)) throw new DuplicateKeyError(`email ${tenant.email} is taken`);
    this.#byEmail.set(tenant.email, copy(tenant));
    this.#emailById.set(tenant.tenantId, tenant.email);
  }

  async get(tenantId: string): Promise<TenantRecord | null> {
    const email = this.#emailById.get(tenantId);
    return email === undefined ? null : this.getByEmail(email);
  }

  async getByEmail(email: string): Promise<TenantRecord | null> {
    const tenant = this.#byEmail.get(email);
    return tenant ? copy(tenant) : null;
  }

  async setPasswordHash(tenantId: string, passwordHash: string): Promise<boolean> {
    const tenant = this.#byEmail.get(this.#emailById.get(tenantId) ?? '');
    if (!tenant) return false;
    tenant.passwordHash = passwordHash;
    return true;
  }

  /** Every tenant (for the transfer port). */
  all(): TenantRecord[] {
    return [...this.#byEmail.values()].map(copy);
  }

  /**
   * Stores `tenant` as it is, replacing the tenant with its id (for the transfer port).
   * @throws DuplicateKeyError when another tenant has its email.
   */
  put(tenant: TenantRecord): void {
    const owner = this.#byEmail.get(tenant.email);
    if (owner && owner.tenantId !== tenant.tenantId) throw new DuplicateKeyError(`email ${tenant.email} is taken`);
    const previousEmail = this.#emailById.get(tenant.tenantId);
    if (previousEmail !== undefined) this.#byEmail.delete(previousEmail);
    this.#byEmail.set(tenant.email, copy(tenant));
    this.#emailById.set(tenant.tenantId, tenant.email);
  }
}

export class MemoryConsoleTokenRepo implements ConsoleTokenRepo {
  readonly #byHash = new Map<string, ConsoleTokenRecord>();

  async insert(token: ConsoleTokenRecord): Promise<void> {
    // Drop expired tokens as new ones arrive so a long-running process does not grow forever.
    for (const [hash, existing] of this.#byHash) {
      if (existing.expiresAt <= token.createdAt) this.#byHash.delete(hash);
    }
    this.#byHash.set(token.tokenHash, copy(token));
  }

  async findByHash(tokenHash: string): Promise<ConsoleTokenRecord | null> {
    const token = this.#byHash.get(tokenHash);
    return token ? copy(token) : null;
  }

  async delete(tokenHash: string): Promise<void> {
    this.#byHash.delete(tokenHash);
  }

  async deleteAllForTenant(tenantId: string): Promise<number> {
    let deleted = 0;
    for (const [hash, token] of this.#byHash) {
      if (token.tenantId !== tenantId) continue;
      this.#byHash.delete(hash);
      deleted++;
    }
    return deleted;
  }

  /** Every token, expired ones too (for the transfer port). */
  all(): ConsoleTokenRecord[] {
    return [...this.#byHash.values()].map(copy);
  }

  /** Stores `token` as it is, replacing the token with its hash (for the transfer port). */
  put(token: ConsoleTokenRecord): void {
    this.#byHash.set(token.tokenHash, copy(token));
  }
}

export class MemoryAppRepo implements AppRepo {
  readonly #byId = new Map<string, AppRecord>();

  async insert(app: AppRecord): Promise<void> {
    if (this.#byId.has(app.appId)) throw new DuplicateKeyError(`appId ${app.appId} is taken`);
    this.#byId.set(app.appId, copyApp(app));
  }

  async get(appId: string): Promise<AppRecord | null> {
    const app = this.#byId.get(appId);
    return app ? copyApp(app) : null;
  }

  async listByTenant(tenantId: string): Promise<AppRecord[]> {
    return [...this.#byId.values()]
      .filter((app) => app.tenantId === tenantId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(copyApp);
  }

  async update(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    const app = this.#byId.get(appId);
    if (!app) return null;
    const next = copyApp({ ...app, ...patch, settings: patch.settings ?? app.settings });
    this.#byId.set(appId, next);
    return copyApp(next);
  }

  async delete(appId: string): Promise<boolean> {
    return this.#byId.delete(appId);
  }

  /** Every app (for the transfer port). */
  all(): AppRecord[] {
    return [...this.#byId.values()].map(copyApp);
  }

  /** Stores `app` as it is, replacing the app with its id (for the transfer port). */
  put(app: AppRecord): void {
    this.#byId.set(app.appId, copyApp(app));
  }
}
