import { ConversationType, type Platform, type PresenceState } from '@parley/sdk/protocol';
import type { PresenceRegistry } from '../../bus/ports.js';
import type { AppContext } from '../app-context.js';
import { invalidParams } from '../errors.js';
import type { EventPublisher } from '../events.js';

/** Most users one connection may watch, its contacts included. */
export const PRESENCE_SUBSCRIPTIONS_MAX = 2000;

/**
 * Presence: a user is online while at least one device is connected. Coming online and going
 * offline are published once per user (`presence-changed`), not once per device, and reach the
 * user's contacts and subscribers.
 */
export class PresenceService {
  constructor(
    private readonly registry: PresenceRegistry,
    private readonly events: EventPublisher,
  ) {}

  /**
   * Whose presence a user's device hears without asking: the other user of each of the user's
   * private chats that exist when the device connects.
   */
  async contactsOf(ctx: AppContext, userId: string): Promise<string[]> {
    const sessions = await ctx.data.sessions.listForUser(userId);
    return sessions.filter((session) => session.conversationType === ConversationType.PRIVATE).map((session) => session.targetId);
  }

  /** Records a connected device; publishes `presence-changed` when it is the user's first. */
  async deviceConnected(appId: string, userId: string, connectionId: string, platform: Platform): Promise<void> {
    if (await this.registry.connect(appId, userId, connectionId, platform)) await this.#publish(appId, userId);
  }

  /** Forgets a device; publishes `presence-changed` when it was the user's last. */
  async deviceDisconnected(appId: string, userId: string, connectionId: string): Promise<void> {
    if (await this.registry.disconnect(appId, userId, connectionId)) await this.#publish(appId, userId);
  }

  /** Presence of each of `userIds`, in the same order. */
  query(ctx: AppContext, userIds: readonly string[]): Promise<PresenceState[]> {
    return this.registry.query(ctx.app.appId, userIds);
  }

  /** Refuses a subscription that would make one connection watch more than {@link PRESENCE_SUBSCRIPTIONS_MAX} users. */
  checkSubscriptionCount(watched: number): void {
    if (watched > PRESENCE_SUBSCRIPTIONS_MAX) {
      throw invalidParams('userIds', `a connection may watch at most ${PRESENCE_SUBSCRIPTIONS_MAX} users`);
    }
  }

  async #publish(appId: string, userId: string): Promise<void> {
    const [state] = await this.registry.query(appId, [userId]);
    if (state) this.events.publish('presence-changed', { appId, state });
  }
}
