import { Limits } from '@parley/sdk/protocol';
import { z } from 'zod';
import { conversationType, entityId, objectId, pageLimit, userIdList } from './common.js';

/**
 * Payloads of the socket protocol (`@parley/sdk/protocol` realtime.ts). Sends reuse the open
 * API's `sendMessageRequest`, with the sender filled in from the token.
 */

export const handshakeAuth = z.object({
  appId: z.string().min(1, 'is required').max(64),
  token: z.string().min(1, 'is required').max(512),
  platform: z.enum(['web', 'ios', 'android', 'desktop', 'other']).default('web'),
});

export const sessionMessageListPayload = z.strictObject({
  sid: objectId,
  limit: pageLimit.optional(),
  lastmsgId: objectId.optional(),
});

/** `{sid, seq?}`, or the sid alone as the seed protocol sends it. */
export const setSessionReadPayload = z.union([
  objectId.transform((sid) => ({ sid, seq: undefined })),
  z.strictObject({ sid: objectId, seq: z.number().int().min(0).optional() }),
]);

export const syncMessagesPayload = z.strictObject({
  conversationType,
  targetId: entityId,
  afterSeq: z.number().int().min(0),
  limit: pageLimit.optional(),
});

export const recallMessagePayload = z.strictObject({ msgId: objectId });

export const typingPayload = z.strictObject({ conversationType, targetId: entityId });

export const presencePayload = z.strictObject({ userIds: userIdList });

/** Largest page of `sync-messages`. */
export const SYNC_PAGE_MAX = Limits.MESSAGE_PAGE_MAX;
