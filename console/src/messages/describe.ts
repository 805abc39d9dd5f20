import { ConversationType, MessageType, type ConsoleMessage } from '@parley/sdk/protocol';

/** How the console names message kinds and sums up contents in one line. */

const TYPE_NAMES: Record<number, string> = {
  [MessageType.TEXT]: 'Text',
  [MessageType.VOICE]: 'Voice',
  [MessageType.IMAGE]: 'Image',
  [MessageType.FILE]: 'File',
  [MessageType.LOCATION]: 'Location',
  [MessageType.CUSTOM]: 'Custom',
  [MessageType.VIDEO]: 'Video',
  [MessageType.GROUP_EVENT]: 'Group event',
};

export function typeName(messageType: number): string {
  return TYPE_NAMES[messageType] ?? `Type ${messageType}`;
}

function field(content: Record<string, unknown>, key: string): string | null {
  const value = content[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** One line for the results table: the text, a file's name, a place's title, or the JSON. */
export function preview(message: ConsoleMessage): string {
  if (message.recall !== null) return '(recalled)';
  const content = message.content;
  const text = field(content, 'content');
  const line =
    message.messageType === MessageType.TEXT
      ? text
      : message.messageType === MessageType.LOCATION
        ? field(content, 'title') ?? field(content, 'address')
        : field(content, 'name') ?? field(content, 'fileName') ?? text;
  const shown = line ?? JSON.stringify(content);
  return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown;
}

/** `g:team` -> `Group team`, `p:u1:u2` -> `Private u1 ↔ u2`. */
export function conversationLabel(message: Pick<ConsoleMessage, 'conversationId' | 'conversationType'>): string {
  const [kind, ...ids] = message.conversationId.split(':');
  if (message.conversationType === ConversationType.GROUP || kind === 'g') return `Group ${ids.join(':')}`;
  if (message.conversationType === ConversationType.PRIVATE || kind === 'p') return `Private ${ids.join(' ↔ ')}`;
  return message.conversationId;
}
