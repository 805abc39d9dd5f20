import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { BlockRepo } from '../ports.js';
import type { BlockRecord } from '../records.js';
import { toBlock, type BlockDoc } from './documents.js';
import { failedOnDuplicateKeysOnly } from './errors.js';

/**
 * Block lists of one app, one document per pair, unique by (appId, userId, blockedUserId)
 * (`blocks_id`), so two processes adding the same block at once store it once.
 *
 * `remove` reads which of the ids are blocked, then deletes them: two removes of one pair at the
 * same moment may both report it (the pair is gone either way).
 */
export class MongoBlockRepo implements BlockRepo {
  constructor(
    private readonly appId: string,
    private readonly collection: Collection<BlockDoc>,
  ) {}

  async add(userId: string, blockedUserIds: readonly string[], now: number): Promise<string[]> {
    const ids = unique(blockedUserIds);
    if (ids.length === 0) return [];
    try {
      // Copies: the driver adds an `_id` to each document it inserts.
      await this.collection.insertMany(
        ids.map((blockedUserId) => ({ appId: this.appId, userId, blockedUserId, createdAt: now })),
        { ordered: false },
      );
      return ids;
    } catch (error) {
      // A pair the unique index refuses was blocked already (before, or by a concurrent add):
      // its record, and so its createdAt, stays. The others were inserted.
      if (!failedOnDuplicateKeysOnly(error)) throw error;
      if (!(error instanceof MongoBulkWriteError)) return [];
      const refused = new Set([error.writeErrors].flat().map((failure) => failure.index));
      return ids.filter((_, i) => !refused.has(i));
    }
  }

  async remove(userId: string, blockedUserIds: readonly string[]): Promise<string[]> {
    const ids = unique(blockedUserIds);
    if (ids.length === 0) return [];
    const docs = await this.collection.find({ appId: this.appId, userId, blockedUserId: { $in: ids } }, { projection: { _id: 0, blockedUserId: 1 } }).toArray();
    if (docs.length === 0) return [];
    const blocked = new Set(docs.map((doc) => doc.blockedUserId));
    const removed = ids.filter((id) => blocked.has(id));
    await this.collection.deleteMany({ appId: this.appId, userId, blockedUserId: { $in: removed } });
    return removed;
  }

  async blocks(userId: string, otherUserId: string): Promise<boolean> {
    const doc = await this.collection.findOne({ appId: this.appId, userId, blockedUserId: otherUserId }, { projection: { _id: 1 } });
    return doc !== null;
  }

  async list(userId: string, limit: number): Promise<BlockRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.collection.find({ appId: this.appId, userId }).sort({ createdAt: 1, blockedUserId: 1 }).limit(limit).toArray();
    return docs.map(toBlock);
  }

  async count(userId: string): Promise<number> {
    return this.collection.countDocuments({ appId: this.appId, userId });
  }
}

/** `ids` without repeats, in the order of their first occurrence. */
function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
