import { MessageType } from '@parley/sdk/protocol';
import type { StoredContent } from '../../store/records.js';

/** Longest `lastMsg.content`, in characters: a list entry, not the message. */
export const PREVIEW_MAX_CHARS = 200;

export const PLACEHOLDERS: Readonly<Record<MessageType, string>> = {
  [MessageType.TEXT]: '',
  [MessageType.VOICE]: '[Voice]',
  [MessageType.IMAGE]: '[Image]',
  [MessageType.FILE]: '[File]',
  [MessageType.LOCATION]: '[Location]',
  [MessageType.CUSTOM]: '[Message]',
  [MessageType.VIDEO]: '[Video]',
  // Group events carry their sentence as `content`; this is only for one that has none.
  [MessageType.GROUP_EVENT]: '[Group update]',
};

/** What a conversation list shows for a recalled message. */
export const RECALLED_PREVIEW = '[Recalled]';

/** The text a conversation list shows for a message: its text or caption, else a placeholder. */
export function previewOf(messageType: MessageType, content: StoredContent): string {
  const text = typeof content.content === 'string' && content.content.trim() !== '' ? content.content : null;
  let preview = text ?? PLACEHOLDERS[messageType];
  if (text === null && messageType === MessageType.FILE && 'name' in content && typeof content.name === 'string') preview += ` ${content.name}`;
  if (text === null && messageType === MessageType.LOCATION && 'address' in content && typeof content.address === 'string') preview += ` ${content.address}`;
  const chars = Array.from(preview);
  return chars.length > PREVIEW_MAX_CHARS ? `${chars.slice(0, PREVIEW_MAX_CHARS - 1).join('')}…` : preview;
}
