import { reactive } from 'vue';
import type { ConversationRef, ParleyClient } from '@parley/sdk';
import { keyOf } from './conversations';

/** How long "is typing" stays after the last typing event (senders repeat it every 3 s). */
const SHOW_MS = 5000;

/** Who is typing where: conversation key -> user ids, each until SHOW_MS after their last event. */
export function createTyping(client: ParleyClient) {
  const typists = reactive(new Map<string, string[]>());
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function clear(key: string, userId: string): void {
    const id = `${key}|${userId}`;
    clearTimeout(timers.get(id));
    timers.delete(id);
    const left = (typists.get(key) ?? []).filter((u) => u !== userId);
    if (left.length === 0) typists.delete(key);
    else typists.set(key, left);
  }

  const off = client.on('typing', ({ conversationType, targetId, userId }) => {
    const key = keyOf(conversationType, targetId);
    const id = `${key}|${userId}`;
    clearTimeout(timers.get(id));
    const now = typists.get(key) ?? [];
    if (!now.includes(userId)) typists.set(key, [...now, userId]);
    timers.set(id, setTimeout(() => clear(key, userId), SHOW_MS));
  });

  /** Tells the others the user is composing; the SDK sends at most one event per 3 s. */
  function typing(conversation: ConversationRef): void {
    client.typing({ conversationType: conversation.conversationType, targetId: conversation.targetId }).catch((error: unknown) => {
      console.warn('demo: typing not sent', error);
    });
  }

  function stop(): void {
    off();
    timers.forEach((timer) => clearTimeout(timer));
  }

  return { typists, clear, typing, stop };
}

export type Typing = ReturnType<typeof createTyping>;
