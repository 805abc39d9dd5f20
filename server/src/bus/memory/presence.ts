import type { Platform, PresenceState } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { PresenceRegistry } from '../ports.js';

/**
 * Presence kept in this process. Correct for one server process only: with several, each sees
 * only its own devices (use the Redis bus). Forgets last-seen times on restart.
 */
export class MemoryPresence implements PresenceRegistry {
  /** `${appId}\n${userId}` -> connectionId -> platform. */
  readonly #devices = new Map<string, Map<string, Platform>>();
  /** `${appId}\n${userId}` -> when the last device left. */
  readonly #lastSeen = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async connect(appId: string, userId: string, connectionId: string, platform: Platform): Promise<boolean> {
    const key = keyOf(appId, userId);
    let devices = this.#devices.get(key);
    if (!devices) this.#devices.set(key, (devices = new Map()));
    const first = devices.size === 0;
    devices.set(connectionId, platform);
    return first;
  }

  async disconnect(appId: string, userId: string, connectionId: string): Promise<boolean> {
    const key = keyOf(appId, userId);
    const devices = this.#devices.get(key);
    if (!devices?.delete(connectionId) || devices.size > 0) return false;
    this.#devices.delete(key);
    this.#lastSeen.set(key, this.clock.now());
    return true;
  }

  async query(appId: string, userIds: readonly string[]): Promise<PresenceState[]> {
    return userIds.map((userId) => {
      const key = keyOf(appId, userId);
      const platforms = [...new Set(this.#devices.get(key)?.values() ?? [])];
      const online = platforms.length > 0;
      return { userId, online, platforms, lastSeenAt: online ? null : (this.#lastSeen.get(key) ?? null) };
    });
  }
}

function keyOf(appId: string, userId: string): string {
  return `${appId}\n${userId}`;
}
