import { toParleyError, type ParleyError } from '../errors.js';
import { Limits } from '../protocol/constants.js';
import type { PresenceState } from '../protocol/realtime.js';

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
 * moment is reported as a `presence` event (it may have changed while the device was away).
 */
export class PresenceWatch {
  readonly #host: PresenceWatchHost;
  readonly #watched = new Set<string>();

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
    if (this.#watched.size > 0) void this.#renew([...this.#watched]);
  }

  async #renew(userIds: string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += Limits.USER_IDS_PER_REQUEST_MAX) {
      let states: PresenceState[];
      try {
        states = await this.#host.subscribe(userIds.slice(i, i + Limits.USER_IDS_PER_REQUEST_MAX));
      } catch (error) {
        if (this.#host.online()) this.#host.report(toParleyError(error));
        return;
      }
      for (const state of states) this.#host.changed(state);
    }
  }
}
