import {
  GroupJoinPolicy,
  GroupRole,
  KickReason,
  LoginPolicy,
  PresenceScope,
  MessagePolicy,
  MessageType,
  Platform,
  FileCategory,
  type MessageType as MessageTypeValue,
  type UploadedFile,
  type KickedEvent,
  type PresenceState,
  type ReadReceiptEvent,
  type ReadyEvent,
  type SessionDoNotDisturbState,
  type SessionReadState,
  type TypingEvent,
  type ConsoleApp,
  type AppUsage,
  type BlockedUser,
  type BlockUsersResult,
  type ConsoleMessage,
  type MessageDetail,
  type MessageSearchPage,
  type RevealedSecret,
  type RotatedApp,
  type ConsoleLoginResult,
  type CreateAppResult,
  type GetTokenResult,
  type Group,
  type GroupMember,
  type GroupMembersChangeResult,
  type LastMessage,
  type Message,
  type RevokeTokensResult,
  type Session,
} from '@parley/sdk/protocol';
import { z } from 'zod';
import { conversationType, MESSAGE_TYPE_NAMES } from './common.js';
import { contentSchemas } from './content.js';

/**
 * Response data shapes, for the OpenAPI document. Each is checked against the protocol type it
 * documents, so the reference cannot drift from what the server returns.
 */

const messageType = z.literal(Object.values(MessageType)).describe(MESSAGE_TYPE_NAMES);
export const millis = z.number().int().describe('milliseconds since the Unix epoch');
const groupRole = z.enum(Object.values(GroupRole));

const messageBase = {
  msgId: z.string().describe('unique id, 24 hex characters'),
  seq: z.number().int().describe('position in its conversation: 1, 2, 3, … strictly increasing, without holes'),
  clientMsgId: z.string().nullable().describe("the sender's idempotency key, or null (always null for a group event)"),
  conversationType,
  senderUserId: z.string(),
  targetId: z.string().describe('private: the **recipient**; group: the groupId'),
  date: z.string().describe('when it was stored, ISO 8601 in UTC'),
  timestamp: millis.describe('the same instant in milliseconds since the Unix epoch'),
  sendUser: z.object({ name: z.string(), avatarUri: z.string() }).describe('the sender as currently registered: `{name, avatarUri}`'),
  sendSession: z
    .object({ sid: z.string(), title: z.string(), avatar: z.string() })
    .optional()
    .describe("only in the answer to a send: the sender's own session, `{sid, title, avatar}`"),
};

function liveMessage<T extends MessageTypeValue>(type: T) {
  return z.object({
    ...messageBase,
    messageType: z.literal(type),
    content: contentSchemas[type],
    recall: z.null().describe('null until the message is recalled; then who recalled it and when, `{by, at}`'),
  });
}

const recalledMessage = z.object({
  ...messageBase,
  messageType,
  content: z.strictObject({}).describe('the fields of its `messageType` (see the message types reference); `{}` once recalled'),
  recall: z.object({ by: z.string().nullable().describe('who recalled it; null for the tenant backend'), at: millis }).describe('who recalled it, and when'),
});

/** A message: its content has the fields of its `messageType` (see the message types reference), or is `{}` once recalled. */
export const messageModel = z
  .union([
    liveMessage(MessageType.TEXT),
    liveMessage(MessageType.VOICE),
    liveMessage(MessageType.IMAGE),
    liveMessage(MessageType.FILE),
    liveMessage(MessageType.LOCATION),
    liveMessage(MessageType.CUSTOM),
    liveMessage(MessageType.VIDEO),
    liveMessage(MessageType.GROUP_EVENT),
    recalledMessage,
  ])
  .meta({ id: 'Message' }) satisfies z.ZodType<Message>;

export const lastMessageModel = z
  .object({
    msgId: z.string(),
    seq: z.number().int(),
    senderUserId: z.string(),
    messageType,
    content: z.string().describe('display text: the text, a caption, or a placeholder such as `[Image]` or `[Recalled]`'),
    date: z.string(),
    timestamp: millis,
  })
  .meta({ id: 'LastMessage' }) satisfies z.ZodType<LastMessage>;

export const sessionModel = z
  .object({
    sid: z.string().describe("this user's session id (24 hex); other members have their own sid for the same conversation"),
    conversationType,
    targetId: z.string().describe('the other user (private) or the groupId'),
    unread: z.number().int().describe('`lastSeq - readSeq`'),
    title: z.string().describe("the other user's name, or the group's"),
    avatar: z.string().describe("the other user's avatar, or the group's"),
    lastMsg: lastMessageModel.nullable().describe('the newest message as a list entry; null while the conversation has none'),
    lastSeq: z.number().int().describe('`seq` of the newest message, 0 when there is none'),
    readSeq: z.number().int().describe('the highest `seq` this user has read'),
    updatedAt: millis.describe('ms since epoch of the newest message (or of the session\'s creation)'),
    doNotDisturb: z.boolean().describe('the user turned notifications of this conversation off; messages still arrive and count unread'),
    ended: z
      .boolean()
      .describe('groups: the user is no longer in it (left, removed, or the group was dismissed); the conversation stops for them at that event, which is `lastMsg` and `lastSeq`, and history reads up to it'),
  })
  .meta({ id: 'Session' }) satisfies z.ZodType<Session>;

export const groupModel = z
  .object({
    groupId: z.string(),
    name: z.string(),
    avatarUri: z.string(),
    ownerId: z.string(),
    description: z.string().describe("what the group is about; '' for none"),
    announcement: z
      .object({
        text: z.string(),
        by: z.string().nullable().describe("who set it; null for the tenant's backend"),
        at: millis,
        seq: z
          .number()
          .int()
          .nullable()
          .describe("`seq` of the `announcement-changed` event that set it: unread while the session's `readSeq` is below it; null for a moment while that event is written"),
      })
      .nullable()
      .describe('the current announcement `{text, by, at, seq}`, or null for none'),
    mutedAll: z.boolean().describe('true while only the owner and admins may send'),
    joinPolicy: z.enum(Object.values(GroupJoinPolicy)).describe('who may join, and how: `free`, `approval` or `invite`'),
    memberCount: z.number().int(),
    createdAt: millis,
  })
  .meta({ id: 'Group' }) satisfies z.ZodType<Group>;

export const groupMemberModel = z
  .object({
    userId: z.string(),
    name: z.string(),
    avatarUri: z.string(),
    role: groupRole,
    joinedAt: millis,
    nickname: z.string().describe("the member's name in this group, shown as the sender name of their messages there; '' for none"),
    mutedUntil: millis.nullable().describe('until when the member may not send; null when not muted'),
  })
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

export const blockedUserModel = z
  .object({ userId: z.string(), name: z.string(), avatarUri: z.string(), blockedAt: millis.describe('when the block was made') })
  .meta({ id: 'BlockedUser' }) satisfies z.ZodType<BlockedUser>;

export const blockUsersResultModel = z
  .object({ changed: z.array(z.string()).describe('the ids whose state changed; the others already were (un)blocked') })
  .meta({ id: 'BlockUsersResult' }) satisfies z.ZodType<BlockUsersResult>;

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
    secretHint: z.string().describe("the secret's last 4 characters; the secret itself is shown at creation, rotation, and with the password"),
    previousSecretValidUntil: millis.nullable(),
    settings: z.object({
      tokenTtlSeconds: z.number().int(),
      maxGroupMembers: z.number().int(),
      recallWindowSeconds: z.number().int(),
      adminRecallWindowSeconds: z.number().int(),
      loginPolicy: z.enum(Object.values(LoginPolicy)),
      presenceScope: z.enum(Object.values(PresenceScope)),
      messagePolicy: z.enum(Object.values(MessagePolicy)),
      apiRequestsPerSecond: z.number().int(),
      userSendsPerSecond: z.number().int(),
      userSignalsPerSecond: z.number().int(),
      maxUsers: z.number().int(),
      maxGroups: z.number().int(),
      maxUploadBytes: z.number().int(),
      uploadCategories: z.array(z.enum(Object.values(FileCategory))),
      privateFiles: z.boolean(),
      fileUrlTtlSeconds: z.number().int(),
      userUploadsPerMinute: z.number().int(),
      maxStorageBytes: z.number().int(),
    }),
    createdAt: millis,
  })
  .meta({ id: 'ConsoleApp' }) satisfies z.ZodType<ConsoleApp>;

export const rotatedAppModel = consoleAppModel
  .extend({ appSecret: z.string().describe('the new secret; this answer is the only time it is shown without the password') })
  .meta({ id: 'RotatedApp' }) satisfies z.ZodType<RotatedApp>;

export const revealedSecretModel = z
  .object({ appSecret: z.string(), previousSecretValidUntil: millis.nullable() })
  .meta({ id: 'RevealedSecret' }) satisfies z.ZodType<RevealedSecret>;

const count = z.number().int().min(0);

export const appUsageModel = z
  .object({
    users: count.describe('users the app has'),
    groups: count.describe('groups that exist now'),
    messagesToday: count.describe('messages stored since 00:00 UTC'),
    messagesPerDay: z
      .array(z.object({ day: z.string().describe('YYYY-MM-DD, UTC'), messages: count }))
      .describe('the last 30 UTC days, oldest first, today last'),
    socketsOnline: count.describe('devices connected now, over every server process'),
    storage: z.object({ files: count, bytes: count, maxBytes: count.describe("the app's `maxStorageBytes`") }).describe('uploaded files, thumbnails included'),
    at: millis.describe('when the figures were read'),
  })
  .meta({ id: 'AppUsage' }) satisfies z.ZodType<AppUsage>;

export const consoleMessageModel = z
  .object({
    msgId: z.string(),
    conversationId: z.string().describe('`p:<userA>:<userB>` (ids sorted) or `g:<groupId>`'),
    conversationType,
    senderUserId: z.string(),
    targetId: z.string(),
    seq: z.number().int(),
    messageType,
    content: z.record(z.string(), z.unknown()).describe('the fields of its `messageType`; `{}` once recalled'),
    clientMsgId: z.string().nullable(),
    timestamp: millis,
    recall: z.object({ by: z.string().nullable(), at: millis }).nullable().describe('who recalled it (null: the backend) and when; null while not recalled'),
  })
  .meta({ id: 'ConsoleMessage' }) satisfies z.ZodType<ConsoleMessage>;

export const messageSearchPageModel = z
  .object({
    messages: z.array(consoleMessageModel).describe('newest first'),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null at the end. A page may be short and still have one: a search by sender or text examines at most 2000 messages per page'),
    examined: count.describe('stored messages this page examined'),
  })
  .meta({ id: 'MessageSearchPage' }) satisfies z.ZodType<MessageSearchPage>;

export const messageDetailModel = z
  .object({
    message: consoleMessageModel,
    lastSeq: z.number().int().describe("the conversation's newest seq"),
    recipients: z
      .array(
        z.object({
          userId: z.string(),
          name: z.string().nullable(),
          readSeq: z.number().int().describe('highest seq the user marked read in the conversation'),
          read: z.boolean().describe('`readSeq` is at or past the message'),
          online: z.boolean().describe('connected now'),
          platforms: z.array(z.string()).describe('platforms of the devices connected now'),
          pushedTo: z
            .array(
              z.object({
                platform: z.string(),
                connectedAt: millis.describe('when the connection was accepted'),
                disconnectedAt: millis.nullable().describe('when it ended; null while still connected'),
              }),
            )
            .describe(
              'devices connected when the message was stored, so its push was written to them, oldest connection first. One still connected holds it; one that disconnected later may have lost it in its last moments and fetched it by seq on reconnecting. Devices that were offline fetch it from history',
            ),
        }),
      )
      .describe('up to 200 recipients (the other user, or group members other than the sender, in join order)'),
    recipientCount: count.describe('recipients in all'),
    devicesKnownSince: millis.describe(
      'since when `pushedTo` is complete: each server process remembers the connections that ended since it started, the most recent 10,000; a device that disconnected before this is not listed',
    ),
  })
  .meta({ id: 'MessageDetail' }) satisfies z.ZodType<MessageDetail>;

// ---- realtime: ack data and push payloads -------------------------------------------------------

const conversationRef = { conversationType, targetId: z.string() };

export const sessionReadStateModel = z
  .object({
    sid: z.string(),
    ...conversationRef,
    readSeq: z.number().int().describe('highest seq the user has read'),
    unread: z.number().int().describe('unread messages left in the session'),
  })
  .meta({ id: 'SessionReadState' }) satisfies z.ZodType<SessionReadState>;

export const sessionDoNotDisturbStateModel = z
  .object({ sid: z.string(), ...conversationRef, doNotDisturb: z.boolean().describe('notifications of the session are off') })
  .meta({ id: 'SessionDoNotDisturbState' }) satisfies z.ZodType<SessionDoNotDisturbState>;

export const presenceStateModel = z
  .object({
    userId: z.string(),
    online: z.boolean().describe('true while the user has at least one connected device'),
    platforms: z.array(z.enum(Object.values(Platform))).describe('platforms of the connected devices, each once; empty when offline'),
    lastSeenAt: millis.nullable().describe('when the last device left; null while online or when not seen since the server started'),
  })
  .meta({ id: 'PresenceState' }) satisfies z.ZodType<PresenceState>;

export const readyEventModel = z
  .object({
    appId: z.string(),
    userId: z.string().describe('the user the token belongs to'),
    platform: z.enum(Object.values(Platform)),
    serverTime: millis.describe("the server's clock, to correct a device clock"),
    recallWindows: z
      .object({
        senderSeconds: count.describe('the sender may recall their own message this long after it was stored'),
        groupAdminSeconds: count.describe("a group's owner or admin may recall a member's message this long"),
      })
      .describe("the app's recall windows as its settings stood when the device connected (a change reaches a device when it next connects)"),
  })
  .meta({ id: 'ReadyEvent' }) satisfies z.ZodType<ReadyEvent>;

export const readReceiptEventModel = z
  .object({
    ...conversationRef,
    userId: z.string().describe('the reader'),
    readSeq: z.number().int(),
  })
  .meta({ id: 'ReadReceiptEvent' }) satisfies z.ZodType<ReadReceiptEvent>;

export const typingEventModel = z
  .object({ ...conversationRef, userId: z.string().describe('who is typing') })
  .meta({ id: 'TypingEvent' }) satisfies z.ZodType<TypingEvent>;

export const kickedEventModel = z
  .object({ reason: z.enum(Object.values(KickReason)), message: z.string() })
  .meta({ id: 'KickedEvent' }) satisfies z.ZodType<KickedEvent>;

export const uploadedFileModel = z
  .object({
    fileId: z.string().describe('unguessable id, 32 hex characters'),
    url: z.string().describe("where the file is served; put it in a message's `content.url` (signed and expiring when the app's files are private)"),
    name: z.string().describe('the name it was uploaded with, for display; never a storage path'),
    size: z.number().int().describe('bytes'),
    mimeType: z.string().describe('sniffed from the bytes; `application/octet-stream` when unknown'),
    category: z.enum(Object.values(FileCategory)),
    width: z.number().int().optional().describe('images: pixels, read from the file'),
    height: z.number().int().optional().describe('images: pixels, read from the file'),
    duration: z.number().optional().describe('audio and video: seconds, when the container says it'),
    thumbUrl: z.string().optional().describe('images: a copy at most 400 px on its longest side'),
    createdAt: millis,
  })
  .meta({ id: 'UploadedFile' }) satisfies z.ZodType<UploadedFile>;
