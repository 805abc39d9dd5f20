import { reactive } from 'vue';
import { ParleyError, type ParleyClient, type PresenceState } from '@parley/sdk';

/**
 * Who is online, for the presence dots of private chats. The SDK follows the user's contacts and
 * renews subscriptions after a reconnect; `watch` subscribes users of chats that began later
 * (under the default presence scope a user is visible once the two share a conversation).
 */
export function createPresence(client: ParleyClient) {
  const online = reactive(new Map<string, boolean>());
  const set = (state: PresenceState) => online.set(state.userId, state.online);
  const off = client.on('presence', set);

  async function watch(userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds)].slice(0, 500);
    if (ids.length === 0) return;
    try {
      (await client.subscribePresence(ids)).forEach(set);
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'RATE_LIMITED') {
        setTimeout(() => void watch(ids), error.retryAfterMs ?? 1000);
        return;
      }
      console.warn('demo: presence subscription failed', error);
    }
  }

  return { online, watch, stop: off };
}

export type Presence = ReturnType<typeof createPresence>;
