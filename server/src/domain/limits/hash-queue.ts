import { ErrorCode } from '@parley/sdk/protocol';
import { AppError } from '../errors.js';

/** The work queue is full: `SERVER_BUSY`, with a hint of when to try again. */
export class ServerBusyError extends AppError {
  constructor(retryAfterMs: number, what: string) {
    super(ErrorCode.SERVER_BUSY, `${what}: the server is busy; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
  }
}

export interface WorkQueueOptions {
  /** Jobs run at once. */
  concurrency: number;
  /** Jobs that may wait; one more is refused with `SERVER_BUSY`. */
  queue: number;
  /** What a refused caller is told to wait. */
  retryAfterMs: number;
  /** Names the work in the refusal. */
  what: string;
}

/**
 * Runs expensive jobs (password hashes: 128 MiB and a core each) a few at a time, with a bounded
 * wait list, so a flood of requests costs a fixed amount of memory and CPU and is refused early
 * instead of making every caller wait.
 */
export class WorkQueue {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Runs `job` now or after the jobs ahead of it; throws {@link ServerBusyError} when the wait list is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.options.concurrency) {
      if (this.#waiting.length >= this.options.queue) throw new ServerBusyError(this.options.retryAfterMs, this.options.what);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await job();
    } finally {
      // Hand the slot straight to the next waiter, so `running` never dips and lets a newcomer jump the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }

  /** Jobs running and waiting, for tests and metrics. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }
}
