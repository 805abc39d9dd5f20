import type { Collection } from 'mongodb';
import type { UserRepo, UserTokenRepo } from '../ports.js';
import type { UserRecord, UserTokenRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { toUser, toUserToken, type UserDoc, type UserTokenDoc } from './documents.js';
import { isDuplicateKey, mapDuplicateKey } from './errors.js';

/** Users of one app, unique by (appId, userId). */
export class MongoUserRepo implements UserRepo {
  constructor(
    private readonly appId: string,
    private readonly users: Collection<UserDoc>,
  ) {}

  async upsert(user: { userId: string; name: string; avatarUri: string }, now: number): Promise<UserRecord> {
    const write = () =>
      this.users.findOneAndUpdate(
        { appId: this.appId, userId: user.userId },
        { $set: { name: user.name, avatarUri: user.avatarUri, updatedAt: now }, $setOnInsert: { createdAt: now } },
        { upsert: true, returnDocument: 'after' },
      );
    let doc: UserDoc | null;
    try {
      doc = await write();
    } catch (error) {
      // Two first logins of one user at once: both upserts insert, the unique index refuses one,
      // and that one now finds the document and updates it.
      if (!isDuplicateKey(error)) throw error;
      doc = await write();
    }
    if (!doc) throw new Error(`upsert of user ${user.userId} returned no document`);
    return toUser(doc);
  }

  async get(userId: string): Promise<UserRecord | null> {
    const doc = await this.users.findOne({ appId: this.appId, userId });
    return doc ? toUser(doc) : null;
  }

  async getMany(userIds: readonly string[]): Promise<Map<string, UserRecord>> {
    if (userIds.length === 0) return new Map();
    const docs = await this.users.find({ appId: this.appId, userId: { $in: [...new Set(userIds)] } }).toArray();
    return inOrderOf(userIds, docs.map(toUser), (user) => user.userId);
  }

  async count(): Promise<number> {
    return this.users.countDocuments({ appId: this.appId });
  }
}

/** Bearer tokens of one app's users, found by hash. */
export class MongoUserTokenRepo implements UserTokenRepo {
  constructor(
    private readonly appId: string,
    private readonly tokens: Collection<UserTokenDoc>,
  ) {}

  async insert(token: UserTokenRecord, now: number): Promise<void> {
    await this.tokens.deleteMany({ appId: this.appId, userId: token.userId, expiresAt: { $lte: now } });
    await mapDuplicateKey('token hash', () => this.tokens.insertOne({ appId: this.appId, ...token }));
  }

  async findByHash(tokenHash: string): Promise<UserTokenRecord | null> {
    const doc = await this.tokens.findOne({ appId: this.appId, tokenHash });
    return doc ? toUserToken(doc) : null;
  }

  async revokeAllForUser(userId: string, now: number): Promise<number> {
    const result = await this.tokens.updateMany(
      { appId: this.appId, userId, expiresAt: { $gt: now }, revokedAt: null },
      { $set: { revokedAt: now } },
    );
    return result.modifiedCount;
  }
}
