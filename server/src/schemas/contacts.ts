import {
  FriendRequestStatus,
  Platform,
  type AnswerFriendRequestRequest,
  type Contact,
  type ContactList,
  type CreateFriendGroupPayload,
  type CreateFriendGroupRequest,
  type Friend,
  type FriendGroup,
  type FriendGroupIdPayload,
  type FriendGroupIdRequest,
  type FriendGroupsChangedEvent,
  type BlocksChangedEvent,
  type FriendRemovedEvent,
  type FriendRequest,
  type FriendRequestIdPayload,
  type FriendRequestList,
  type FriendsChangeRequest,
  type FriendsChangeResult,
  type RemoveFriendsPayload,
  type RenameFriendGroupPayload,
  type RenameFriendGroupRequest,
  type SendFriendRequestPayload,
  type SendFriendRequestRequest,
  type SortFriendGroupsPayload,
  type SortFriendGroupsRequest,
  type UpdateFriendPayload,
  type UpdateFriendRequest,
  type User,
} from '@parley/sdk/protocol';
import { z } from 'zod';
import { entityId, objectId, plainText, userIdList, visibleText } from './common.js';
import { millis } from './models.js';

/** Friends, friend requests and friend groups: the models both transports answer, and their inputs. */

export const userModel = z.object({ userId: z.string(), name: z.string(), avatarUri: z.string() }).meta({ id: 'User' }) satisfies z.ZodType<User>;

export const friendRequestModel = z
  .object({
    requestId: z.string().describe('24 hex characters'),
    from: userModel.describe('the requester'),
    to: userModel.describe('the recipient'),
    message: z.string().describe('what the requester wrote; may be empty'),
    status: z.enum(Object.values(FriendRequestStatus)),
    createdAt: millis,
    decidedAt: millis.nullable().describe('when it was accepted or rejected; null while pending'),
  })
  .meta({ id: 'FriendRequest' }) satisfies z.ZodType<FriendRequest>;

const friendFields = {
  userId: z.string(),
  name: z.string(),
  avatarUri: z.string(),
  remark: z.string().describe("the name the user gives this friend; empty for none"),
  friendGroupId: z.string().nullable().describe("the user's friend group this friend is in; null for none"),
  friendsSince: millis,
};

export const friendModel = z.object(friendFields).meta({ id: 'Friend' }) satisfies z.ZodType<Friend>;

const contactModel = z
  .object({
    ...friendFields,
    online: z.boolean().describe('true while the friend has at least one connected device'),
    platforms: z.array(z.enum(Object.values(Platform))),
    lastSeenAt: millis.nullable().describe('when the last device left; null while online or never seen'),
  })
  .meta({ id: 'Contact' }) satisfies z.ZodType<Contact>;

export const friendGroupModel = z
  .object({ friendGroupId: z.string(), name: z.string(), order: z.number().int(), createdAt: millis })
  .meta({ id: 'FriendGroup' }) satisfies z.ZodType<FriendGroup>;

export const contactListModel = z
  .object({ friendGroups: z.array(friendGroupModel).describe('in order'), friends: z.array(contactModel).describe('oldest friendship first') })
  .meta({ id: 'ContactList' }) satisfies z.ZodType<ContactList>;

export const friendRequestListModel = z
  .object({
    incoming: z.array(friendRequestModel).describe('requests to the user, newest first'),
    outgoing: z.array(friendRequestModel).describe('requests from the user, newest first'),
  })
  .meta({ id: 'FriendRequestList' }) satisfies z.ZodType<FriendRequestList>;

export const friendsChangeResultModel = z
  .object({ changed: z.array(z.string()).describe('the ids whose friendship was made (or ended); the others already were (or were not) friends') })
  .meta({ id: 'FriendsChangeResult' }) satisfies z.ZodType<FriendsChangeResult>;

export const friendRemovedEventModel = z.object({ userId: z.string().describe('the former friend') }) satisfies z.ZodType<FriendRemovedEvent>;

export const blocksChangedEventModel = z.object({
  blocked: z.array(z.string()).describe('users newly blocked'),
  unblocked: z.array(z.string()).describe('users no longer blocked'),
}) satisfies z.ZodType<BlocksChangedEvent>;

export const friendGroupsChangedEventModel = z.object({ friendGroups: z.array(friendGroupModel).describe('in order') }) satisfies z.ZodType<FriendGroupsChangedEvent>;

/** Longest message of a friend request, remark and friend group name, in characters. */
export const FRIEND_REQUEST_MESSAGE_MAX = 200;
export const REMARK_MAX = 64;
export const FRIEND_GROUP_NAME_MAX = 64;

const requestMessage = plainText(0, FRIEND_REQUEST_MESSAGE_MAX).describe(`up to ${FRIEND_REQUEST_MESSAGE_MAX} characters; default empty`);
const remark = plainText(0, REMARK_MAX).describe(`up to ${REMARK_MAX} characters; empty clears it`);
const friendGroupName = visibleText(FRIEND_GROUP_NAME_MAX).describe(`1-${FRIEND_GROUP_NAME_MAX} characters, not blank`);
const friendGroupRef = objectId.nullable().describe('one of the friend groups, or null for none');
const friendGroupIds = z.array(objectId).min(1, 'must name at least one friend group').max(100, 'at most 100 per request');

// Socket payloads: the connected user is the one acting.

export const sendFriendRequestPayload = z.strictObject({ userId: entityId, message: requestMessage.default('') }) satisfies z.ZodType<SendFriendRequestPayload>;
export const friendRequestIdPayload = z.strictObject({ requestId: objectId }) satisfies z.ZodType<FriendRequestIdPayload>;
export const removeFriendsPayload = z.strictObject({ userIds: userIdList.describe('1-500 friends') }) satisfies z.ZodType<RemoveFriendsPayload>;
export const updateFriendPayload = z.strictObject({ userId: entityId, remark: remark.optional(), friendGroupId: friendGroupRef.optional() }) satisfies z.ZodType<UpdateFriendPayload>;
export const createFriendGroupPayload = z.strictObject({ name: friendGroupName }) satisfies z.ZodType<CreateFriendGroupPayload>;
export const renameFriendGroupPayload = z.strictObject({ friendGroupId: objectId, name: friendGroupName }) satisfies z.ZodType<RenameFriendGroupPayload>;
export const friendGroupIdPayload = z.strictObject({ friendGroupId: objectId }) satisfies z.ZodType<FriendGroupIdPayload>;
export const sortFriendGroupsPayload = z.strictObject({ friendGroupIds }) satisfies z.ZodType<SortFriendGroupsPayload>;

// Open-API requests: the tenant's backend acts for `userId`.

export const sendFriendRequestRequest = z.strictObject({ userId: entityId, targetId: entityId, message: requestMessage.default('') }) satisfies z.ZodType<SendFriendRequestRequest>;
export const answerFriendRequestRequest = z.strictObject({ userId: entityId, requestId: objectId }) satisfies z.ZodType<AnswerFriendRequestRequest>;
export const friendsChangeRequest = z.strictObject({ userId: entityId, targetIds: userIdList.describe('1-500 other users of the app') }) satisfies z.ZodType<FriendsChangeRequest>;
/** Over REST, `none` stands for no friend group: a form body has no null, and an empty field counts as absent. */
export const NO_FRIEND_GROUP = 'none';
const friendGroupField = z.union([objectId, z.literal(NO_FRIEND_GROUP)]).describe(`one of the friend groups, or \`${NO_FRIEND_GROUP}\` for none`);
export const updateFriendRequest = z.strictObject({ userId: entityId, friendId: entityId, remark: remark.optional(), friendGroupId: friendGroupField.optional() }) satisfies z.ZodType<UpdateFriendRequest>;
export const createFriendGroupRequest = z.strictObject({ userId: entityId, name: friendGroupName }) satisfies z.ZodType<CreateFriendGroupRequest>;
export const renameFriendGroupRequest = z.strictObject({ userId: entityId, friendGroupId: objectId, name: friendGroupName }) satisfies z.ZodType<RenameFriendGroupRequest>;
export const friendGroupIdRequest = z.strictObject({ userId: entityId, friendGroupId: objectId }) satisfies z.ZodType<FriendGroupIdRequest>;
export const sortFriendGroupsRequest = z.strictObject({ userId: entityId, friendGroupIds }) satisfies z.ZodType<SortFriendGroupsRequest>;
