import { MessageType, type JsonValue } from '@parley/sdk/protocol';
import { z } from 'zod';
import { text, url } from './common.js';

/**
 * Message content per `messageType`. Each type requires its own fields; extra fields are kept
 * as sent (a tenant's UI may need them) as long as they are plain JSON. The size limit is a
 * per-deployment rule checked by the message service.
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

/**
 * A content object of one message type: its own fields, `content` and `extra` for all, any other
 * JSON field kept as sent. Its own keys are checked here (a zod object has no key schema); nested
 * keys by `jsonValue`. `propertyNames` says the same in the document.
 */
function contentObject<Shape extends z.ZodRawShape>(id: string, shape: Shape) {
  return z
    .object({ content: z.string().optional(), extra: z.record(safeKey, jsonValue).optional() })
    .extend(shape)
    .catchall(jsonValue.optional())
    .superRefine((value, ctx) => {
      for (const key of Object.keys(value)) {
        if (!SAFE_KEY.test(key)) ctx.addIssue({ code: 'custom', message: KEY_PROBLEM, path: [key] });
      }
      if (deeperThan(value, MAX_DEPTH)) ctx.addIssue({ code: 'custom', message: `must not nest deeper than ${MAX_DEPTH} levels`, path: [] });
    })
    .meta({ id, propertyNames: { pattern: SAFE_KEY.source } });
}

const finite = z.number();
const nonNegative = finite.min(0);

export const contentSchemas = {
  [MessageType.TEXT]: contentObject('TextContent', { content: z.string().min(1, 'must not be empty') }),
  [MessageType.VOICE]: contentObject('VoiceContent', { url: url(1), duration: nonNegative.describe('seconds') }),
  [MessageType.IMAGE]: contentObject('ImageContent', {
    url: url(1),
    width: nonNegative.int().optional(),
    height: nonNegative.int().optional(),
    thumbnailUrl: url(0).optional(),
  }),
  [MessageType.FILE]: contentObject('FileContent', {
    url: url(1),
    name: text(1, 255),
    size: nonNegative.int().describe('bytes'),
    mimeType: text(0, 255).optional(),
  }),
  [MessageType.LOCATION]: contentObject('LocationContent', {
    latitude: finite.min(-90).max(90),
    longitude: finite.min(-180).max(180),
    address: text(0, 500).optional(),
  }),
  [MessageType.CUSTOM]: contentObject('CustomContent', {}),
} as const;
