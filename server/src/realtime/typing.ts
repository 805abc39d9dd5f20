import { ConversationType, TYPING_INTERVAL_MS, type TypingPayload } from '@parley/sdk/protocol';
import type { Clock } from '../domain/clock.js';
import { forbidden, invalidParams } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import type { DeviceRequest } from './requests.js';
import { userRoom } from './rooms.js';
import type { GatewayServer } from './types.js';

/**
 * Typing indicators: relayed to the other side of the conversation, never stored. A device may
 * signal once per conversation every TYPING_INTERVAL_MS; extra signals are dropped quietly,
 * because the indicator they would refresh is already showing.
 */
export class TypingRelay {
  /** Per connection: conversation -> when its last signal was relayed. */
  readonly #lastRelayed = new Map<string, Map<string, number>>();

  constructor(
    private readonly io: GatewayServer,
    private readonly services: Services,
    private readonly clock: Clock,
  ) {}

  async relay({ ctx, userId, socket }: DeviceRequest, ref: TypingPayload): Promise<void> {
    const key = `${ref.conversationType}:${ref.targetId}`;
    const now = this.clock.now();
    let mine = this.#lastRelayed.get(socket.id);
    if (!mine) this.#lastRelayed.set(socket.id, (mine = new Map()));
    const last = mine.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return;

    const appId = ctx.app.appId;
    if (ref.conversationType === ConversationType.GROUP) {
      const group = await this.services.groups.require(ctx, ref.targetId);
      if (!group.members.some((member) => member.userId === userId)) {
        throw forbidden(`targetId: user ${userId} is not a member of group ${group.groupId}`);
      }
      mine.set(key, now);
      const others = group.members.filter((member) => member.userId !== userId).map((member) => userRoom(appId, member.userId));
      if (others.length > 0) this.io.to(others).emit('typing', { conversationType: ConversationType.GROUP, targetId: group.groupId, userId });
    } else {
      if (ref.targetId === userId) throw invalidParams('targetId', 'must be another user');
      await this.services.users.require(ctx, ref.targetId, 'targetId');
      mine.set(key, now);
      this.io.to(userRoom(appId, ref.targetId)).emit('typing', { conversationType: ConversationType.PRIVATE, targetId: userId, userId });
    }
  }

  /** Forgets a closed connection. */
  forget(connectionId: string): void {
    this.#lastRelayed.delete(connectionId);
  }
}
