/** A listener of event `K` of an event map. */
export type Listener<Events, K extends keyof Events> = (payload: Events[K]) => void;

/**
 * A minimal typed event emitter: event name -> payload type, checked at compile time, a `Map` of
 * listener sets at run time.
 *
 * A listener that throws does not stop the others nor the emitter's owner: the exception is
 * rethrown from a microtask (`queueMicrotask`), so it reaches the platform's usual
 * unhandled-error reporting (the browser console, `process.on('uncaughtException')` in Node) with
 * its original stack.
 */
export class TypedEmitter<Events extends object> {
  /** Listener -> true when it was added with `once`. */
  readonly #listeners = new Map<keyof Events, Map<Listener<Events, never>, boolean>>();

  /** Adds `listener` for `event`; returns a function that removes it. Adding the same function twice keeps one. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    return this.#add(event, listener, false);
  }

  /** Like {@link on}, but the listener is removed after its first call. */
  once<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    return this.#add(event, listener, true);
  }

  /** Removes `listener` from `event` (added with `on` or `once`). */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void {
    const listeners = this.#listeners.get(event);
    if (!listeners) return;
    listeners.delete(listener as Listener<Events, never>);
    if (listeners.size === 0) this.#listeners.delete(event);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` in the order they were added; returns whether there was any. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): boolean {
    const listeners = this.#listeners.get(event);
    if (!listeners) return false;
    // A snapshot: listeners added or removed by a listener take effect from the next emit.
    for (const [listener, once] of [...listeners]) {
      if (once) this.off(event, listener as Listener<Events, K>);
      try {
        (listener as Listener<Events, K>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  #add<K extends keyof Events>(event: K, listener: Listener<Events, K>, once: boolean): () => void {
    let listeners = this.#listeners.get(event);
    if (!listeners) this.#listeners.set(event, (listeners = new Map()));
    listeners.set(listener as Listener<Events, never>, once);
    return () => this.off(event, listener);
  }
}
