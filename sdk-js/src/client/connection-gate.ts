import type { ParleyError } from '../errors.js';

interface Waiter {
  resolve: () => void;
  reject: (error: ParleyError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Lets requests wait until the connection is usable: open while the client is connected (after
 * `ready`), closed otherwise.
 */
export class ConnectionGate {
  #open = false;
  readonly #waiters = new Set<Waiter>();

  get isOpen(): boolean {
    return this.#open;
  }

  /** Opens the gate and releases every waiter. */
  open(): void {
    this.#open = true;
    for (const waiter of this.#take()) waiter.resolve();
  }

  /** Closes the gate; waiters keep waiting (a reconnect may open it again). */
  close(): void {
    this.#open = false;
  }

  /** Closes the gate and rejects every waiter with `error` (the connection will not come back by itself). */
  fail(error: ParleyError): void {
    this.#open = false;
    for (const waiter of this.#take()) waiter.reject(error);
  }

  /** Resolves when the gate is open; rejects with `timeoutError()` after `timeoutMs`, or as told by {@link fail}. */
  wait(timeoutMs: number, timeoutError: () => ParleyError): Promise<void> {
    if (this.#open) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      waiter.timer = setTimeout(
        () => {
          this.#waiters.delete(waiter);
          reject(timeoutError());
        },
        Math.max(0, timeoutMs),
      );
      this.#waiters.add(waiter);
    });
  }

  #take(): Waiter[] {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) clearTimeout(waiter.timer);
    return waiters;
  }
}
