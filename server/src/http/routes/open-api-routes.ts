import { ErrorCode } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import {
  groupMembersChangeModel,
  groupMemberModel,
  groupModel,
  messageModel,
  revokeModel,
  sessionModel,
  tokenModel,
} from '../../schemas/models.js';
import {
  createGroupRequest,
  getTokenRequest,
  groupIdRequest,
  groupMembersRequest,
  groupMembersChangeRequest,
  recallMessageRequest,
  sendMessageRequest,
  sessionMessagesRequest,
  userIdRequest,
} from '../../schemas/open-api.js';
import { signedRoute, type Route } from '../route.js';

const { CONFLICT, FORBIDDEN, NOT_FOUND, QUOTA_EXCEEDED } = ErrorCode;

/**
 * The signed open API (DESIGN §3.3): what a tenant's backend calls. The examples use the users
 * `alice`, `bob` and `carol` and the group `team` (scripts/schemathesis/run.py creates them).
 */
export function openApiRoutes(services: Services): Route[] {
  const { users, sessions, groups, messages, recalls } = services;
  return [
    signedRoute({
      method: 'POST',
      path: '/user/getToken',
      tag: 'Users',
      summary: 'Create or update a user and mint a token',
      description:
        'Creates the user when `userId` is new, otherwise updates its name and avatar. Returns a new token for the end-user SDK, valid for the app\'s token lifetime (default 7 days); earlier tokens stay valid until they expire or are revoked.',
      successMessage: 'token issued',
      input: getTokenRequest,
      output: tokenModel,
      errors: [QUOTA_EXCEEDED],
      example: { userId: 'alice', name: 'Alice', avatarUri: 'https://cdn.example.com/avatars/alice.png' },
      handle: (input, app) => users.getToken(app, input),
    }),
    signedRoute({
      method: 'POST',
      path: '/user/revokeTokens',
      tag: 'Users',
      summary: 'Revoke every token of a user',
      description: 'Use it to ban a user or log them out everywhere; mint a new token with `/user/getToken` to let them back in.',
      successMessage: 'tokens revoked',
      input: userIdRequest,
      output: revokeModel,
      errors: [NOT_FOUND],
      example: { userId: 'carol' },
      handle: (input, app) => users.revokeTokens(app, input.userId),
    }),
    signedRoute({
      method: 'GET',
      path: '/user/sessions',
      tag: 'Users',
      summary: "A user's conversation list",
      description:
        'Most recently active first. `unread` counts the messages after the user\'s read mark (`lastSeq - readSeq`); the user\'s own messages move their read mark.',
      successMessage: 'ok',
      input: userIdRequest,
      output: z.array(sessionModel),
      errors: [NOT_FOUND],
      example: { userId: 'alice' },
      handle: (input, app) => sessions.list(app, input.userId),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/create',
      tag: 'Groups',
      summary: 'Create a group',
      description:
        'Every user in `userIds` must exist. The owner is `ownerId` when given (added to the members if missing), else the first of `userIds`. More members than the app allows is a CONFLICT, as for `/group/join`.',
      successMessage: 'group created',
      input: createGroupRequest,
      output: groupModel,
      errors: [NOT_FOUND, CONFLICT, QUOTA_EXCEEDED],
      example: { groupId: 'book-club', userIds: ['alice', 'bob', 'carol'], name: 'Book club', avatarUri: 'https://cdn.example.com/groups/book club.png' },
      handle: (input, app) => groups.create(app, input),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/join',
      tag: 'Groups',
      summary: 'Add users to a group',
      description: 'Users already in the group are skipped. New members start with nothing unread.',
      successMessage: 'members added',
      input: groupMembersChangeRequest,
      output: groupMembersChangeModel,
      errors: [NOT_FOUND, CONFLICT],
      example: { groupId: 'team', userIds: ['carol'] },
      handle: (input, app) => groups.join(app, input.groupId, input.userIds),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/remove',
      tag: 'Groups',
      summary: 'Remove users from a group',
      description:
        'Non-members are skipped. When the owner is removed, the earliest admin (else the earliest member) becomes owner; removing the last member dismisses the group.',
      successMessage: 'members removed',
      input: groupMembersChangeRequest,
      output: groupMembersChangeModel,
      errors: [NOT_FOUND, CONFLICT],
      example: { groupId: 'team', userIds: ['carol'] },
      handle: (input, app) => groups.remove(app, input.groupId, input.userIds),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/dismiss',
      tag: 'Groups',
      summary: 'Dismiss a group',
      description: "Deletes the group, its members' sessions and its message history.",
      successMessage: 'group dismissed',
      input: groupIdRequest,
      output: null,
      errors: [NOT_FOUND],
      example: { groupId: 'book-club' },
      handle: async (input, app) => {
        await groups.dismiss(app, input.groupId);
        return null;
      },
    }),
    signedRoute({
      method: 'GET',
      path: '/group/members',
      tag: 'Groups',
      summary: 'Members of a group',
      description:
        'In join order, with name, avatar and role: every member, or with `offset` and `limit` a page of them (for groups of thousands; an `offset` past the end gives an empty page).',
      successMessage: 'ok',
      input: groupMembersRequest,
      output: z.array(groupMemberModel),
      errors: [NOT_FOUND],
      example: { groupId: 'team', offset: 0, limit: 100 },
      handle: (input, app) => groups.members(app, input.groupId, { offset: input.offset ?? 0, ...(input.limit === undefined ? {} : { limit: input.limit }) }),
    }),
    signedRoute({
      method: 'GET',
      path: '/group/info',
      tag: 'Groups',
      summary: 'A group: name, avatar, owner, size',
      successMessage: 'ok',
      input: groupIdRequest,
      output: groupModel,
      errors: [NOT_FOUND],
      example: { groupId: 'team' },
      handle: (input, app) => groups.info(app, input.groupId),
    }),
    signedRoute({
      method: 'POST',
      path: '/private/send/message',
      tag: 'Messages',
      summary: 'Send a one-to-one message',
      description:
        'Stores the message as the next `seq` of the conversation and returns it. Sender and target must exist and differ (a message to oneself is FORBIDDEN). With `clientMsgId`, a repeated send returns the first message instead of storing another.',
      successMessage: 'message sent',
      input: sendMessageRequest,
      output: messageModel,
      errors: [NOT_FOUND, FORBIDDEN, CONFLICT],
      example: { senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'Hello Bob' }, clientMsgId: 'a1b2c3' },
      handle: (input, app) => messages.sendPrivate(app, input),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/send/message',
      tag: 'Messages',
      summary: 'Send a message to a group',
      description:
        'The sender must be a member. The message is stored once for the whole group. `clientMsgId` works as for private messages.',
      successMessage: 'message sent',
      input: sendMessageRequest,
      output: messageModel,
      errors: [NOT_FOUND, FORBIDDEN, CONFLICT],
      example: { senderUserId: 'alice', targetId: 'team', messageType: 1, content: { content: 'Hello team' } },
      handle: (input, app) => messages.sendGroup(app, input),
    }),
    signedRoute({
      method: 'GET',
      path: '/session/messages',
      tag: 'Messages',
      summary: 'History of a conversation',
      description:
        'Newest first. For the next (older) page pass the last `msgId` you received as `lastmsgId` (NOT_FOUND when it is no message of this conversation). For a group, `userId` must be a member.',
      successMessage: 'ok',
      input: sessionMessagesRequest,
      output: z.array(messageModel),
      errors: [NOT_FOUND, FORBIDDEN],
      example: { userId: 'bob', targetId: 'alice', conversationType: 1, limit: 20 },
      handle: (input, app) => messages.history(app, input),
    }),
    signedRoute({
      method: 'POST',
      path: '/message/recall',
      tag: 'Messages',
      summary: 'Recall a message',
      description:
        "With `userId`, that user's rights apply: the sender within the app's recall window (default 2 minutes), a group owner or admin within the admin window (default 2 hours); a user outside the conversation gets NOT_FOUND. Without `userId` the backend recalls any message at any time. The content becomes `{}`, `recall` records who and when, and every connected device in the conversation gets `message-recalled`. Recalling twice returns the message unchanged.",
      successMessage: 'message recalled',
      input: recallMessageRequest,
      output: messageModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { msgId: '65f1c0de2a9b4e3f8c7d6e5f', userId: 'alice' },
      handle: (input, app) => recalls.recall(app, input.msgId, input.userId ?? null),
    }),
  ];
}
