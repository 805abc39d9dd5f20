import { MessageType } from '@parley/sdk/protocol';
import { z } from 'zod';
import { uri } from './common.js';

/**
 * Message content per `messageType`. Each type requires its own fields; extra fields are kept
 * as sent (a tenant's UI may need them) as long as they are plain JSON. The size limit is a
 * per-deployment rule checked by the message service.
 */

const MAX_DEPTH = 16;

/** Rejects `$`-prefixed keys (database operators) and absurd nesting anywhere in the value. */
function checkKeys(value: unknown, depth: number, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (depth > MAX_DEPTH) {
    ctx.addIssue({ code: 'custom', message: `nesting deeper than ${MAX_DEPTH} levels`, path });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkKeys(item, depth + 1, [...path, index], ctx));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$')) ctx.addIssue({ code: 'custom', message: 'keys must not start with $', path: [...path, key] });
      else checkKeys(item, depth + 1, [...path, key], ctx);
    }
  }
}

function contentObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object({ content: z.string().optional(), extra: z.record(z.string(), z.json()).optional() })
    .extend(shape)
    .catchall(z.json().optional())
    .superRefine((value, ctx) => checkKeys(value, 0, [], ctx));
}

const finite = z.number();
const nonNegative = finite.min(0);

export const contentSchemas = {
  [MessageType.TEXT]: contentObject({ content: z.string().min(1, 'must not be empty') }),
  [MessageType.VOICE]: contentObject({ url: uri.min(1), duration: nonNegative }),
  [MessageType.IMAGE]: contentObject({
    url: uri.min(1),
    width: nonNegative.int().optional(),
    height: nonNegative.int().optional(),
    thumbnailUrl: uri.optional(),
  }),
  [MessageType.FILE]: contentObject({
    url: uri.min(1),
    name: z.string().min(1).max(255),
    size: nonNegative.int(),
    mimeType: z.string().max(255).optional(),
  }),
  [MessageType.LOCATION]: contentObject({
    latitude: finite.min(-90).max(90),
    longitude: finite.min(-180).max(180),
    address: z.string().max(500).optional(),
  }),
  [MessageType.CUSTOM]: contentObject({}),
} as const;
