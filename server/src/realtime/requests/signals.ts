import { TYPING_INTERVAL_MS } from '@parley/sdk/protocol';
import { z } from 'zod';
import { PRESENCE_SUBSCRIPTIONS_MAX } from '../../domain/presence/presence-service.js';
import type { Services } from '../../domain/services.js';
import { presenceStateModel } from '../../schemas/models.js';
import { presencePayload, typingPayload } from '../../schemas/realtime.js';
import { applyWatchChange, watchListOf } from '../presence-watch.js';
import { socketRequest, type ErrorDoc } from '../socket-request.js';
import type { TypingThrottle } from '../typing-throttle.js';
import { examplePresence } from './examples.js';

/** What the presence scope hides (domain/contacts/presence-scope.ts), for the reference of both presence reads. */
const SCOPE_TEXT =
  "Under the app's [presence scope](#presence-scope) `contacts` (the default) a user sees only themselves, their friends, and the users they share a conversation with: a private chat between them with at least one message (either way), or a group they are both members of. Every other id is answered exactly like an id that is not a user of the app: `online: false`, `platforms: []`, `lastSeenAt: null`, so the answer never tells whether that user exists, is online or whom they talk to. Under scope `app` every user of the app is visible. The scope is checked at every request, so a first message, a group join, a new friend or a change of the setting counts at once.";

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
        "A group `typing` requires membership, whatever the app's settings. Who may be the target of a private one depends on the app's [presence scope](#presence-scope): under `contacts` (the default), only a user the typist shares a conversation with (a private chat between them with at least one message, or a common group). A private `typing` to anyone else is dropped silently: it is acked `null` exactly like a delivered one and nobody hears of it, so the ack cannot be used to learn which ids are users or who talks to whom, and a client that shows a typing box before the first message has nothing to handle. Under `app`, any existing user of the app can be the target, and an unknown id is refused with `NOT_FOUND`.",
      ].join('\n\n'),
      input: typingPayload,
      output: z.null(),
      errors: [
        { code: 'INVALID_PARAMS', when: '`conversationType: …`; `targetId: must be another user`' },
        { code: 'NOT_FOUND', when: '`targetId: user <id> does not exist; …` (presence scope `app` only); `group <id> does not exist`' },
        { code: 'FORBIDDEN', when: '`targetId: user <you> is not a member of group <groupId>`' },
      ],
      rateLimit: 'signal',
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
      description: ['An id that is not a user of the app is simply offline, with `lastSeenAt: null`.', SCOPE_TEXT].join('\n\n'),
      input: presencePayload,
      output: z.array(presenceStateModel),
      errors: PRESENCE_ERRORS,
      rateLimit: 'signal',
      example: { payload: { userIds: ['alice', 'carol'] }, data: examplePresence },
      handle: (input, { ctx, userId }) => presence.query(ctx, userId, input.userIds),
    }),
    socketRequest({
      name: 'presence-subscribe',
      summary: 'Like `presence-query`, and from now on this connection gets a [`presence`](#presence) push whenever one of these users (those in the user\'s presence scope) comes online or goes offline.',
      description: [
        `The ack is what \`presence-query\` would answer. Ids outside the user's [presence scope](#presence-scope) are answered the same way (offline, \`lastSeenAt: null\`) and are not subscribed: they never cause a push and do not count against the limit. Once the two share a conversation, subscribe again. The scope is checked when subscribing; a subscription made earlier (before the two stopped sharing a group, or before the app narrowed its scope to \`contacts\`) lasts until the connection ends.`,
        `Subscriptions belong to the connection: after a reconnect, subscribe again. One connection watches at most ${PRESENCE_SUBSCRIPTIONS_MAX} users, its automatic [contacts](#presence) and its subscriptions together. Subscriptions come first: a \`presence-subscribe\` that needs room lets go of the least recently active contacts (no more \`presence\` pushes about them; subscribe to them to get them back). Only when subscriptions alone would pass ${PRESENCE_SUBSCRIPTIONS_MAX} is the request refused, whole, with \`INVALID_PARAMS\`. Subscribing to a user already watched as a contact turns it into a subscription.`,
      ].join('\n\n'),
      input: presencePayload,
      output: z.array(presenceStateModel),
      errors: [
        ...PRESENCE_ERRORS,
        { code: 'INVALID_PARAMS', when: `\`userIds: a connection may subscribe to at most ${PRESENCE_SUBSCRIPTIONS_MAX} users; …\` (contacts watched automatically make room and do not count here)` },
      ],
      rateLimit: 'signal',
      example: { payload: { userIds: ['alice', 'carol'] }, data: examplePresence },
      handle: (input, { ctx, userId, socket }) =>
        presence.subscribe(ctx, userId, watchListOf(socket, presence), input.userIds, (change) => applyWatchChange(socket, change)),
    }),
    socketRequest({
      name: 'presence-unsubscribe',
      summary: 'Stops `presence` pushes about these users on this connection; this works for contacts too.',
      description: 'Ids the connection does not watch are ignored.',
      input: presencePayload,
      output: z.null(),
      errors: PRESENCE_ERRORS,
      rateLimit: 'signal',
      example: { payload: { userIds: ['carol'] }, data: null },
      handle: async (input, { socket }) => {
        await applyWatchChange(socket, { watch: [], unwatch: watchListOf(socket, presence).unsubscribe(input.userIds) });
        return null;
      },
    }),
  ];
}
