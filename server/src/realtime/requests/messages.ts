import { ConversationType } from '@parley/sdk/protocol';
import { z } from 'zod';
import { forbidden, invalidParams } from '../../domain/errors.js';
import type { Services } from '../../domain/services.js';
import { messageModel } from '../../schemas/models.js';
import {
  recallMessagePayload,
  sendMessagePayload,
  sessionMessageListPayload,
  SYNC_PAGE_MAX,
  syncMessagesPayload,
} from '../../schemas/realtime.js';
import { socketRequest, type ErrorDoc } from '../socket-request.js';
import { exampleMessage, exampleRecalledMessage, exampleSentMessage } from './examples.js';

const SEND_ERRORS: readonly ErrorDoc[] = [
  {
    code: 'INVALID_PARAMS',
    when: '`body: must be an object, got …`; `content: is required`; `messageType: …`; a content field (an unknown one, or `content.url: file <id> is audio/wav (audio); this field takes image`); `content: is <n> bytes as JSON; the limit is 65536` (`MAX_MESSAGE_BYTES`)',
  },
  {
    code: 'FORBIDDEN',
    when: '`senderUserId: must be the connected user <you>`; `senderUserId: user <you> is not a member of group <groupId>`; `targetId: must differ from senderUserId: …` (a private message to oneself); `content.url: names a file of another app …`; `content.url: plain http is allowed only for a file uploaded to this app …`',
  },
  { code: 'NOT_FOUND', when: '`targetId: user <id> does not exist; register the user with POST /user/getToken first`; `group <id> does not exist`; `content.url: no file <id> in this app …`' },
  { code: 'CONFLICT', when: '`clientMsgId: <key> was already used by this sender in another conversation`' },
];

/** Only a group message can be refused by a mute. */
const GROUP_SEND_ERRORS: readonly ErrorDoc[] = [
  ...SEND_ERRORS,
  {
    code: 'MUTED',
    when: '`senderUserId: <you> is muted in group <id> until …`, with `mutedUntil` in the ack; `senderUserId: group <id> is muted: only its owner and admins may send` (see [muting](../guides/groups.md#muting)); nothing was stored',
  },
];

/** Only a private message can be refused by a block. */
const PRIVATE_SEND_ERRORS: readonly ErrorDoc[] = [
  ...SEND_ERRORS,
  { code: 'BLOCKED', when: '`targetId: user <id> does not accept messages from this sender`: the target blocks the sender; nothing was stored (see [block lists](../guides/contacts.md))' },
];

const SEND_DESCRIPTION = [
  'The ack is the stored [message](#message), plus `sendSession`: the sender\'s own session for this conversation (`sid`, and the `title` and `avatar` the sender sees). `content` is at most `MAX_MESSAGE_BYTES` (default 64 KiB) as UTF-8 JSON; its fields depend on `messageType` (see [content by message type](../guides/messages.md#content-by-message-type)).',
  'A resend with a `clientMsgId` the sender already used in the same conversation stores nothing and acks the first message again; nobody is pushed the message a second time. Keep the same `clientMsgId` when you retry a send whose ack you did not get.',
  'Sending moves the sender\'s own read mark to the new message (writing in a conversation means having read it).',
].join('\n\n');

/** Sending, history, gap fill and recall. */
export function messageRequests(services: Services) {
  const { sessions, messages, recalls } = services;

  /** The sender is the connected user; a payload naming someone else is refused, so a client bug shows up. */
  const sender = (given: string | undefined, userId: string): string => {
    if (given !== undefined && given !== userId) throw forbidden(`senderUserId: must be the connected user ${userId}`);
    return userId;
  };
  /** The payload with its sender. `Object.assign`, not a spread with a field added after it: see schemas/parse.ts. */
  const sentBy = <T extends { senderUserId?: string | undefined }>(input: T, userId: string) =>
    Object.assign({}, input, { senderUserId: sender(input.senderUserId, userId) });

  return [
    socketRequest({
      name: 'send-private-message',
      summary: 'Stores a one-to-one message to another user of the app and delivers it.',
      description: SEND_DESCRIPTION,
      input: sendMessagePayload,
      output: messageModel,
      errors: PRIVATE_SEND_ERRORS,
      rateLimit: 'send',
      example: {
        payload: { targetId: 'bob', messageType: 1, content: { content: 'see you at 8' }, clientMsgId: '6f1c2e1e-8a4b-4c0e-9d55-5b1a3f2d7c10' },
        data: exampleSentMessage,
      },
      handle: (input, { ctx, userId }) => messages.sendPrivate(ctx, sentBy(input, userId)),
    }),
    socketRequest({
      name: 'send-group-message',
      summary: 'Stores a message in a group the user is a member of, once for the whole group, and delivers it to every member.',
      description: SEND_DESCRIPTION,
      input: sendMessagePayload,
      output: messageModel,
      errors: GROUP_SEND_ERRORS,
      rateLimit: 'send',
      example: {
        payload: { targetId: 'team', messageType: 1, content: { content: 'standup in 5' } },
        data: { ...exampleSentMessage, conversationType: 2, targetId: 'team', content: { content: 'standup in 5' }, clientMsgId: null },
      },
      handle: (input, { ctx, userId }) => messages.sendGroup(ctx, sentBy(input, userId)),
    }),
    socketRequest({
      name: 'session-message-list',
      summary: "A page of one of the user's sessions' history, newest first.",
      description:
        'Pass the `msgId` of the last (oldest) message of the previous page as `lastmsgId` for the page before it; an empty page means you reached the first message.',
      input: sessionMessageListPayload,
      output: z.array(messageModel),
      errors: [
        { code: 'INVALID_PARAMS', when: '`sid: must be a 24-character hex id`; `limit` out of range' },
        { code: 'NOT_FOUND', when: "`sid: session <sid> does not exist for user <you>`, also for another user's sid; `lastmsgId: <id> is not a message of this conversation`" },
      ],
      example: { payload: { sid: '6b04082027b2d5031f2297f5', limit: 20, lastmsgId: '6b04082027b2d5031f2297f7' }, data: [exampleMessage] },
      handle: async (input, { ctx, userId }) => {
        const session = await sessions.require(ctx, userId, input.sid);
        const groupId = session.conversationType === ConversationType.GROUP ? session.targetId : null;
        return messages.page(ctx, session.conversationId, input.limit, input.lastmsgId, groupId, session.ended?.seq ?? null);
      },
    }),
    socketRequest({
      name: 'sync-messages',
      summary: 'The messages of a conversation after a given `seq`, oldest first: the request that fills gaps after a reconnect or a lost push.',
      description:
        'Answers up to `limit` messages with `seq > afterSeq`, in increasing `seq` order. Fewer than `limit` means you have everything up to now. A private chat that has no message yet answers `[]`. See [sync after a reconnect](#sync-after-a-reconnect).',
      input: syncMessagesPayload,
      output: z.array(messageModel),
      errors: [
        { code: 'INVALID_PARAMS', when: '`conversationType: must be 1 (private) or 2 (group)`; `targetId: must be another user`; `afterSeq`, `limit` out of range' },
        { code: 'NOT_FOUND', when: '`targetId: user <id> does not exist; …`; `group <id> does not exist`' },
        { code: 'FORBIDDEN', when: 'the user is not a member of the group (`targetId: user <you> is not a member of group <groupId>`)' },
      ],
      example: { payload: { conversationType: 2, targetId: 'team', afterSeq: 41, limit: 100 }, data: [exampleMessage] },
      handle: (input, { ctx, userId }) => {
        if (input.conversationType === ConversationType.PRIVATE && input.targetId === userId) {
          throw invalidParams('targetId', 'must be another user');
        }
        return messages.after(ctx, { ...input, userId, limit: input.limit ?? SYNC_PAGE_MAX });
      },
    }),
    socketRequest({
      name: 'recall-message',
      summary: 'Takes a message back; the ack is the message as it now reads: `content` is `{}` and `recall` is `{by, at}`.',
      description: [
        'Who may recall what, and until when, is in [recall rules](#recall-rules).',
        "Every other device in the conversation, the recaller's own other devices included, gets [`message-recalled`](#message-recalled). Recalling a message that is already recalled acks it unchanged and pushes nothing.",
      ].join('\n\n'),
      input: recallMessagePayload,
      output: messageModel,
      errors: [
        { code: 'INVALID_PARAMS', when: '`msgId: must be a 24-character hex id`' },
        { code: 'NOT_FOUND', when: '`msgId: message <id> does not exist`, also for a message of a conversation the user is not in' },
        {
          code: 'FORBIDDEN',
          when: '`msgId: the sender may recall a message up to 120 s after sending it`; `msgId: group owners and admins may recall messages up to 7200 s old`; `msgId: only the sender or a group owner or admin may recall this message` (the numbers are the app\'s current windows)',
        },
      ],
      example: { payload: { msgId: exampleRecalledMessage.msgId }, data: exampleRecalledMessage },
      handle: (input, { ctx, userId }) => recalls.recall(ctx, input.msgId, userId),
    }),
  ];
}
