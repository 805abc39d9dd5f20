import { Limits, MessageType, type MessageType as MessageTypeValue } from '@parley/sdk/protocol';
import { z } from 'zod';
import { clientMsgId, conversationType, displayName, entityId, objectId, pageLimit, uri, userIdList } from './common.js';
import { contentSchemas } from './content.js';

/** Request fields of every open-API route (the signature parameters are checked separately). */

export const getTokenRequest = z.strictObject({
  userId: entityId,
  name: displayName,
  avatarUri: uri.optional(),
});

export const userIdRequest = z.strictObject({ userId: entityId });

export const createGroupRequest = z.strictObject({
  groupId: entityId,
  userIds: userIdList,
  name: displayName,
  avatarUri: uri.optional(),
  ownerId: entityId.optional(),
});

export const groupMembersChangeRequest = z.strictObject({ groupId: entityId, userIds: userIdList });

export const groupIdRequest = z.strictObject({ groupId: entityId });

function sendOption<T extends MessageTypeValue>(messageType: T) {
  return z.strictObject({
    senderUserId: entityId,
    targetId: entityId,
    messageType: z.literal(messageType),
    content: contentSchemas[messageType],
    clientMsgId: clientMsgId.optional(),
  });
}

export const sendMessageRequest = z.discriminatedUnion(
  'messageType',
  [
    sendOption(MessageType.TEXT),
    sendOption(MessageType.VOICE),
    sendOption(MessageType.IMAGE),
    sendOption(MessageType.FILE),
    sendOption(MessageType.LOCATION),
    sendOption(MessageType.CUSTOM),
  ],
  { error: 'must be one of 1 (text), 2 (voice), 3 (image), 4 (file), 5 (location), 6 (custom)' },
);

export const sessionMessagesRequest = z.strictObject({
  userId: entityId,
  targetId: entityId,
  conversationType,
  limit: pageLimit.optional().describe(`1-${Limits.MESSAGE_PAGE_MAX}, default ${Limits.MESSAGE_PAGE_DEFAULT}`),
  lastmsgId: objectId.optional(),
});

export const recallMessageRequest = z.strictObject({
  msgId: objectId,
  userId: entityId.optional().describe('recall with this user\'s rights; omit to recall as the backend'),
});
