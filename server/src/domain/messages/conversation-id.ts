import { ConversationType } from '@parley/sdk/protocol';

/**
 * Store keys of conversations. User and group ids cannot contain ':' (see schemas/common.ts),
 * so these keys are unambiguous.
 */

/** The one conversation two users share, whoever writes first. */
export function privateConversationId(userA: string, userB: string): string {
  return userA < userB ? `p:${userA}:${userB}` : `p:${userB}:${userA}`;
}

export function groupConversationId(groupId: string): string {
  return `g:${groupId}`;
}

export function conversationIdFor(type: ConversationType, userId: string, targetId: string): string {
  return type === ConversationType.GROUP ? groupConversationId(targetId) : privateConversationId(userId, targetId);
}

/** The two users of a private conversation key, or null for a group key. */
export function privateParticipants(conversationId: string): [string, string] | null {
  const parts = conversationId.split(':');
  return parts.length === 3 && parts[0] === 'p' ? [parts[1]!, parts[2]!] : null;
}
