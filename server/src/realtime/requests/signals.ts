import { TYPING_INTERVAL_MS } from '@parley/sdk/protocol';
import { z } from 'zod';
import { PRESENCE_SUBSCRIPTIONS_MAX } from '../../domain/presence/presence-service.js';
import type { Services } from '../../domain/services.js';
import { presenceStateModel } from '../../schemas/models.js';
import { presencePayload, typingPayload } from '../../schemas/realtime.js';
import { PRESENCE_ROOM_PREFIX, presenceRoom } from '../rooms.js';
import { socketRequest, type ErrorDoc } from '../socket-request.js';
import type { TypingThrottle } from '../typing-throttle.js';
import { examplePresence } from './examples.js';

const PRESENCE_ERRORS: readonly ErrorDoc[] = [
  { code: 'INVALID_PARAMS', when: '`userIds: must name at least one user`, `userIds: at most 500 per request`, `userIds[2]: …` for a malformed id' },
];

/** What is not stored: typing indicators and presence. */
export function signalRequests(services: Services, throttle: TypingThrottle) {
  const { typing, presence } = services;
  return [
    socketRequest({
      name: 'typing',
      summary: 'Tells the other side of a conversation that the user is composing a message. Nothing is stored.',
      description: [
        `The server relays at most one \`typing\` per device and conversation every ${TYPING_INTERVAL_MS / 1000} seconds (\`TYPING_INTERVAL_MS\`). Extra ones inside that interval are dropped silently: they are acked \`null\` like the others and nobody hears of them. Sending one every ${TYPING_INTERVAL_MS / 1000} seconds while the user keeps typing is enough. Who receives it is described under the [\`typing\` push](#typing-push).`,
        'A private `typing` does not require an earlier conversation: any existing user of the app can be the target.',
      ].join('\n\n'),
      input: typingPayload,
      output: z.null(),
      errors: [
        { code: 'INVALID_PARAMS', when: '`conversationType: …`; `targetId: must be another user`' },
        { code: 'NOT_FOUND', when: '`targetId: user <id> does not exist; …`; `group <id> does not exist`' },
        { code: 'FORBIDDEN', when: '`targetId: user <you> is not a member of group <groupId>`' },
      ],
      example: { payload: { conversationType: 1, targetId: 'bob' }, data: null },
      handle: async (input, { ctx, userId, socket }) => {
        if (!throttle.take(socket.id, input)) return null;
        try {
          await typing.signal(ctx, userId, input);
        } catch (error) {
          throttle.undo(socket.id, input);
          throw error;
        }
        return null;
      },
    }),
    socketRequest({
      name: 'presence-query',
      summary: 'The current presence of some users of the app, one state per id, in the same order.',
      description: 'An id that is not a user of the app is simply offline, with `lastSeenAt: null`.',
      input: presencePayload,
      output: z.array(presenceStateModel),
      errors: PRESENCE_ERRORS,
      example: { payload: { userIds: ['alice', 'carol'] }, data: examplePresence },
      handle: (input, { ctx }) => presence.query(ctx, input.userIds),
    }),
    socketRequest({
      name: 'presence-subscribe',
      summary: 'Like `presence-query`, and from now on this connection gets a [`presence`](#presence) push whenever one of these users comes online or goes offline.',
      description: `Subscriptions belong to the connection: after a reconnect, subscribe again. One connection may watch at most ${PRESENCE_SUBSCRIPTIONS_MAX} users, the user's [contacts](#presence) included.`,
      input: presencePayload,
      output: z.array(presenceStateModel),
      errors: [
        ...PRESENCE_ERRORS,
        { code: 'INVALID_PARAMS', when: `\`userIds: a connection may watch at most ${PRESENCE_SUBSCRIPTIONS_MAX} users\`` },
      ],
      example: { payload: { userIds: ['alice', 'carol'] }, data: examplePresence },
      handle: async (input, { ctx, socket }) => {
        const rooms = input.userIds.map((id) => presenceRoom(ctx.app.appId, id));
        const held = [...socket.rooms].filter((room) => room.startsWith(PRESENCE_ROOM_PREFIX));
        presence.checkSubscriptionCount(new Set([...held, ...rooms]).size);
        await socket.join(rooms);
        return presence.query(ctx, input.userIds);
      },
    }),
    socketRequest({
      name: 'presence-unsubscribe',
      summary: 'Stops `presence` pushes about these users on this connection; this works for contacts too.',
      description: 'Ids the connection does not watch are ignored.',
      input: presencePayload,
      output: z.null(),
      errors: PRESENCE_ERRORS,
      example: { payload: { userIds: ['carol'] }, data: null },
      handle: async (input, { ctx, socket }) => {
        for (const id of input.userIds) await socket.leave(presenceRoom(ctx.app.appId, id));
        return null;
      },
    }),
  ];
}
