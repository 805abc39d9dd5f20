import { toParleyError, type ParleyError } from '../errors.js';
import { Limits } from '../protocol/constants.js';
import type { PresenceState } from '../protocol/realtime.js';
import { isRefusedForNow, retryAfterDelay } from '../retry-after.js';

/** Times one renewal request is asked again after `RATE_LIMITED` before the failure is reported. */
const RENEW_RETRIES = 3;

/** What the presence watch needs from the client. */
export interface PresenceWatchHost {
  /** The `presence-subscribe` request. */
  subscribe(userIds: string[]): Promise<PresenceState[]>;
  /** The `presence-unsubscribe` request. */
  unsubscribe(userIds: string[]): Promise<unknown>;
  /** Whether a connection is ready; a renewal that fails while it is down waits for the next one. */
  online(): boolean;
  /** A watched user's state, for the `presence` event. */
  changed(state: PresenceState): void;
  /** A renewal failed, for the `error` event. */
  report(error: ParleyError): void;
}

/**
 * The users the app watches with `subscribePresence()`. The server keeps subscriptions per
 * connection, so they are asked for again after each reconnect, and each user's state at that
 * moment is reported as a `presence` event (it may have changed while the device was away). A
 * renewal refused with `RATE_LIMITED` waits the server's `retryAfterMs` and asks again (a few
 * times), since the app cannot tell that its subscriptions lapsed.
 */
export class PresenceWatch {
  readonly #host: PresenceWatchHost;
  readonly #watched = new Set<string>();
  /** Counts renewals: a renewal still waiting when the next one starts gives up. */
  #renewals = 0;

  constructor(host: PresenceWatchHost) {
    this.#host = host;
  }

  /** Subscribes to these users; they are watched from the ack on. */
  async subscribe(userIds: string[]): Promise<PresenceState[]> {
    const states = await this.#host.subscribe(userIds);
    for (const userId of userIds) this.#watched.add(userId);
    return states;
  }

  /** Stops watching these users, at once, and tells the server. */
  async unsubscribe(userIds: string[]): Promise<void> {
    for (const userId of userIds) this.#watched.delete(userId);
    await this.#host.unsubscribe(userIds);
  }

  /** After a reconnect: subscribes again to every watched user, in requests of at most `USER_IDS_PER_REQUEST_MAX`. */
  renew(): void {
    const renewal = ++this.#renewals;
    if (this.#watched.size > 0) void this.#renew([...this.#watched], renewal);
  }

  async #renew(userIds: string[], renewal: number): Promise<void> {
    for (let i = 0; i < userIds.length; i += Limits.USER_IDS_PER_REQUEST_MAX) {
      let states: PresenceState[] | undefined;
      for (let retries = 0; states === undefined; retries++) {
        try {
          states = await this.#host.subscribe(userIds.slice(i, i + Limits.USER_IDS_PER_REQUEST_MAX));
        } catch (error) {
          const failure = toParleyError(error);
          if (renewal !== this.#renewals || !this.#host.online()) return;
          if (!isRefusedForNow(failure) || retries >= RENEW_RETRIES) {
            this.#host.report(failure);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, retryAfterDelay(failure)));
          if (renewal !== this.#renewals) return;
        }
      }
      for (const state of states) this.#host.changed(state);
    }
  }
}
