import { ConversationType, KickReason, type KickedEvent, type ServerEventName } from '@parley/sdk/protocol';
import type { EventHub } from '../domain/events.js';
import type { Metrics } from '../metrics/metrics.js';
import { appRoom, presenceRoom, userRoom } from './rooms.js';
import type { GatewayServer } from './types.js';

/**
 * Turns what happened in the domain into pushes. Everything goes to user rooms, so every device
 * of every participant hears it, except the device that caused it (it has the ack).
 *
 * `singleProcess` (no cross-process adapter): a new message for participants none of whose devices
 * is connected is not emitted at all, since socket.io encodes a packet before it looks for the
 * sockets of its rooms (a send to an offline user, the common case of a backend's send, paid for an
 * encoding nobody received). With several processes the adapter must see every emit: the
 * participants may be connected to another process.
 *
 * Returns a function that stops listening.
 */
export function deliverDomainEvents(io: GatewayServer, events: EventHub, metrics: Metrics, singleProcess: boolean): () => void {
  const localRooms = io.of('/').adapter.rooms;
  const pushed = (event: ServerEventName) => metrics.pushes.inc({ event });
  /** Every device of these users, but the one the change came from. */
  const toUsers = (appId: string, userIds: readonly string[], origin: string | undefined) => {
    const rooms = io.to(userIds.map((userId) => userRoom(appId, userId)));
    return origin === undefined ? rooms : rooms.except(origin);
  };
  const stops = [
    events.subscribe('message-stored', ({ appId, message, participants, origin }) => {
      const rooms = participants.map((userId) => userRoom(appId, userId));
      if (singleProcess && !rooms.some((room) => localRooms.has(room))) return;
      pushed('new-message');
      (origin === undefined ? io.to(rooms) : io.to(rooms).except(origin)).emit('new-message', message);
    }),

    events.subscribe('message-recalled', ({ appId, message, participants, origin }) => {
      const rooms = participants.map((userId) => userRoom(appId, userId));
      pushed('message-recalled');
      (origin === undefined ? io.to(rooms) : io.to(rooms).except(origin)).emit('message-recalled', message);
    }),

    events.subscribe('session-do-not-disturb', ({ appId, userId, state, origin }) => {
      pushed('session-do-not-disturb');
      toUsers(appId, [userId], origin).emit('session-do-not-disturb', state);
    }),

    events.subscribe('session-read', ({ appId, userId, state, origin }) => {
      const own = io.to(userRoom(appId, userId));
      pushed('session-read');
      (origin === undefined ? own : own.except(origin)).emit('session-read', state);
      if (state.conversationType === ConversationType.PRIVATE) {
        pushed('read-receipt');
        io.to(userRoom(appId, state.targetId)).emit('read-receipt', {
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
      pushed('typing');
      io.to(recipients.map((recipient) => userRoom(appId, recipient))).emit('typing', { conversationType, targetId: conversation, userId });
    }),

    events.subscribe('friend-request', ({ appId, request, answered, audience, origin }) => {
      const event = answered ? 'friend-request-answered' : 'friend-request';
      pushed(event);
      toUsers(appId, audience, origin).emit(event, request);
    }),

    events.subscribe('group-join-request', ({ appId, request, answered, audience, origin }) => {
      const event = answered ? 'group-join-request-answered' : 'group-join-request';
      pushed(event);
      toUsers(appId, audience, origin).emit(event, request);
    }),

    events.subscribe('friends-added', ({ appId, sides, origin }) => {
      for (const { userId, friend } of sides) {
        pushed('friend-added');
        toUsers(appId, [userId], origin).emit('friend-added', friend);
      }
    }),

    events.subscribe('friends-removed', ({ appId, pairs, origin }) => {
      for (const [one, other] of pairs) {
        pushed('friend-removed');
        toUsers(appId, [one], origin).emit('friend-removed', { userId: other });
        pushed('friend-removed');
        toUsers(appId, [other], origin).emit('friend-removed', { userId: one });
      }
    }),

    events.subscribe('friend-updated', ({ appId, userId, friend, origin }) => {
      pushed('friend-updated');
      toUsers(appId, [userId], origin).emit('friend-updated', friend);
    }),

    events.subscribe('friend-groups-changed', ({ appId, userId, friendGroups, origin }) => {
      pushed('friend-groups-changed');
      toUsers(appId, [userId], origin).emit('friend-groups-changed', { friendGroups: [...friendGroups] });
    }),

    events.subscribe('presence-changed', ({ appId, state }) => {
      pushed('presence');
      io.to(presenceRoom(appId, state.userId)).emit('presence', state);
    }),

    events.subscribe('tokens-revoked', ({ appId, userId }) => {
      pushed('kicked');
      kick(io, userRoom(appId, userId), KICKS.tokensRevoked);
    }),

    events.subscribe('app-deleted', ({ appId }) => {
      pushed('kicked');
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
