import { Limits } from '../protocol/constants.js';
import { ClientErrorCode, ParleyError, toParleyError } from '../errors.js';
import type { Message } from '../protocol/models.js';
import type { ConversationRef } from '../protocol/realtime.js';

/** Largest `sync-messages` page. */
export const SYNC_PAGE_SIZE = Limits.MESSAGE_PAGE_MAX;
/** How long a hole may stay open before it is fetched: reordered pushes usually close it sooner. */
export const HOLE_FILL_DELAY_MS = 250;
/** Retries of a failed page (retryable errors only), with full-jitter exponential backoff. */
const MAX_RETRIES = 3;
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 5_000;

/** What the gap filler needs from the client. */
export interface GapFillerHost {
  /** One `sync-messages` page: messages after `afterSeq`, oldest first. */
  fetch(ref: ConversationRef, afterSeq: number, limit: number): Promise<Message[]>;
  /**
   * Runs fetched messages through the sequencer, delivering the new ones except those stored
   * before `silentBefore` (server ms), which are only taken in.
   */
  ingest(messages: readonly Message[], silentBefore: number | undefined): void;
  known(key: string): number | undefined;
  hasHole(key: string): boolean;
  /** Gives up on the hole of `key`, delivering what waited behind it. */
  skipHole(key: string): void;
  /** Whether the connection is up; a fill that fails while it is down is left to the next connect. */
  online(): boolean;
  /** A fill failed for good. */
  report(error: ParleyError): void;
}

interface Job {
  ref: ConversationRef;
  /** Fetch at least up to this seq (0: just close the hole). */
  upTo: number;
  silentBefore: number | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: boolean;
}

/**
 * Fetches the messages a conversation is missing with `sync-messages`, one fill per conversation
 * at a time. Fetched messages go through the sequencer like pushes, so nothing is delivered twice.
 *
 * A page that brings nothing new while messages are still missing ends the fill with an error
 * report; if messages wait behind the hole they are then delivered anyway, so one lost message
 * cannot block a conversation.
 */
export class GapFiller {
  readonly #jobs = new Map<string, Job>();
  readonly #host: GapFillerHost;
  readonly #delayMs: number;
  #generation = 0;

  constructor(host: GapFillerHost, delayMs: number = HOLE_FILL_DELAY_MS) {
    this.#host = host;
    this.#delayMs = delayMs;
  }

  /** Conversation `key` has a hole: fill it after a short delay, unless a fill is already due. */
  schedule(key: string, ref: ConversationRef): void {
    if (this.#jobs.has(key)) return;
    const job: Job = { ref, upTo: 0, silentBefore: undefined, timer: undefined, running: false };
    job.timer = setTimeout(() => void this.#run(key, job), this.#delayMs);
    this.#jobs.set(key, job);
  }

  /**
   * Fetches conversation `key` now, up to seq `upTo` at least; joins a fill already under way.
   * Messages stored before `silentBefore` (server ms) are taken in without being delivered.
   */
  fill(key: string, ref: ConversationRef, upTo: number, silentBefore?: number): void {
    const job = this.#jobs.get(key);
    if (!job) {
      const fresh: Job = { ref, upTo, silentBefore, timer: undefined, running: false };
      this.#jobs.set(key, fresh);
      void this.#run(key, fresh);
      return;
    }
    job.upTo = Math.max(job.upTo, upTo);
    if (silentBefore !== undefined) job.silentBefore = Math.max(job.silentBefore ?? silentBefore, silentBefore);
    if (!job.running) void this.#run(key, job);
  }

  /** Stops every fill (disconnect). */
  cancelAll(): void {
    this.#generation++;
    for (const job of this.#jobs.values()) clearTimeout(job.timer);
    this.#jobs.clear();
  }

  async #run(key: string, job: Job): Promise<void> {
    clearTimeout(job.timer);
    job.timer = undefined;
    job.running = true;
    const generation = this.#generation;
    const host = this.#host;
    let failures = 0;
    try {
      while (generation === this.#generation) {
        const known = host.known(key) ?? 0;
        if (known >= job.upTo && !host.hasHole(key)) return;

        let page: Message[];
        try {
          page = await host.fetch(job.ref, known, SYNC_PAGE_SIZE);
        } catch (error) {
          if (generation !== this.#generation || !host.online()) return;
          const failure = toParleyError(error);
          if (failure.code === ClientErrorCode.DISCONNECTED) return;
          if (failure.retryable && ++failures <= MAX_RETRIES) {
            // Full jitter: a random wait up to an exponentially growing ceiling.
            const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (failures - 1));
            await new Promise((resolve) => (job.timer = setTimeout(resolve, Math.random() * ceiling)));
            continue;
          }
          host.report(failure);
          return;
        }
        if (generation !== this.#generation) return;
        failures = 0;
        host.ingest(page, job.silentBefore);
        if ((host.known(key) ?? 0) > known) continue;

        // The page brought nothing new: stop rather than ask the same question forever.
        const where = `${key} after seq ${known}`;
        if (host.hasHole(key)) {
          host.report(new ParleyError(ClientErrorCode.BAD_RESPONSE, `sync-messages returned no message for ${where}; the missing messages are skipped`));
          host.skipHole(key);
        } else {
          host.report(new ParleyError(ClientErrorCode.BAD_RESPONSE, `sync-messages returned no message for ${where}, below the session's lastSeq ${job.upTo}`));
        }
        return;
      }
    } finally {
      if (this.#jobs.get(key) === job) this.#jobs.delete(key);
    }
  }
}
