import { Limits, Platform, type BlockPayload, type SetDoNotDisturbPayload } from '@parley/sdk/protocol';
import { z } from 'zod';
import { conversationType, entityId, objectId, pageLimit, userIdList } from './common.js';
import { sendMessageSchema } from './open-api.js';

/**
 * Payloads of the socket protocol (`@parley/sdk/protocol` realtime.ts). Each request declaration
 * checks its schema against the protocol type it validates.
 */

export const handshakeAuth = z.object({
  appId: z.string().min(1, 'is required').max(64),
  token: z.string().min(1, 'is required').max(512),
  platform: z.enum(Object.values(Platform)).default(Platform.WEB),
});

export const sessionMessageListPayload = z.strictObject({
  sid: objectId,
  limit: pageLimit.optional().describe(`1-${Limits.MESSAGE_PAGE_MAX}, default ${Limits.MESSAGE_PAGE_DEFAULT}`),
  lastmsgId: objectId.optional().describe('only messages older than this one'),
});

/** A send from a device: `senderUserId` may be left out (the sender is always the connected user). */
export const sendMessagePayload = sendMessageSchema(entityId.optional());

/** `{sid, seq?}`, or the sid alone as the seed protocol sends it. */
export const setSessionReadPayload = z.union([
  objectId,
  z.strictObject({
    sid: objectId,
    seq: z.number().int().min(0).optional().describe('read up to this seq; default the newest message'),
  }),
]);

export const setDoNotDisturbPayload = z.strictObject({
  sid: objectId,
  doNotDisturb: z.boolean().describe('true turns notifications of the session off; false turns them on again'),
}) satisfies z.ZodType<SetDoNotDisturbPayload>;

export const syncMessagesPayload = z.strictObject({
  conversationType,
  targetId: entityId,
  afterSeq: z.number().int().min(0).describe('the highest seq the device already has; 0 for everything'),
  limit: pageLimit.optional().describe(`1-${Limits.MESSAGE_PAGE_MAX}, default ${Limits.MESSAGE_PAGE_MAX}`),
});

export const recallMessagePayload = z.strictObject({ msgId: objectId });

export const typingPayload = z.strictObject({ conversationType, targetId: entityId });

export const presencePayload = z.strictObject({ userIds: userIdList });

export const blockPayload = z.strictObject({ userIds: userIdList.describe('1-500 other users of the app') }) satisfies z.ZodType<BlockPayload>;

/** Largest page of `sync-messages`, and its default. */
export const SYNC_PAGE_MAX = Limits.MESSAGE_PAGE_MAX;
