import type {
  ConsoleApp,
  ConsoleLoginResult,
  CreateAppResult,
  GetTokenResult,
  Group,
  GroupMember,
  GroupMembersChangeResult,
  LastMessage,
  Message,
  RevokeTokensResult,
  Session,
} from '@parley/sdk/protocol';
import { z } from 'zod';
import { conversationType } from './common.js';

/**
 * Response data shapes, for the OpenAPI document. Each is checked against the protocol type it
 * documents, so the reference cannot drift from what the server returns.
 */

const messageType = z.number().int().min(1).describe('1 text, 2 voice, 3 image, 4 file, 5 location, 6 custom');
const millis = z.number().int().describe('milliseconds since the Unix epoch');
const groupRole = z.enum(['owner', 'admin', 'member']);

export const messageModel = z
  .object({
    msgId: z.string(),
    seq: z.number().int(),
    clientMsgId: z.string().nullable(),
    conversationType,
    senderUserId: z.string(),
    targetId: z.string(),
    messageType,
    content: z.record(z.string(), z.json()),
    date: z.string().describe('ISO 8601, UTC'),
    timestamp: millis,
    sendUser: z.object({ name: z.string(), avatarUri: z.string() }),
    recall: z
      .object({ by: z.string().nullable().describe('who recalled it; null for the tenant backend'), at: millis })
      .nullable()
      .describe('set once the message was recalled; `content` is then `{}`'),
    sendSession: z.object({ sid: z.string(), title: z.string(), avatar: z.string() }).optional(),
  })
  .meta({ id: 'Message' }) satisfies z.ZodType<Omit<Message, 'content' | 'messageType'>>;

export const lastMessageModel = z
  .object({
    msgId: z.string(),
    seq: z.number().int(),
    senderUserId: z.string(),
    messageType,
    content: z.string(),
    date: z.string(),
    timestamp: millis,
  })
  .meta({ id: 'LastMessage' }) satisfies z.ZodType<Omit<LastMessage, 'messageType'>>;

export const sessionModel = z
  .object({
    sid: z.string(),
    conversationType,
    targetId: z.string(),
    unread: z.number().int(),
    title: z.string(),
    avatar: z.string(),
    lastMsg: lastMessageModel.nullable(),
    lastSeq: z.number().int(),
    readSeq: z.number().int(),
    updatedAt: millis,
  })
  .meta({ id: 'Session' }) satisfies z.ZodType<Omit<Session, 'lastMsg'>>;

export const groupModel = z
  .object({
    groupId: z.string(),
    name: z.string(),
    avatarUri: z.string(),
    ownerId: z.string(),
    memberCount: z.number().int(),
    createdAt: millis,
  })
  .meta({ id: 'Group' }) satisfies z.ZodType<Group>;

export const groupMemberModel = z
  .object({ userId: z.string(), name: z.string(), avatarUri: z.string(), role: groupRole, joinedAt: millis })
  .meta({ id: 'GroupMember' }) satisfies z.ZodType<GroupMember>;

export const groupMembersChangeModel = z
  .object({
    groupId: z.string(),
    changed: z.array(z.string()),
    memberCount: z.number().int(),
    ownerId: z.string().nullable(),
    dismissed: z.boolean(),
  })
  .meta({ id: 'GroupMembersChange' }) satisfies z.ZodType<GroupMembersChangeResult>;

export const tokenModel = z
  .object({ token: z.string(), userId: z.string(), expiresAt: millis })
  .meta({ id: 'UserToken' }) satisfies z.ZodType<GetTokenResult>;

export const revokeModel = z.object({ revoked: z.number().int() }).meta({ id: 'RevokeResult' }) satisfies z.ZodType<RevokeTokensResult>;

export const consoleTokenModel = z
  .object({ token: z.string(), expiresAt: millis })
  .meta({ id: 'ConsoleToken' }) satisfies z.ZodType<ConsoleLoginResult>;

export const createdAppModel = z
  .object({ appName: z.string(), appId: z.string(), appSecret: z.string() })
  .meta({ id: 'CreatedApp' }) satisfies z.ZodType<CreateAppResult>;

export const consoleAppModel = z
  .object({
    appId: z.string(),
    appName: z.string(),
    description: z.string(),
    appSecret: z.string(),
    previousSecretValidUntil: millis.nullable(),
    settings: z.object({
      tokenTtlSeconds: z.number().int(),
      maxGroupMembers: z.number().int(),
      recallWindowSeconds: z.number().int(),
      adminRecallWindowSeconds: z.number().int(),
      loginPolicy: z.enum(['multi-device', 'one-per-platform']),
    }),
    createdAt: millis,
  })
  .meta({ id: 'ConsoleApp' }) satisfies z.ZodType<ConsoleApp>;
