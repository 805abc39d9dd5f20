import { ConversationType, type ClientRequestName, type ClientRequests } from '@parley/sdk/protocol';
import type { Bus } from '../bus/ports.js';
import type { AppContext } from '../domain/app-context.js';
import { forbidden, invalidParams } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { sendMessageRequest } from '../schemas/open-api.js';
import { parseInput } from '../schemas/parse.js';
import {
  presencePayload,
  recallMessagePayload,
  sessionMessageListPayload,
  setSessionReadPayload,
  SYNC_PAGE_MAX,
  syncMessagesPayload,
  typingPayload,
} from '../schemas/realtime.js';
import { PRESENCE_ROOM_PREFIX, presenceRoom } from './rooms.js';
import type { TypingRelay } from './typing.js';
import type { DeviceSocket } from './types.js';

/** One request from one device: who asks, for which app, over which connection. */
export interface DeviceRequest {
  ctx: AppContext;
  userId: string;
  socket: DeviceSocket;
}

type Handlers = {
  [E in ClientRequestName]: (payload: unknown, request: DeviceRequest) => Promise<ClientRequests[E]['result']>;
};

/** Most presence subscriptions one connection may hold. */
export const PRESENCE_SUBSCRIPTIONS_MAX = 2000;

/**
 * The socket requests: each parses its payload with the boundary schema, calls the domain and
 * returns what the ack carries. Rules stay in the domain.
 */
export function requestHandlers(services: Services, bus: Bus, typing: TypingRelay): Handlers {
  const { sessions, messages, recalls } = services;
  return {
    'session-list': (_payload, { ctx, userId }) => sessions.list(ctx, userId),

    'session-message-list': async (payload, { ctx, userId }) => {
      const input = parseInput(sessionMessageListPayload, payload);
      const session = await sessions.require(ctx, userId, input.sid);
      return messages.page(ctx, session.conversationId, input.limit, input.lastmsgId);
    },

    'send-private-message': (payload, { ctx, userId }) => messages.sendPrivate(ctx, sendInput(payload, userId)),

    'send-group-message': (payload, { ctx, userId }) => messages.sendGroup(ctx, sendInput(payload, userId)),

    'set-session-read': (payload, { ctx, userId }) => {
      const input = parseInput(setSessionReadPayload, payload);
      return sessions.markRead(ctx, userId, input.sid, input.seq);
    },

    'sync-messages': (payload, { ctx, userId }) => {
      const input = parseInput(syncMessagesPayload, payload);
      if (input.conversationType === ConversationType.PRIVATE && input.targetId === userId) {
        throw invalidParams('targetId', 'must be another user');
      }
      return messages.after(ctx, { ...input, userId, limit: input.limit ?? SYNC_PAGE_MAX });
    },

    'recall-message': (payload, { ctx, userId }) => {
      const input = parseInput(recallMessagePayload, payload);
      return recalls.recall(ctx, input.msgId, userId);
    },

    typing: async (payload, request) => {
      await typing.relay(request, parseInput(typingPayload, payload));
      return null;
    },

    'presence-query': (payload, { ctx }) => bus.presence.query(ctx.app.appId, parseInput(presencePayload, payload).userIds),

    'presence-subscribe': async (payload, { ctx, socket }) => {
      const { userIds } = parseInput(presencePayload, payload);
      const rooms = userIds.map((id) => presenceRoom(ctx.app.appId, id));
      const held = [...socket.rooms].filter((room) => room.startsWith(PRESENCE_ROOM_PREFIX));
      if (new Set([...held, ...rooms]).size > PRESENCE_SUBSCRIPTIONS_MAX) {
        throw invalidParams('userIds', `a connection may watch at most ${PRESENCE_SUBSCRIPTIONS_MAX} users`);
      }
      await socket.join(rooms);
      return bus.presence.query(ctx.app.appId, userIds);
    },

    'presence-unsubscribe': async (payload, { ctx, socket }) => {
      const { userIds } = parseInput(presencePayload, payload);
      for (const id of userIds) await socket.leave(presenceRoom(ctx.app.appId, id));
      return null;
    },
  };
}

/**
 * A send from a device: the sender is the connected user. A payload naming someone else is
 * refused rather than silently corrected, so a client bug shows up.
 */
function sendInput(payload: unknown, userId: string) {
  const given = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : null;
  if (given === null) throw invalidParams('body', 'must be an object');
  const input = parseInput(sendMessageRequest, { senderUserId: userId, ...given });
  if (input.senderUserId !== userId) throw forbidden(`senderUserId: must be the connected user ${userId}`);
  return input;
}
