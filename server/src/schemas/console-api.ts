import { FileCategory, Limits, LoginPolicy, MessagePolicy, PresenceScope, type ChangePasswordRequest, type ConsoleCredentials, type MessageSearchQuery, type RevealSecretRequest } from '@parley/sdk/protocol';
import { z } from 'zod';
import { SEARCH_CURSOR_PATTERN, SEARCH_PAGE_DEFAULT, SEARCH_PAGE_MAX } from '../domain/insights/message-search.js';
import { email, entityId, objectId, text, visibleText } from './common.js';

/** Request bodies of the console API. */

const password = text(8, 128).describe('8-128 characters');

export const credentials = z
  .strictObject({
    email,
    password,
  })
  .meta({ id: 'ConsoleCredentials' }) satisfies z.ZodType<ConsoleCredentials>;

export const changePasswordRequest = z
  .strictObject({
    currentPassword: text(1, 128).describe('the password in use now'),
    newPassword: password,
  })
  .meta({ id: 'ChangePasswordRequest' }) satisfies z.ZodType<ChangePasswordRequest>;

const appName = visibleText(64).describe('1-64 characters, not blank; stored without the spaces around it');
const appDescription = text(0, 500).describe('up to 500 characters');

export const createAppRequest = z.strictObject({
  appName,
  description: appDescription.default(''),
});

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

export const appSettingsPatch = z.strictObject({
  tokenTtlSeconds: seconds(60, 365 * 24 * 3600).optional().describe('lifetime of new user tokens, 60 s to 1 year'),
  maxGroupMembers: z.number().int().min(2).max(10_000).optional().describe('largest group, 2-10000 members'),
  recallWindowSeconds: seconds(0, 7 * 24 * 3600).optional().describe('how long a sender may recall, 0 s to 7 days'),
  adminRecallWindowSeconds: seconds(0, 7 * 24 * 3600).optional().describe('how long a group owner or admin may recall, 0 s to 7 days'),
  loginPolicy: z.enum(Object.values(LoginPolicy)).optional(),
  presenceScope: z.enum(Object.values(PresenceScope)).optional().describe('whose presence a user may see and whom they may send typing to'),
  messagePolicy: z.enum(Object.values(MessagePolicy)).optional().describe('who may send a user a private message: anyone, or only their friends'),
  apiRequestsPerSecond: z.number().int().min(1).max(100_000).optional().describe('signed REST requests per second, 1-100000'),
  userSendsPerSecond: z.number().int().min(1).max(10_000).optional().describe('socket sends per user per second, 1-10000'),
  userSignalsPerSecond: z.number().int().min(1).max(10_000).optional().describe('typing and presence requests per user per second, 1-10000'),
  maxUsers: z.number().int().min(1).max(100_000_000).optional().describe('most users of the app, 1-100000000'),
  maxGroups: z.number().int().min(1).max(10_000_000).optional().describe('most groups of the app, 1-10000000'),
  maxUploadBytes: z
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 ** 3)
    .optional()
    .describe(`largest upload in bytes, 1 KiB to 4 GiB (default ${Limits.UPLOAD_BYTES_DEFAULT}); the server's UPLOAD_MAX_BYTES caps it`),
  uploadCategories: z
    .array(z.enum(Object.values(FileCategory)))
    .max(4)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a category')
    .meta({ uniqueItems: true })
    .optional()
    .describe('kinds of file that may be uploaded, from the bytes: image, audio, video, file (anything else); [] allows none'),
  privateFiles: z.boolean().optional().describe('sign file URLs with an expiry and serve files only with a valid signature'),
  fileUrlTtlSeconds: seconds(60, 7 * 24 * 3600).optional().describe('how long a signed file URL works, 60 s to 7 days'),
  userUploadsPerMinute: z.number().int().min(1).max(10_000).optional().describe('uploads per user per minute, 1-10000'),
  maxStorageBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(2 ** 50)
    .optional()
    .describe('bytes all files of the app may take, 1 MiB to 1 PiB (default 10 GiB)'),
});

export const updateAppRequest = z.strictObject({
  appName: appName.optional(),
  description: appDescription.optional(),
  settings: appSettingsPatch.optional().describe('only the settings given change'),
});

export const rotateSecretRequest = z.strictObject({
  graceSeconds: seconds(0, 30 * 24 * 3600)
    .optional()
    .describe("how long the previous secret keeps working, 0 s to 30 days; default the server's SECRET_ROTATION_GRACE_SECONDS"),
});

export const appIdParam = z.strictObject({
  appId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a 16-character hex app id').describe('16 hex characters'),
});

export const messageParams = appIdParam.extend({ msgId: objectId });

export const revealSecretRequest = z
  .strictObject({ password: text(1, 128).describe("the account's password, checked like a login") })
  .meta({ id: 'RevealSecretRequest' }) satisfies z.ZodType<RevealSecretRequest>;

/** Milliseconds since the epoch, from 1970 to the year 2286. */
const instant = z.number().int().min(0).max(9_999_999_999_999);

export const messageSearchQuery = z
  .strictObject({
    senderUserId: entityId.optional().describe('only messages this user sent'),
    conversationId: z
      .string()
      .regex(/^(g:[A-Za-z0-9_\-.@=+]{1,64}|p:[A-Za-z0-9_\-.@=+]{1,64}:[A-Za-z0-9_\-.@=+]{1,64})$/, 'must be g:<groupId> or p:<userId>:<userId>')
      .optional()
      .describe('only this conversation: `g:<groupId>`, or `p:<userA>:<userB>` in either order'),
    from: instant.optional().describe('sent at or after, ms since the epoch'),
    to: instant.optional().describe('sent before, ms since the epoch'),
    text: text(1, 100).optional().describe("part of the message's text or caption, file name or location address; case-insensitive"),
    limit: z.number().int().min(1).max(SEARCH_PAGE_MAX).optional().describe(`1-${SEARCH_PAGE_MAX}, default ${SEARCH_PAGE_DEFAULT}`),
    cursor: z.string().regex(SEARCH_CURSOR_PATTERN, 'must be the nextCursor of an earlier page').optional().describe('`nextCursor` of the previous page'),
  })
  .meta({ id: 'MessageSearchQuery' }) satisfies z.ZodType<MessageSearchQuery>;
