import { MessageType, type MessageContent } from '@parley/sdk/protocol';

/** Longest `lastMsg.content`, in characters: a list entry, not the message. */
export const PREVIEW_MAX_CHARS = 200;

const PLACEHOLDER: Record<MessageType, string> = {
  [MessageType.TEXT]: '',
  [MessageType.VOICE]: '[Voice]',
  [MessageType.IMAGE]: '[Image]',
  [MessageType.FILE]: '[File]',
  [MessageType.LOCATION]: '[Location]',
  [MessageType.CUSTOM]: '[Message]',
};

/** What a conversation list shows for a recalled message. */
export const RECALLED_PREVIEW = '[Recalled]';

/** The text a conversation list shows for a message: its text or caption, else a placeholder. */
export function previewOf(messageType: MessageType, content: MessageContent): string {
  const text = typeof content.content === 'string' && content.content.trim() !== '' ? content.content : null;
  let preview = text ?? PLACEHOLDER[messageType];
  if (text === null && messageType === MessageType.FILE && typeof content.name === 'string') preview += ` ${content.name}`;
  if (text === null && messageType === MessageType.LOCATION && typeof content.address === 'string') preview += ` ${content.address}`;
  const chars = Array.from(preview);
  return chars.length > PREVIEW_MAX_CHARS ? `${chars.slice(0, PREVIEW_MAX_CHARS - 1).join('')}…` : preview;
}
