import { ConversationType, Limits, MessageType } from '@parley/sdk/protocol';
import { z } from 'zod';

/**
 * Building blocks of the boundary schemas. HTTP routes (and the socket gateway) validate every
 * input with these before any domain code runs, and the OpenAPI document is generated from them,
 * so every rule here must also be expressible in portable JSON Schema: patterns use plain
 * character ranges (no `\p{…}` classes, no lookaround) that ECMAScript, Python and Rust regex
 * engines and test-data generators all read the same way.
 */

/**
 * userId and groupId: 1-64 characters from a URL- and key-safe set. ':' is excluded on purpose:
 * conversation keys are built by joining ids with it.
 */
export const entityId = z
  .string()
  .regex(/^[A-Za-z0-9_\-.@=+]{1,64}$/, 'must be 1-64 characters from A-Z a-z 0-9 _ - . @ = +')
  .describe('1-64 characters from `A-Z a-z 0-9 _ - . @ = +`');

/** A client-chosen idempotency key. */
export const clientMsgId = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1-64 printable ASCII characters without spaces')
  .describe('idempotency key: 1-64 printable ASCII characters, no spaces');

/** 24 hex characters. */
export const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id').describe('24 hex characters');

/** Unicode control characters (category Cc: U+0000-001F, U+007F-009F), as a character-class body. */
const CONTROL = '\\x00-\\x1f\\x7f-\\x9f';
/** What `String.prototype.trim` removes besides the control characters: spaces and line separators. */
const SPACE = ' \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

// Control characters break logs and UIs; tabs and newlines included.
const NO_CONTROL = new RegExp(`^[^${CONTROL}]*$`);
// No control characters, and something left once `trim` has removed the spaces around it.
const VISIBLE_TEXT = new RegExp(`^[^${CONTROL}]*[^${CONTROL}${SPACE}][^${CONTROL}]*$`);

function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * A string of `min`-`max` characters, counted as JSON Schema's `minLength`/`maxLength` count
 * them: Unicode code points, so an emoji is one character (zod's own `.min`/`.max` count UTF-16
 * units, which would refuse 60 emoji as "more than 100"). The issues are zod's usual
 * `too_small`/`too_big`, so the boundary words them like any other length.
 */
export function text(min: number, max: number) {
  return z
    .string()
    .check((ctx) => {
      const length = characterCount(ctx.value);
      if (length < min) ctx.issues.push({ code: 'too_small', origin: 'string', minimum: min, inclusive: true, input: ctx.value });
      else if (length > max) ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value });
    })
    .meta({ minLength: min, maxLength: max });
}

/**
 * A display name: 1-100 characters as sent, no control characters, not blank. The spaces around
 * it are removed before it is stored.
 */
export const displayName = text(1, 100)
  .regex(VISIBLE_TEXT, 'must not be blank or contain control characters')
  .trim()
  .describe('1-100 characters, no control characters, not blank; stored without the spaces around it');

/**
 * An avatar or file URL: whatever a browser accepts in `src` (spaces and non-ASCII included, it
 * percent-encodes them itself), stored exactly as sent. Only control characters are refused.
 */
export function url(min: number) {
  return text(min, 2048)
    .regex(NO_CONTROL, 'must not contain control characters')
    .describe('URL as a browser takes it (spaces and non-ASCII allowed), stored exactly as sent; up to 2048 characters, no control characters');
}

/**
 * A URL a message's content points at: absolute `http` or `https`, with a host, as a browser
 * takes it (no control characters); the message service decides whether it may be used. One
 * pattern says it all, so that the document states exactly the rule the server applies.
 */
export function contentUrl() {
  return text(1, 2048).regex(
    new RegExp(`^https?://[^${CONTROL}${SPACE}/?#@]+[^${CONTROL}]*$`),
    'must be an absolute http or https URL, e.g. https://cdn.example.com/cat.png, without control characters',
  );
}

/** An optional avatar URL; empty for none. */
export const uri = url(0);

/** Text of at most `max` characters without control characters (app names, descriptions). */
export function plainText(min: number, max: number) {
  return text(min, max).regex(NO_CONTROL, 'must not contain control characters');
}

/** Text that is trimmed before it is stored and must not be blank (app names). */
export function visibleText(max: number) {
  return text(1, max).regex(VISIBLE_TEXT, 'must not be blank or contain control characters').trim();
}

/**
 * An email address: a dot-separated local part and a host name of letter-digit-hyphen labels.
 * Deliberately narrower than RFC 5322 (no quoted local parts, no IP literals) so that every
 * address it accepts is also an `email` to JSON Schema format validators: the document carries
 * both the pattern and `format: email`, and they agree on what they accept. RFC 5321 bounds the
 * local part to 64 and the whole to 254 characters.
 */
const EMAIL = /^[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const LOCAL_PART_MAX = 64;

export const email = z
  .string()
  .max(254)
  .regex(EMAIL, 'must be an email address such as name@example.com')
  .refine((value) => value.indexOf('@') <= LOCAL_PART_MAX, `the part before @ must be at most ${LOCAL_PART_MAX} characters`)
  .meta({ format: 'email' })
  .describe('an email address such as `name@example.com`: letters, digits and `_ \' + -` in dot-separated parts before the @ (at most 64), a host name after it; case-insensitive');

export const userIdList = z
  .array(entityId)
  .min(1, 'must name at least one user')
  .max(Limits.USER_IDS_PER_REQUEST_MAX, `at most ${Limits.USER_IDS_PER_REQUEST_MAX} per request`);

export const pageLimit = z.number().int().min(1).max(Limits.MESSAGE_PAGE_MAX);

export const conversationType = z.literal(Object.values(ConversationType), { error: 'must be 1 (private) or 2 (group)' });

/** Names of the message types, for messages and docs: `1 text, 2 voice, …`. */
export const MESSAGE_TYPE_NAMES = Object.entries(MessageType)
  .map(([name, value]) => `${value} ${name.toLowerCase()}`)
  .join(', ');

/** The same for the types a send may carry (all but the server's own group events). */
export const SENDABLE_MESSAGE_TYPE_NAMES = Object.entries(MessageType)
  .filter(([, value]) => value !== MessageType.GROUP_EVENT)
  .map(([name, value]) => `${value} ${name.toLowerCase()}`)
  .join(', ');
