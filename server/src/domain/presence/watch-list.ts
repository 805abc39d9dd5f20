import { invalidParams } from '../errors.js';

/** What a change of a watch list asks of the transport: presence to start and to stop hearing about. */
export interface WatchChange {
  watch: string[];
  unwatch: string[];
}

/**
 * The users one connection watches (hears `presence` about), bounded by `max` for automatic and
 * explicit watches together:
 *
 * - **Explicit** subscriptions (`presence-subscribe`) come first. They alone may not pass `max`:
 *   a subscription that would is refused whole (INVALID_PARAMS) and changes nothing.
 * - **Contacts**, watched without asking when the device connects, fill the room the explicit
 *   ones leave, most recently active first. When an explicit subscription needs room, the least
 *   recently active contacts are let go. Contacts left out or let go come back at the next
 *   connection (or by subscribing to them), not when room frees up later.
 * - Subscribing to a watched contact makes it explicit; unsubscribing works for both kinds.
 *
 * Plain bookkeeping with no I/O: the caller joins and leaves the rooms a change names, in the
 * same tick, so that two requests of one connection cannot interleave between list and rooms.
 */
export class PresenceWatchList {
  readonly #explicit = new Set<string>();
  /** Contacts watched without asking, most recently active first; never also explicit. */
  #contacts: string[] = [];
  readonly #contactSet = new Set<string>();

  constructor(readonly max: number) {}

  /** How many users are watched. */
  get size(): number {
    return this.#explicit.size + this.#contacts.length;
  }

  has(userId: string): boolean {
    return this.#explicit.has(userId) || this.#contactSet.has(userId);
  }

  /** Watches these contacts (most recently active first) while there is room; returns those newly watched. */
  addContacts(contacts: readonly string[]): string[] {
    const added: string[] = [];
    for (const userId of contacts) {
      if (this.size >= this.max) break;
      if (this.has(userId)) continue;
      this.#contacts.push(userId);
      this.#contactSet.add(userId);
      added.push(userId);
    }
    return added;
  }

  /** Explicit subscription; contacts make room if needed. */
  subscribe(userIds: readonly string[]): WatchChange {
    const fresh = [...new Set(userIds)].filter((userId) => !this.#explicit.has(userId));
    if (this.#explicit.size + fresh.length > this.max) {
      throw invalidParams(
        'userIds',
        `a connection may subscribe to at most ${this.max} users; it has ${this.#explicit.size} subscriptions and asks for ${fresh.length} more, unsubscribe some first`,
      );
    }
    const watch = fresh.filter((userId) => !this.#contactSet.has(userId));
    const promoted = new Set(fresh.filter((userId) => this.#contactSet.has(userId)));
    for (const userId of fresh) this.#explicit.add(userId);
    for (const userId of promoted) this.#contactSet.delete(userId);
    if (promoted.size > 0) this.#contacts = this.#contacts.filter((userId) => !promoted.has(userId));
    const unwatch: string[] = [];
    while (this.size > this.max) {
      const dropped = this.#contacts.pop()!;
      this.#contactSet.delete(dropped);
      unwatch.push(dropped);
    }
    return { watch, unwatch };
  }

  /** Stops watching these users, explicit or contacts; returns those that were watched. */
  unsubscribe(userIds: readonly string[]): string[] {
    const unwatch: string[] = [];
    let contactsLeft = false;
    for (const userId of new Set(userIds)) {
      if (this.#explicit.delete(userId)) unwatch.push(userId);
      else if (this.#contactSet.delete(userId)) {
        unwatch.push(userId);
        contactsLeft = true;
      }
    }
    if (contactsLeft) this.#contacts = this.#contacts.filter((userId) => this.#contactSet.has(userId));
    return unwatch;
  }
}
