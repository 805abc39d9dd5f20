import { DuplicateKeyError, type JoinRequestRepo } from '../ports.js';
import type { JoinRequestRecord } from '../records.js';

/** Join requests of one app, by id, with each group's pending ones by user for the one-pending rule. */
export class MemoryJoinRequestRepo implements JoinRequestRepo {
  readonly #byId = new Map<string, JoinRequestRecord>();
  /** groupId -> userId -> requestId of the pending request. */
  readonly #pending = new Map<string, Map<string, string>>();
  /** userId -> requestIds of their pending requests, over every group. */
  readonly #pendingOfUser = new Map<string, Set<string>>();

  async insert(request: JoinRequestRecord): Promise<void> {
    if (this.#byId.has(request.requestId)) throw new DuplicateKeyError(`requestId ${request.requestId} is taken`);
    if (request.status === 'pending' && this.#pending.get(request.groupId)?.has(request.userId)) {
      throw new DuplicateKeyError(`user ${request.userId} has a pending request to group ${request.groupId}`);
    }
    this.put(request);
  }

  async get(requestId: string): Promise<JoinRequestRecord | null> {
    const request = this.#byId.get(requestId);
    return request ? { ...request } : null;
  }

  async pendingOf(groupId: string, userId: string): Promise<JoinRequestRecord | null> {
    const requestId = this.#pending.get(groupId)?.get(userId);
    return requestId === undefined ? null : this.get(requestId);
  }

  async listPending(groupId: string, limit: number, offset = 0): Promise<JoinRequestRecord[]> {
    return this.#oldestFirst(this.#pending.get(groupId)?.values() ?? [], limit, offset);
  }

  async listPendingOfUser(userId: string, limit: number): Promise<JoinRequestRecord[]> {
    return this.#oldestFirst(this.#pendingOfUser.get(userId) ?? [], limit, 0);
  }

  #oldestFirst(ids: Iterable<string>, limit: number, offset: number): JoinRequestRecord[] {
    if (limit <= 0) return [];
    return [...ids]
      .map((id) => this.#byId.get(id)!)
      .sort((a, b) => a.createdAt - b.createdAt || (a.requestId < b.requestId ? -1 : 1))
      .slice(Math.max(0, offset), Math.max(0, offset) + limit)
      .map((request) => ({ ...request }));
  }

  async decide(requestId: string, decision: { status: 'approved' | 'rejected'; decidedBy: string | null; decidedAt: number }): Promise<JoinRequestRecord | null> {
    const request = this.#byId.get(requestId);
    if (!request || request.status !== 'pending') return null;
    const decided: JoinRequestRecord = { ...request, ...decision };
    this.#byId.set(requestId, decided);
    this.#unpend(request);
    return { ...decided };
  }

  async deleteForGroup(groupId: string): Promise<void> {
    for (const [id, request] of this.#byId) {
      if (request.groupId !== groupId) continue;
      if (request.status === 'pending') this.#unpend(request);
      this.#byId.delete(id);
    }
    this.#pending.delete(groupId);
  }

  /** Takes a request that was pending out of both pending indexes. */
  #unpend(request: JoinRequestRecord): void {
    this.#pending.get(request.groupId)?.delete(request.userId);
    const ofUser = this.#pendingOfUser.get(request.userId);
    ofUser?.delete(request.requestId);
    if (ofUser?.size === 0) this.#pendingOfUser.delete(request.userId);
  }

  /** Every request, by requestId (for the transfer port). */
  all(): JoinRequestRecord[] {
    return [...this.#byId.values()].sort((a, b) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0)).map((request) => ({ ...request }));
  }

  /**
   * Stores `request` as it is, replacing the one with its id (for the transfer port).
   * @throws DuplicateKeyError when it is pending and the user has another pending request to the group.
   */
  put(request: JoinRequestRecord): void {
    const pendingId = request.status === 'pending' ? this.#pending.get(request.groupId)?.get(request.userId) : undefined;
    if (pendingId !== undefined && pendingId !== request.requestId) {
      throw new DuplicateKeyError(`user ${request.userId} has a pending request to group ${request.groupId}`);
    }
    const earlier = this.#byId.get(request.requestId);
    if (earlier?.status === 'pending') this.#unpend(earlier);
    this.#byId.set(request.requestId, { ...request });
    if (request.status === 'pending') {
      let pending = this.#pending.get(request.groupId);
      if (!pending) this.#pending.set(request.groupId, (pending = new Map()));
      pending.set(request.userId, request.requestId);
      let ofUser = this.#pendingOfUser.get(request.userId);
      if (!ofUser) this.#pendingOfUser.set(request.userId, (ofUser = new Set()));
      ofUser.add(request.requestId);
    }
  }
}
