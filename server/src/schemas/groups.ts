import {
  GroupJoinPolicy,
  JoinRequestStatus,
  Limits,
  type AnswerJoinRequestPayload,
  type GroupJoinRequestsPayload,
  type GroupJoinRequestsRequest,
  type InviteResult,
  type JoinGroupPayload,
  type JoinGroupResult,
  type JoinRequest,
  type JoinRequestIdRequest,
  type GroupAdminsRequest,
  type GroupIdPayload,
  type GroupMembersPayload,
  type GroupMemberUpdatedEvent,
  type GroupUsersPayload,
  type MuteGroupMembersPayload,
  type MuteGroupMembersRequest,
  type SetGroupNicknamePayload,
  type TransferGroupPayload,
  type TransferGroupRequest,
  type UpdateGroupMemberRequest,
  type UpdateGroupPayload,
  type UpdateGroupRequest,
} from '@parley/sdk/protocol';
import { z } from 'zod';
import { displayName, entityId, objectId, plainText, text, uri, userIdList } from './common.js';
import { userModel } from './contacts.js';
import { groupMemberModel, millis } from './models.js';
import { MAX_PENDING_JOIN_REQUESTS } from '../domain/groups/group-limits.js';

/** Group administration's inputs, REST and socket: one field schema each, shared by both. */

/** Line breaks and tabs are kept (announcements are paragraphs); other control characters are refused. */
const MULTILINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
export const groupText = text(0, Limits.GROUP_TEXT_MAX)
  .regex(MULTILINE, 'must not contain control characters other than line breaks and tabs')
  .describe(`0-${Limits.GROUP_TEXT_MAX} characters; line breaks allowed`);

export const joinPolicy = z.enum(Object.values(GroupJoinPolicy)).describe('`free`: anyone may join; `approval`: the owner or an admin approves; `invite`: members invite');

const nickname = text(0, Limits.GROUP_NICKNAME_MAX)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
  .trim()
  .describe(`0-${Limits.GROUP_NICKNAME_MAX} characters; '' clears it`);

const duration = z
  .number()
  .int()
  .min(0)
  .max(Limits.GROUP_MUTE_SECONDS_MAX)
  .describe(`seconds, 0-${Limits.GROUP_MUTE_SECONDS_MAX} (366 days); 0 lifts the mute`);

export const operatorId = entityId
  .optional()
  .describe("the member the backend acts for: their role's rules apply and group events name them; without it the backend acts as the app, which may do anything");

const groupChanges = {
  name: displayName.optional(),
  avatarUri: uri.optional(),
  description: groupText.optional(),
  announcement: groupText.optional().describe(`the new announcement, 0-${Limits.GROUP_TEXT_MAX} characters; '' clears it`),
  mutedAll: z.boolean().optional().describe('true: only the owner and admins may send'),
  joinPolicy: joinPolicy.optional(),
  clear: z
    .array(z.enum(['description', 'announcement']))
    .max(2)
    .optional()
    .describe("text fields to empty (an empty value is the same as leaving a field out of a signed request, so this is how to clear one)"),
};

// No field to change is a valid request that changes nothing (and answers the group as it is).
export const updateGroupRequest = z.strictObject({ groupId: entityId, operatorId, ...groupChanges }) satisfies z.ZodType<UpdateGroupRequest>;
export const updateGroupPayload = z.strictObject({ groupId: entityId, ...groupChanges }) satisfies z.ZodType<UpdateGroupPayload>;

export const groupAdminsRequest = z.strictObject({ groupId: entityId, userIds: userIdList, operatorId }) satisfies z.ZodType<GroupAdminsRequest>;
export const groupUsersPayload = z.strictObject({ groupId: entityId, userIds: userIdList }) satisfies z.ZodType<GroupUsersPayload>;

export const transferGroupRequest = z.strictObject({ groupId: entityId, ownerId: entityId, operatorId }) satisfies z.ZodType<TransferGroupRequest>;
export const transferGroupPayload = z.strictObject({ groupId: entityId, ownerId: entityId }) satisfies z.ZodType<TransferGroupPayload>;

export const updateGroupMemberRequest = z.strictObject({
  groupId: entityId,
  userId: entityId,
  nickname: nickname.optional().describe(`1-${Limits.GROUP_NICKNAME_MAX} characters; left out keeps it`),
  doNotDisturb: z.boolean().optional().describe("the member's notifications of the group off (true) or on; only they (or the app) may set it"),
  clear: z.array(z.literal('nickname')).max(1).optional().describe('`["nickname"]` empties the nickname (an empty field counts as left out of a signed request)'),
  operatorId,
}) satisfies z.ZodType<UpdateGroupMemberRequest>;
export const setGroupNicknamePayload = z.strictObject({ groupId: entityId, nickname, userId: entityId.optional() }) satisfies z.ZodType<SetGroupNicknamePayload>;

export const muteGroupMembersRequest = z.strictObject({ groupId: entityId, userIds: userIdList, duration, operatorId }) satisfies z.ZodType<MuteGroupMembersRequest>;
export const muteGroupMembersPayload = z.strictObject({ groupId: entityId, userIds: userIdList, duration }) satisfies z.ZodType<MuteGroupMembersPayload>;

export const groupIdPayload = z.strictObject({ groupId: entityId }) satisfies z.ZodType<GroupIdPayload>;
export const groupMembersPayload = z.strictObject({
  groupId: entityId,
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('members to skip, in join order; default 0'),
  limit: z.number().int().min(1).max(Limits.GROUP_MEMBER_PAGE_MAX).optional().describe(`1-${Limits.GROUP_MEMBER_PAGE_MAX}; every member from \`offset\` when omitted`),
}) satisfies z.ZodType<GroupMembersPayload>;

export const joinGroupPayload = z.strictObject({
  groupId: entityId,
  message: plainText(0, 200).optional().describe('up to 200 characters for the owner and admins; default empty'),
}) satisfies z.ZodType<JoinGroupPayload>;
export const answerJoinRequestPayload = z.strictObject({
  requestId: objectId,
  approve: z.boolean().describe('true adds the user; false turns the request down'),
}) satisfies z.ZodType<AnswerJoinRequestPayload>;
const joinRequestPage = {
  offset: z.number().int().min(0).max(MAX_PENDING_JOIN_REQUESTS).optional().describe('requests to skip, oldest first; default 0'),
  limit: z.number().int().min(1).max(Limits.JOIN_REQUEST_PAGE_MAX).optional().describe(`1-${Limits.JOIN_REQUEST_PAGE_MAX}; default ${Limits.JOIN_REQUEST_PAGE_MAX}`),
};
export const groupJoinRequestsPayload = z.strictObject({ groupId: entityId, ...joinRequestPage }) satisfies z.ZodType<GroupJoinRequestsPayload>;
export const groupJoinRequestsRequest = z.strictObject({ groupId: entityId, operatorId, ...joinRequestPage }) satisfies z.ZodType<GroupJoinRequestsRequest>;
export const joinRequestIdRequest = z.strictObject({ requestId: objectId, operatorId }) satisfies z.ZodType<JoinRequestIdRequest>;

export const groupMemberUpdatedEventModel = z.object({
  groupId: z.string(),
  member: groupMemberModel.describe('the member as they now are'),
}) satisfies z.ZodType<GroupMemberUpdatedEvent>;

export const joinRequestModel = z
  .object({
    requestId: z.string().describe('24 hex characters'),
    groupId: z.string(),
    user: userModel.describe('who would join'),
    inviter: userModel.nullable().describe('the member who invited them; null when they asked themselves'),
    message: z.string().describe('what the requester wrote; may be empty'),
    status: z.enum(Object.values(JoinRequestStatus)),
    createdAt: millis,
    decidedBy: z.string().nullable().describe("who decided it; null for the tenant's backend, and while pending"),
    decidedAt: millis.nullable().describe('when it was decided; null while pending'),
  })
  .meta({ id: 'JoinRequest' }) satisfies z.ZodType<JoinRequest>;

export const joinGroupResultModel = z
  .object({
    groupId: z.string(),
    joined: z.boolean().describe('true when the user is a member now'),
    request: joinRequestModel.nullable().describe('the pending request, for a group that needs approval; null when joined'),
  })
  .meta({ id: 'JoinGroupResult' }) satisfies z.ZodType<JoinGroupResult>;

export const inviteResultModel = z
  .object({
    groupId: z.string(),
    added: z.array(z.string()).describe('users who are members now'),
    requested: z.array(z.string()).describe('users whose invitation waits for the owner or an admin'),
    memberCount: z.number().int(),
  })
  .meta({ id: 'InviteResult' }) satisfies z.ZodType<InviteResult>;
