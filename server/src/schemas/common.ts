import { ConversationType, Limits, MessageType } from '@parley/sdk/protocol';
import { z } from 'zod';

/**
 * Building blocks of the boundary schemas. HTTP routes (and the socket gateway) validate every
 * input with these before any domain code runs.
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

// Control characters in names break logs and UIs; tabs and newlines included.
const NO_CONTROL = /^[^\p{Cc}]*$/u;

/** A display name: 1-100 characters, no control characters. */
export const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(NO_CONTROL, 'must not contain control characters')
  .describe('1-100 characters, no control characters');

/** An avatar or file URL: up to 2048 characters, no control characters or spaces. */
export const uri = z
  .string()
  .max(2048)
  .regex(/^[^\p{Cc}\s]*$/u, 'must not contain spaces or control characters')
  .describe('URL, up to 2048 characters, no spaces');

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
