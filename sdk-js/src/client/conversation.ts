import { ConversationType } from '../protocol/constants.js';
import type { Message } from '../protocol/models.js';
import type { ConversationRef } from '../protocol/realtime.js';

/** The fields of a message that name its conversation. */
export type MessageAddress = Pick<Message, 'conversationType' | 'senderUserId' | 'targetId'>;

/**
 * The conversation of `message` seen from user `me`: the group for a group message; for a
 * private message the other user (the recipient when `me` sent it, else the sender).
 */
export function conversationRefOf(message: MessageAddress, me: string): ConversationRef {
  const peer =
    message.conversationType === ConversationType.PRIVATE && message.senderUserId !== me ? message.senderUserId : message.targetId;
  return { conversationType: message.conversationType, targetId: peer };
}

/** A string naming a conversation from the user's side: `${conversationType}:${targetId}`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.conversationType}:${ref.targetId}`;
}

/**
 * The key of the conversation `message` belongs to, as seen by user `me`: the same string for a
 * message and for the `Session` that lists it (`${conversationType}:${targetId}` of the
 * session). Handy to file incoming messages under their conversation.
 *
 * @example
 * ```ts
 * client.on('new-message', (message) => {
 *   const key = conversationKeyOf(message, client.userId!); // e.g. '1:bob' or '2:team'
 *   threads.get(key)?.push(message);
 * });
 * ```
 */
export function conversationKeyOf(message: MessageAddress, me: string): string {
  return conversationKey(conversationRefOf(message, me));
}
