import {
  Limits,
  MessageType,
  type BlockUsersRequest,
  type DismissGroupRequest,
  type GroupMembersRequest,
  type InviteToGroupRequest,
  type RemoveGroupMembersRequest,
  type SendableMessageType,
} from '@parley/sdk/protocol';
import { z } from 'zod';
import { clientMsgId, conversationType, displayName, entityId, SENDABLE_MESSAGE_TYPE_NAMES, objectId, pageLimit, uri, userIdList } from './common.js';
import { contentSchemas } from './content.js';
import { groupMembersPayload, groupText, joinPolicy, operatorId } from './groups.js';

/** Request fields of every open-API route (the signature parameters are checked separately). */

export const getTokenRequest = z.strictObject({
  userId: entityId,
  name: displayName,
  avatarUri: uri.optional(),
});

export const userIdRequest = z.strictObject({ userId: entityId });

export const blockUsersRequest = z.strictObject({ userId: entityId, targetIds: userIdList.describe('1-500 other users of the app') }) satisfies z.ZodType<BlockUsersRequest>;

export const createGroupRequest = z.strictObject({
  groupId: entityId,
  userIds: userIdList,
  name: displayName,
  avatarUri: uri.optional(),
  ownerId: entityId.optional(),
  description: groupText.optional(),
  joinPolicy: joinPolicy.optional().describe('who may join, and how; default `invite`'),
});

export const groupMembersChangeRequest = z.strictObject({ groupId: entityId, userIds: userIdList });

export const removeGroupMembersRequest = z.strictObject({ groupId: entityId, userIds: userIdList, operatorId }) satisfies z.ZodType<RemoveGroupMembersRequest>;

export const inviteToGroupRequest = z.strictObject({
  groupId: entityId,
  userIds: userIdList,
  operatorId: entityId.describe('the member who invites; the invitation follows the group\'s join policy as it would from their device'),
}) satisfies z.ZodType<InviteToGroupRequest>;

export const groupIdRequest = z.strictObject({ groupId: entityId });

export const dismissGroupRequest = z.strictObject({ groupId: entityId, operatorId }) satisfies z.ZodType<DismissGroupRequest>;

/** The same page on both transports. */
export const groupMembersRequest = groupMembersPayload satisfies z.ZodType<GroupMembersRequest>;

function sendOption<T extends SendableMessageType, Sender extends z.ZodType>(messageType: T, sender: Sender) {
  return z.strictObject({
    senderUserId: sender,
    targetId: entityId,
    messageType: z.literal(messageType),
    content: contentSchemas[messageType],
    clientMsgId: clientMsgId.optional(),
  });
}

/** A send, one shape per message type; `sender` is the schema of `senderUserId`. */
export function sendMessageSchema<Sender extends z.ZodType>(sender: Sender) {
  return z.discriminatedUnion(
    'messageType',
    [
      sendOption(MessageType.TEXT, sender),
      sendOption(MessageType.VOICE, sender),
      sendOption(MessageType.IMAGE, sender),
      sendOption(MessageType.FILE, sender),
      sendOption(MessageType.LOCATION, sender),
      sendOption(MessageType.CUSTOM, sender),
      sendOption(MessageType.VIDEO, sender),
    ],
    { error: `must be one of ${SENDABLE_MESSAGE_TYPE_NAMES}` },
  );
}

export const sendMessageRequest = sendMessageSchema(entityId);

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
