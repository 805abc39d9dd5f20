import { ConversationType, FileCategory, FriendRequestStatus, GroupJoinPolicy, GroupRole, JoinRequestStatus, MessagePolicy, MessageType, type AppSettings, type MessageContent } from '@parley/sdk/protocol';
import { z } from 'zod';
import { text } from '../schemas/common.js';
import { FILE_SETTING_DEFAULTS } from '../domain/files/file-settings.js';
import { appSettingsPatch } from '../schemas/console-api.js';
import { jsonValue } from '../schemas/content.js';
import { MAX_PENDING_GROUP_EVENTS } from '../domain/groups/group-limits.js';
import type { PendingGroupEvent } from '../store/records.js';
import type { TransferCollection, TransferInput } from '../store/transfer.js';

/**
 * One schema per line of an export file: an import validates every line before anything of its
 * batch is written, so a hand-edited or truncated file is refused with the file and line, never
 * half-written into a store as records the domain cannot read.
 */

const id = z.string().min(1).max(256);
const millis = z.number().int().nonnegative();
const seq = z.number().int().nonnegative();
const conversationType = z.literal(Object.values(ConversationType));
const messageType = z.literal(Object.values(MessageType));
const inApp = { appId: id };
const count = z.number().int().nonnegative();

/** Every setting, but those added with files and the message policy may be missing (exports made before them): they take their defaults. */
const settings = appSettingsPatch
  .required()
  .partial({ maxUploadBytes: true, uploadCategories: true, privateFiles: true, fileUrlTtlSeconds: true, userUploadsPerMinute: true, maxStorageBytes: true, messagePolicy: true })
  .transform(
    (given): AppSettings => ({
      ...given,
      maxUploadBytes: given.maxUploadBytes ?? FILE_SETTING_DEFAULTS.maxUploadBytes,
      uploadCategories: given.uploadCategories ?? [...FILE_SETTING_DEFAULTS.uploadCategories],
      privateFiles: given.privateFiles ?? FILE_SETTING_DEFAULTS.privateFiles,
      fileUrlTtlSeconds: given.fileUrlTtlSeconds ?? FILE_SETTING_DEFAULTS.fileUrlTtlSeconds,
      userUploadsPerMinute: given.userUploadsPerMinute ?? FILE_SETTING_DEFAULTS.userUploadsPerMinute,
      maxStorageBytes: given.maxStorageBytes ?? FILE_SETTING_DEFAULTS.maxStorageBytes,
      // What every app did before the setting existed.
      messagePolicy: given.messagePolicy ?? MessagePolicy.ANYONE,
    }),
  );
const jsonObject = z.record(z.string(), jsonValue);
/** Any JSON object: stored content is the tenant's own (and `{}` once recalled), checked when it was sent. */
const content = z.custom<MessageContent>((value) => jsonObject.safeParse(value).success, 'must be a JSON object');

/** A group event waiting in its group: its facts are the server's own, checked as any JSON object. */
const pendingGroupEvent = z.strictObject({
  eventId: id,
  facts: z.custom<PendingGroupEvent['facts']>((value) => jsonObject.safeParse(value).success, 'must be a JSON object'),
  answering: id.nullable(),
  endsGroup: z.boolean(),
});

export const TRANSFER_SCHEMAS: { [C in TransferCollection]: z.ZodType<TransferInput[C]> } = {
  tenants: z.strictObject({ tenantId: id, email: z.string().min(3).max(320), passwordHash: z.string().min(1).max(1024), createdAt: millis }),
  consoleTokens: z.strictObject({ tokenHash: id, tenantId: id, createdAt: millis, expiresAt: millis }),
  apps: z.strictObject({
    appId: id,
    tenantId: id,
    appName: z.string().max(1000),
    description: z.string().max(10_000),
    secret: z.string().min(1).max(1000),
    previousSecret: z.string().max(1000).nullable(),
    previousSecretValidUntil: millis.nullable(),
    settings,
    createdAt: millis,
    updatedAt: millis,
  }),
  users: z.strictObject({ ...inApp, userId: id, name: z.string().max(1000), avatarUri: z.string().max(10_000), createdAt: millis, updatedAt: millis }),
  userTokens: z.strictObject({ ...inApp, tokenHash: id, userId: id, createdAt: millis, expiresAt: millis, revokedAt: millis.nullable() }),
  blocks: z.strictObject({ ...inApp, userId: id, blockedUserId: id, createdAt: millis }),
  friendRequests: z.strictObject({
    ...inApp,
    requestId: id,
    fromUserId: id,
    toUserId: id,
    message: z.string().max(10_000),
    status: z.enum(Object.values(FriendRequestStatus)),
    createdAt: millis,
    decidedAt: millis.nullable(),
    /** Missing from exports made before requests could be dropped: those were not. */
    dropped: z.boolean().default(false),
  }),
  friendGroups: z.strictObject({ ...inApp, userId: id, friendGroupId: id, name: z.string().max(1000), order: z.number().int(), createdAt: millis }),
  friends: z.strictObject({ ...inApp, userId: id, friendId: id, remark: z.string().max(1000), friendGroupId: id.nullable(), createdAt: millis }),
  files: z.strictObject({
    ...inApp,
    fileId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'),
    uploaderUserId: id.nullable(),
    name: text(1, 255),
    mimeType: z.string().min(1).max(255),
    category: z.enum(Object.values(FileCategory)),
    size: count,
    width: count.nullable(),
    height: count.nullable(),
    duration: z.number().nonnegative().nullable(),
    thumb: z.strictObject({ size: count, width: count, height: count }).nullable(),
    createdAt: millis,
  }),
  groups: z.strictObject({
    ...inApp,
    groupId: id,
    name: z.string().max(1000),
    avatarUri: z.string().max(10_000),
    ownerId: id,
    // Group administration's fields; exports made before it take the defaults.
    description: z.string().max(10_000).default(''),
    announcement: z.string().max(10_000).default(''),
    announcementBy: id.nullable().default(null),
    announcementAt: millis.nullable().default(null),
    announcementSeq: z.number().int().positive().nullable().default(null),
    // Events written with a change and not yet in the conversation (stored on the next read).
    pendingEvents: z.array(pendingGroupEvent).max(MAX_PENDING_GROUP_EVENTS).default([]),
    mutedAll: z.boolean().default(false),
    joinPolicy: z.enum(Object.values(GroupJoinPolicy)).default(GroupJoinPolicy.INVITE),
    memberCount: z.number().int().nonnegative(),
    joinCount: z.number().int().nonnegative(),
    version: z.number().int().nonnegative(),
    createdAt: millis,
    updatedAt: millis,
  }),
  groupMembers: z.strictObject({
    ...inApp,
    groupId: id,
    userId: id,
    role: z.enum(Object.values(GroupRole)),
    joinedAt: millis,
    joinIndex: z.number().int().nonnegative(),
    nickname: z.string().max(1000).default(''),
    mutedUntil: millis.nullable().default(null),
  }),
  joinRequests: z.strictObject({
    ...inApp,
    requestId: id,
    groupId: id,
    userId: id,
    inviterId: id.nullable(),
    message: z.string().max(10_000),
    status: z.enum(Object.values(JoinRequestStatus)),
    createdAt: millis,
    decidedBy: id.nullable(),
    decidedAt: millis.nullable(),
  }),
  conversations: z.strictObject({
    ...inApp,
    conversationId: id,
    conversationType,
    lastSeq: seq,
    lastMessage: z
      .strictObject({ msgId: id, seq, senderUserId: id, messageType, preview: z.string().max(10_000), timestamp: millis })
      .nullable(),
    createdAt: millis,
    updatedAt: millis,
  }),
  messages: z.strictObject({
    ...inApp,
    msgId: id,
    conversationId: id,
    seq: z.number().int().positive(),
    conversationType,
    senderUserId: id,
    targetId: id,
    messageType,
    content,
    clientMsgId: id.nullable(),
    timestamp: millis,
    recall: z.strictObject({ by: id.nullable(), at: millis }).nullable(),
    preview: z.string().max(10_000),
  }),
  sessions: z.strictObject({
    ...inApp,
    sid: id,
    userId: id,
    conversationId: id,
    conversationType,
    targetId: id,
    readSeq: seq,
    // Exports made before do-not-disturb existed have none.
    doNotDisturb: z.boolean().default(false),
    createdAt: millis,
    // Exports made before sessions could end have no end.
    ended: z
      .strictObject({ msgId: id, seq, senderUserId: z.string().max(256), preview: z.string().max(10_000), timestamp: millis })
      .nullable()
      .default(null),
  }),
};
