import { ConversationType, KickReason, type KickedEvent, type ServerEventName } from '@parley/sdk/protocol';
import type { EventHub } from '../domain/events.js';
import type { Metrics } from '../metrics/metrics.js';
import { appRoom, presenceRoom, userRoom } from './rooms.js';
import type { GatewayServer } from './types.js';

/**
 * Turns what happened in the domain into pushes. Everything goes to user rooms, so every device
 * of every participant hears it, except the device that caused it (it has the ack).
 *
 * `singleProcess` (no cross-process adapter): a push none of whose rooms has a device connected is
 * not emitted at all, since socket.io encodes a packet before it looks for the sockets of its rooms
 * (a send to an offline user, the common case of a backend's send, paid for an encoding nobody
 * received). With several processes the adapter must see every emit: the devices may be connected
 * to another process.
 *
 * Returns a function that stops listening.
 */
export function deliverDomainEvents(io: GatewayServer, events: EventHub, metrics: Metrics, singleProcess: boolean): () => void {
  const localRooms = io.of('/').adapter.rooms;
  /**
   * The devices in `rooms` but the one the change came from, counted as one `event` push; null
   * when there is nobody to push to (see above).
   */
  const reach = (rooms: string[], origin: string | undefined, event: ServerEventName) => {
    if (singleProcess && !rooms.some((room) => localRooms.has(room))) return null;
    metrics.pushes.inc({ event });
    const to = io.to(rooms);
    return origin === undefined ? to : to.except(origin);
  };
  /** Every device of these users, but the one the change came from. */
  const toUsers = (appId: string, userIds: readonly string[], origin: string | undefined, event: ServerEventName) =>
    reach(userIds.map((userId) => userRoom(appId, userId)), origin, event);
  const stops = [
    events.subscribe('message-stored', ({ appId, message, participants, origin }) => {
      toUsers(appId, participants, origin, 'new-message')?.emit('new-message', message);
    }),

    events.subscribe('message-recalled', ({ appId, message, participants, origin }) => {
      toUsers(appId, participants, origin, 'message-recalled')?.emit('message-recalled', message);
    }),

    events.subscribe('session-do-not-disturb', ({ appId, userId, state, origin }) => {
      toUsers(appId, [userId], origin, 'session-do-not-disturb')?.emit('session-do-not-disturb', state);
    }),

    events.subscribe('session-read', ({ appId, userId, state, origin }) => {
      toUsers(appId, [userId], origin, 'session-read')?.emit('session-read', state);
      if (state.conversationType === ConversationType.PRIVATE) {
        toUsers(appId, [state.targetId], undefined, 'read-receipt')?.emit('read-receipt', {
          conversationType: ConversationType.PRIVATE,
          targetId: userId,
          userId,
          readSeq: state.readSeq,
        });
      }
    }),

    events.subscribe('user-typing', ({ appId, userId, conversationType, targetId, recipients }) => {
      // Each recipient sees the conversation from their side: the group, or the typist.
      const conversation = conversationType === ConversationType.GROUP ? targetId : userId;
      toUsers(appId, recipients, undefined, 'typing')?.emit('typing', { conversationType, targetId: conversation, userId });
    }),

    events.subscribe('friend-request', ({ appId, request, answered, audience, origin }) => {
      const event = answered ? 'friend-request-answered' : 'friend-request';
      toUsers(appId, audience, origin, event)?.emit(event, request);
    }),

    events.subscribe('group-join-request', ({ appId, request, answered, audience, origin }) => {
      const event = answered ? 'group-join-request-answered' : 'group-join-request';
      toUsers(appId, audience, origin, event)?.emit(event, request);
    }),

    events.subscribe('friends-added', ({ appId, sides, origin }) => {
      for (const { userId, friend } of sides) {
        toUsers(appId, [userId], origin, 'friend-added')?.emit('friend-added', friend);
      }
    }),

    events.subscribe('friends-removed', ({ appId, pairs, origin }) => {
      for (const [one, other] of pairs) {
        toUsers(appId, [one], origin, 'friend-removed')?.emit('friend-removed', { userId: other });
        toUsers(appId, [other], origin, 'friend-removed')?.emit('friend-removed', { userId: one });
      }
    }),

    events.subscribe('friend-updated', ({ appId, userId, friend, origin }) => {
      toUsers(appId, [userId], origin, 'friend-updated')?.emit('friend-updated', friend);
    }),

    events.subscribe('friend-groups-changed', ({ appId, userId, friendGroups, origin }) => {
      toUsers(appId, [userId], origin, 'friend-groups-changed')?.emit('friend-groups-changed', { friendGroups: [...friendGroups] });
    }),

    events.subscribe('blocks-changed', ({ appId, userId, blocked, unblocked, origin }) => {
      toUsers(appId, [userId], origin, 'blocks-changed')?.emit('blocks-changed', { blocked: [...blocked], unblocked: [...unblocked] });
    }),

    events.subscribe('group-member-updated', ({ appId, groupId, member, members, origin }) => {
      toUsers(appId, members, origin, 'group-member-updated')?.emit('group-member-updated', { groupId, member });
    }),

    events.subscribe('presence-changed', ({ appId, state }) => {
      reach([presenceRoom(appId, state.userId)], undefined, 'presence')?.emit('presence', state);
    }),

    events.subscribe('tokens-revoked', ({ appId, userId }) => {
      metrics.pushes.inc({ event: 'kicked' });
      kick(io, userRoom(appId, userId), KICKS.tokensRevoked);
    }),

    events.subscribe('app-deleted', ({ appId }) => {
      metrics.pushes.inc({ event: 'kicked' });
      kick(io, appRoom(appId), KICKS.appDeleted);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

/** Why devices are closed when their tokens are revoked or their app is deleted. */
export const KICKS = {
  tokensRevoked: { reason: KickReason.TOKEN_REVOKED, message: 'your tokens were revoked; sign in again' },
  appDeleted: { reason: KickReason.APP_DELETED, message: 'this app no longer exists' },
} as const satisfies Record<string, KickedEvent>;

/**
 * Tells every device in `room` why, then closes them; they do not reconnect on their own.
 * `io.local` as the target reaches this process's devices only.
 */
export function kick(target: Pick<GatewayServer, 'to' | 'in'>, room: string, event: KickedEvent): void {
  target.to(room).emit('kicked', event);
  target.in(room).disconnectSockets(true);
}
