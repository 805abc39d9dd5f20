import { TYPING_INTERVAL_MS, type ConversationRef } from '@parley/sdk/protocol';
import type { Clock } from '../clock.js';

/**
 * A device may signal `typing` once per conversation every TYPING_INTERVAL_MS; extra signals are
 * dropped quietly before any work is done, because the indicator they would refresh is already
 * showing. Kept per connection, forgotten when it closes.
 */
export class TypingThrottle {
  /** Per connection: conversation -> when its last signal was let through. */
  readonly #lastSignal = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock) {}

  /** True (and recorded) when connection `connectionId` may signal in `ref` now. */
  take(connectionId: string, ref: ConversationRef): boolean {
    const key = `${ref.conversationType}:${ref.targetId}`;
    const now = this.clock.now();
    let mine = this.#lastSignal.get(connectionId);
    if (!mine) this.#lastSignal.set(connectionId, (mine = new Map()));
    const last = mine.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
    // Entries older than the interval decide nothing any more: sweep them before the map grows.
    if (mine.size >= 256) for (const [seen, at] of mine) if (now - at >= TYPING_INTERVAL_MS) mine.delete(seen);
    mine.set(key, now);
    return true;
  }

  /** Lets a refused signal (not a member, unknown user) be retried at once instead of being throttled. */
  undo(connectionId: string, ref: ConversationRef): void {
    this.#lastSignal.get(connectionId)?.delete(`${ref.conversationType}:${ref.targetId}`);
  }

  /** Forgets a closed connection. */
  forget(connectionId: string): void {
    this.#lastSignal.delete(connectionId);
  }
}
