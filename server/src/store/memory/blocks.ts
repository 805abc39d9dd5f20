import type { BlockRepo } from '../ports.js';
import type { BlockRecord } from '../records.js';
import { copyBlock } from './clone.js';

/** Block lists of one app: each user's blocks keyed by the blocked user's id. */
export class MemoryBlockRepo implements BlockRepo {
  /** userId -> blockedUserId -> record. */
  readonly #byUser = new Map<string, Map<string, BlockRecord>>();

  async add(userId: string, blockedUserIds: readonly string[], now: number): Promise<string[]> {
    let blocked = this.#byUser.get(userId);
    const added: string[] = [];
    for (const blockedUserId of blockedUserIds) {
      if (blocked?.has(blockedUserId)) continue;
      if (!blocked) this.#byUser.set(userId, (blocked = new Map()));
      blocked.set(blockedUserId, { userId, blockedUserId, createdAt: now });
      added.push(blockedUserId);
    }
    return added;
  }

  async remove(userId: string, blockedUserIds: readonly string[]): Promise<string[]> {
    const blocked = this.#byUser.get(userId);
    if (!blocked) return [];
    const removed = blockedUserIds.filter((blockedUserId) => blocked.delete(blockedUserId));
    if (blocked.size === 0) this.#byUser.delete(userId);
    return removed;
  }

  async blocks(userId: string, otherUserId: string): Promise<boolean> {
    return this.#byUser.get(userId)?.has(otherUserId) ?? false;
  }

  async list(userId: string, limit: number): Promise<BlockRecord[]> {
    if (limit <= 0) return [];
    return [...(this.#byUser.get(userId)?.values() ?? [])].sort(byAge).slice(0, limit).map(copyBlock);
  }

  async count(userId: string): Promise<number> {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Every block, by userId then blockedUserId (for the transfer port). */
  all(): BlockRecord[] {
    return [...this.#byUser.values()].flatMap((blocked) => [...blocked.values()]).sort(byKey).map(copyBlock);
  }

  /** Stores `block` as it is, replacing the record of its pair (for the transfer port). */
  put(block: BlockRecord): void {
    let blocked = this.#byUser.get(block.userId);
    if (!blocked) this.#byUser.set(block.userId, (blocked = new Map()));
    blocked.set(block.blockedUserId, copyBlock(block));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `list`'s order: oldest block first, then by blockedUserId. */
function byAge(a: BlockRecord, b: BlockRecord): number {
  return a.createdAt - b.createdAt || compare(a.blockedUserId, b.blockedUserId);
}

/** The key order (userId, blockedUserId) the other adapters read a transfer in. */
function byKey(a: BlockRecord, b: BlockRecord): number {
  return compare(a.userId, b.userId) || compare(a.blockedUserId, b.blockedUserId);
}
