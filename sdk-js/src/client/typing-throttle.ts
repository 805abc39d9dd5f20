import { TYPING_INTERVAL_MS } from '../protocol/realtime.js';

/** Allows one `typing` event per conversation per interval; the server drops the extra ones anyway. */
export class TypingThrottle {
  readonly #lastSent = new Map<string, number>();
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(intervalMs: number = TYPING_INTERVAL_MS, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True (and the time is recorded) when an event for `key` may go out now. */
  take(key: string): boolean {
    const now = this.#now();
    const last = this.#lastSent.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    if (this.#lastSent.size >= 256) this.#forgetExpired(now);
    this.#lastSent.set(key, now);
    return true;
  }

  #forgetExpired(now: number): void {
    for (const [key, last] of this.#lastSent) if (now - last >= this.#intervalMs) this.#lastSent.delete(key);
  }
}
