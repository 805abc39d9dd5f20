import { GroupEventKind, GroupJoinPolicy, GroupRole, Limits, MessageType, type GroupEventContent, type JsonValue } from '@parley/sdk/protocol';
import { z } from 'zod';
import { contentUrl as contentUrlOf, text } from './common.js';

/**
 * Message content per `messageType`. Each type requires its own fields and refuses any other;
 * the whole content's size limit is a per-deployment rule checked by the message service.
 */

/** Deepest nesting inside a content object; `stored` documents, logs and previews walk it. */
const MAX_DEPTH = 16;

/** Object keys must not start with `$`: document stores read such keys as operators. */
const SAFE_KEY = /^(?:[^$]|$)/;
const KEY_PROBLEM = 'keys must not start with $';
const safeKey = z.string().regex(SAFE_KEY, KEY_PROBLEM);

/** Any JSON value whose objects, at any depth, have no `$`-prefixed keys. */
export const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(safeKey, jsonValue)]))
  .meta({ id: 'JsonValue', description: `any JSON value; object keys must not start with \`$\`; at most ${MAX_DEPTH} levels deep` });

/** True when `value` nests arrays/objects deeper than `limit` (iterative: any depth is safe to check). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A URL in content: absolute `http(s)`; the message service decides whether it may be used (own file, or `https`). */
const contentUrl = contentUrlOf()
  .describe('a file of this app (the `url` `/file/upload` answered) or any `https` URL; up to 2048 characters');

/** `extra`: the tenant's own data, kept small because every delivery and history page carries it. */
const extra = z
  .record(safeKey, jsonValue)
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= Limits.CONTENT_EXTRA_MAX_BYTES, {
    message: `must be at most ${Limits.CONTENT_EXTRA_MAX_BYTES} bytes as JSON`,
  })
  .describe(`the tenant's own data, any JSON object up to ${Limits.CONTENT_EXTRA_MAX_BYTES} bytes; stored and returned untouched`);

/**
 * A content object of one message type: its own fields, plus `content` (text or caption) and
 * `extra` for all. Any other field is refused, naming it: a field the server does not know would
 * otherwise be stored, delivered and shown by no client, or shadow a field a later version adds.
 * Tenant data goes in `extra`.
 */
function contentObject<Shape extends z.ZodRawShape>(id: string, shape: Shape) {
  return z
    .strictObject({ content: z.string().max(10_000).optional().describe('caption, shown in conversation lists'), extra: extra.optional() })
    .extend(shape)
    .superRefine((value, ctx) => {
      if (deeperThan(value, MAX_DEPTH)) ctx.addIssue({ code: 'custom', message: `must not nest deeper than ${MAX_DEPTH} levels`, path: [] });
    })
    .meta({ id });
}

const finite = z.number();
const nonNegative = finite.min(0);
const pixels = nonNegative.int().max(1_000_000).describe('pixels');
const bytes = nonNegative.int().max(Number.MAX_SAFE_INTEGER).describe('bytes');
const seconds = nonNegative.max(7 * 24 * 3600).describe('seconds');

export const contentSchemas = {
  [MessageType.TEXT]: contentObject('TextContent', { content: z.string().min(1, 'must not be empty').describe('the text') }),
  [MessageType.VOICE]: contentObject('VoiceContent', { url: contentUrl, duration: seconds, size: bytes.optional() }),
  [MessageType.IMAGE]: contentObject('ImageContent', {
    url: contentUrl,
    width: pixels,
    height: pixels,
    size: bytes.optional(),
    thumbUrl: contentUrl.optional(),
  }),
  [MessageType.FILE]: contentObject('FileContent', {
    url: contentUrl,
    name: text(1, 255).describe('the name shown to users'),
    size: bytes,
    mimeType: text(0, 255).optional(),
  }),
  [MessageType.LOCATION]: contentObject('LocationContent', {
    latitude: finite.min(-90).max(90).describe('degrees, WGS-84'),
    longitude: finite.min(-180).max(180).describe('degrees, WGS-84'),
    address: text(0, 500).optional(),
  }),
  [MessageType.CUSTOM]: contentObject('CustomContent', {
    type: text(1, 64).describe("the tenant's name for this kind of message"),
    data: jsonValue.describe('any JSON value'),
  }),
  [MessageType.VIDEO]: contentObject('VideoContent', {
    url: contentUrl,
    duration: seconds,
    width: pixels.optional(),
    height: pixels.optional(),
    size: bytes.optional(),
    coverUrl: contentUrl.optional(),
  }),
  // Written by the server only: sends of this type are refused (the send schemas list the others).
  [MessageType.GROUP_EVENT]: z
    .strictObject({
      event: z.enum(Object.values(GroupEventKind)).describe('what happened'),
      operatorId: z.string().nullable().describe("who did it; null for the tenant's backend, or the server handing ownership over"),
      userIds: z.array(z.string()).describe('the users it is about; empty when it is about the group'),
      requestId: z.string().optional().describe('`joined`: the join request this join approved'),
      content: z.string().describe('the sentence shown for it, with the names at the time'),
      mutedUntil: z.number().int().optional().describe('`muted`: until when, milliseconds since the Unix epoch'),
      mutedAll: z.boolean().optional().describe('`muted-all`: whether only the owner and admins may send now'),
      role: z.enum(Object.values(GroupRole)).optional().describe('`role-changed`: the new role'),
      ownerId: z.string().optional().describe('`owner-changed`: the new owner'),
      previousOwnerId: z.string().optional().describe('`owner-changed`: the owner before'),
      name: z.string().optional().describe('`info-changed`: the new name'),
      avatarUri: z.string().optional().describe('`info-changed`: the new avatar'),
      description: z.string().optional().describe('`info-changed`: the new description'),
      joinPolicy: z.enum(Object.values(GroupJoinPolicy)).optional().describe('`info-changed`: the new join policy'),
      announcement: z.string().optional().describe("`announcement-changed`: the new announcement, '' when cleared"),
    })
    .meta({ id: 'GroupEventContent' }) satisfies z.ZodType<GroupEventContent>,
} as const;
