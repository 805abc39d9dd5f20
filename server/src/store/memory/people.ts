import type { UserRepo, UserTokenRepo } from '../ports.js';
import type { UserRecord, UserTokenRecord } from '../records.js';

export class MemoryUserRepo implements UserRepo {
  readonly #byId = new Map<string, UserRecord>();

  async upsert(user: { userId: string; name: string; avatarUri: string }, now: number): Promise<UserRecord> {
    const existing = this.#byId.get(user.userId);
    const next: UserRecord = existing
      ? { ...existing, name: user.name, avatarUri: user.avatarUri, updatedAt: now }
      : { ...user, createdAt: now, updatedAt: now };
    this.#byId.set(user.userId, next);
    return { ...next };
  }

  async get(userId: string): Promise<UserRecord | null> {
    const user = this.#byId.get(userId);
    return user ? { ...user } : null;
  }

  async getMany(userIds: readonly string[]): Promise<Map<string, UserRecord>> {
    const found = new Map<string, UserRecord>();
    for (const id of userIds) {
      const user = this.#byId.get(id);
      if (user) found.set(id, { ...user });
    }
    return found;
  }

  async count(): Promise<number> {
    return this.#byId.size;
  }

  /** Every user (for the transfer port). */
  all(): UserRecord[] {
    return [...this.#byId.values()].map((user) => ({ ...user }));
  }

  /** Stores `user` as it is, replacing the user with its id (for the transfer port). */
  put(user: UserRecord): void {
    this.#byId.set(user.userId, { ...user });
  }
}

export class MemoryUserTokenRepo implements UserTokenRepo {
  readonly #byHash = new Map<string, UserTokenRecord>();
  readonly #hashesByUser = new Map<string, Set<string>>();

  async insert(token: UserTokenRecord, now: number): Promise<void> {
    let hashes = this.#hashesByUser.get(token.userId);
    if (!hashes) this.#hashesByUser.set(token.userId, (hashes = new Set()));
    for (const hash of hashes) {
      const old = this.#byHash.get(hash);
      if (!old || old.expiresAt <= now) {
        this.#byHash.delete(hash);
        hashes.delete(hash);
      }
    }
    hashes.add(token.tokenHash);
    this.#byHash.set(token.tokenHash, { ...token });
  }

  async findByHash(tokenHash: string): Promise<UserTokenRecord | null> {
    const token = this.#byHash.get(tokenHash);
    return token ? { ...token } : null;
  }

  async revokeAllForUser(userId: string, now: number): Promise<number> {
    let revoked = 0;
    for (const hash of this.#hashesByUser.get(userId) ?? []) {
      const token = this.#byHash.get(hash);
      if (token && token.revokedAt === null && token.expiresAt > now) {
        token.revokedAt = now;
        revoked++;
      }
    }
    return revoked;
  }

  /** Every token, expired and revoked ones too (for the transfer port). */
  all(): UserTokenRecord[] {
    return [...this.#byHash.values()].map((token) => ({ ...token }));
  }

  /** Stores `token` as it is, replacing the token with its hash (for the transfer port). */
  put(token: UserTokenRecord): void {
    const replaced = this.#byHash.get(token.tokenHash);
    if (replaced && replaced.userId !== token.userId) this.#hashesByUser.get(replaced.userId)?.delete(token.tokenHash);
    let hashes = this.#hashesByUser.get(token.userId);
    if (!hashes) this.#hashesByUser.set(token.userId, (hashes = new Set()));
    hashes.add(token.tokenHash);
    this.#byHash.set(token.tokenHash, { ...token });
  }
}
