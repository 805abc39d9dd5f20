import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import { sessionDoNotDisturbStateModel, sessionModel, sessionReadStateModel } from '../../schemas/models.js';
import { setDoNotDisturbPayload, setSessionReadPayload } from '../../schemas/realtime.js';
import { socketRequest } from '../socket-request.js';
import { exampleReadState, exampleSession } from './examples.js';

/** Conversation lists and read marks. */
export function sessionRequests(services: Services) {
  const { sessions } = services;
  return [
    socketRequest({
      name: 'session-list',
      summary: "The user's conversation list, most recently active first, with unread counts.",
      description:
        '`unread` is `lastSeq - readSeq`, derived when the list is read, so it cannot drift. `lastMsg.content` is the text a list shows: the text itself, a caption, or a placeholder such as `[Image]` or `[Recalled]` (see [messages](../guides/messages.md#conversations-and-sessions)).',
      input: null,
      output: z.array(sessionModel),
      errors: [],
      example: { data: [exampleSession] },
      handle: (_input, { ctx, userId }) => sessions.list(ctx, userId),
    }),
    socketRequest({
      name: 'set-session-read',
      summary: "Moves the user's read mark in one session.",
      description: [
        'The sid alone is what the seed protocol sends. The mark never moves backwards: a `seq` below the current mark changes nothing and acks the current state; a `seq` above the newest message counts as the newest.',
        "When the mark moved, the user's other devices get [`session-read`](#session-read-push) and, in a private chat, the other user gets a [`read-receipt`](#read-receipt). When it did not move, nobody is told.",
      ].join('\n\n'),
      input: setSessionReadPayload,
      output: sessionReadStateModel,
      errors: [
        { code: 'INVALID_PARAMS', when: '`body: …` for a payload that is neither a sid nor an object; `seq: …`' },
        { code: 'NOT_FOUND', when: '`sid: session <sid> does not exist for user <you>`, also for another user\'s sid' },
      ],
      example: { payload: { sid: exampleReadState.sid, seq: 4 }, data: exampleReadState },
      handle: (input, { ctx, userId }) =>
        typeof input === 'string' ? sessions.markRead(ctx, userId, input) : sessions.markRead(ctx, userId, input.sid, input.seq),
    }),
    socketRequest({
      name: 'set-do-not-disturb',
      summary: "Turns notifications of one of the user's sessions off (\"do not disturb\") or on again.",
      description:
        "The session's messages still arrive and count as unread; `session-list` shows the flag as `doNotDisturb`, and push notifications honour it. When it changed, the user's other devices get [`session-do-not-disturb`](#session-do-not-disturb). For a group, the tenant's backend sets it with `POST /group/member/update`.",
      input: setDoNotDisturbPayload,
      output: sessionDoNotDisturbStateModel,
      errors: [{ code: 'NOT_FOUND', when: "`sid: session <sid> does not exist for user <you>`, also for another user's sid" }],
      example: { payload: { sid: exampleReadState.sid, doNotDisturb: true }, data: { sid: exampleReadState.sid, conversationType: 2, targetId: 'book-club', doNotDisturb: true } },
      handle: (input, { ctx, userId }) => sessions.setDoNotDisturb(ctx, userId, input.sid, input.doNotDisturb),
    }),
  ];
}
