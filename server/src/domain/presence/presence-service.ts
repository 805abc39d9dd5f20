import type { Platform, PresenceState } from '@parley/sdk/protocol';
import type { PresenceRegistry } from '../../bus/ports.js';
import type { AppContext } from '../app-context.js';
import { inPresenceScope, recentContacts } from '../contacts/presence-scope.js';
import type { EventPublisher } from '../events.js';
import { PresenceWatchList, type WatchChange } from './watch-list.js';

/** Most users one connection may watch, its contacts included (see {@link PresenceWatchList}). */
export const PRESENCE_SUBSCRIPTIONS_MAX = 2000;

export interface PresenceServiceOptions {
  /** Most users one connection may watch; default {@link PRESENCE_SUBSCRIPTIONS_MAX}. */
  maxWatched?: number;
}

/**
 * Presence: a user is online while at least one device is connected. Coming online and going
 * offline are published once per user (`presence-changed`), not once per device, and reach the
 * connections that watch the user: their contacts and subscribers.
 *
 * What a user may see is bounded by the app's presence scope (contacts/presence-scope.ts): a user
 * outside it is answered exactly as an id of no user is, offline with `lastSeenAt: null`, and is
 * never watched, so neither an answer nor a push tells whether they exist, are online or whom
 * they talk to.
 */
export class PresenceService {
  readonly #maxWatched: number;

  constructor(
    private readonly registry: PresenceRegistry,
    private readonly events: EventPublisher,
    options: PresenceServiceOptions = {},
  ) {
    this.#maxWatched = options.maxWatched ?? PRESENCE_SUBSCRIPTIONS_MAX;
  }

  /** An empty watch list for a new connection, bounded by this service's cap. */
  newWatchList(): PresenceWatchList {
    return new PresenceWatchList(this.#maxWatched);
  }

  /**
   * Adds to a new connection's `watches` the contacts it hears about without asking: the other
   * user of each of `userId`'s private chats that exist now, most recently active first, as many
   * as the cap leaves room for. Returns those newly watched.
   */
  async watchContacts(ctx: AppContext, userId: string, watches: PresenceWatchList): Promise<string[]> {
    const contacts = await recentContacts(ctx, userId, watches.max);
    return watches.addContacts(contacts);
  }

  /** Records a connected device; publishes `presence-changed` when it is the user's first. */
  async deviceConnected(appId: string, userId: string, connectionId: string, platform: Platform): Promise<void> {
    if (await this.registry.connect(appId, userId, connectionId, platform)) await this.#publish(appId, userId);
  }

  /** Forgets a device; publishes `presence-changed` when it was the user's last. */
  async deviceDisconnected(appId: string, userId: string, connectionId: string): Promise<void> {
    if (await this.registry.disconnect(appId, userId, connectionId)) await this.#publish(appId, userId);
  }

  /** Presence of each of `userIds` as `viewerId` may see it, in the same order. */
  async query(ctx: AppContext, viewerId: string, userIds: readonly string[]): Promise<PresenceState[]> {
    return this.#states(ctx, userIds, await inPresenceScope(ctx, viewerId, userIds));
  }

  /**
   * Subscribes a connection of `viewerId` to the users of `userIds` in their scope (the others are
   * left out and do not count against the cap), then answers as {@link query}. `apply` joins and
   * leaves the rooms the change names; it runs before presence is read, so no change falls
   * between the answer and the first push.
   *
   * @throws INVALID_PARAMS when the explicit subscriptions alone would pass the cap.
   */
  async subscribe(
    ctx: AppContext,
    viewerId: string,
    watches: PresenceWatchList,
    userIds: readonly string[],
    apply: (change: WatchChange) => Promise<void>,
  ): Promise<PresenceState[]> {
    const visible = await inPresenceScope(ctx, viewerId, userIds);
    await apply(watches.subscribe(userIds.filter((userId) => visible.has(userId))));
    return this.#states(ctx, userIds, visible);
  }

  async #states(ctx: AppContext, userIds: readonly string[], visible: ReadonlySet<string>): Promise<PresenceState[]> {
    const shown = [...new Set(userIds.filter((userId) => visible.has(userId)))];
    const states = shown.length === 0 ? [] : await this.registry.query(ctx.app.appId, shown);
    const byId = new Map(states.map((state) => [state.userId, state]));
    return userIds.map((userId) => byId.get(userId) ?? unknownPresence(userId));
  }

  async #publish(appId: string, userId: string): Promise<void> {
    const [state] = await this.registry.query(appId, [userId]);
    if (state) this.events.publish('presence-changed', { appId, state });
  }
}

/** How a user outside the scope reads: the same as an id of no user, or a user who never connected. */
function unknownPresence(userId: string): PresenceState {
  return { userId, online: false, platforms: [], lastSeenAt: null };
}
