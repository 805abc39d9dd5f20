import { MessageType, type Message } from '@parley/sdk';

/** What a conversation list shows for a message: its text or caption, else a placeholder. */
export function previewOf(message: Message): string {
  if (message.recall !== null) return 'Message recalled';
  const caption = message.content.content;
  switch (message.messageType) {
    case MessageType.TEXT:
      return message.content.content;
    case MessageType.IMAGE:
      return caption || 'Photo';
    case MessageType.FILE:
      return caption || `File: ${message.content.name}`;
    case MessageType.VOICE:
      return caption || 'Voice message';
    case MessageType.VIDEO:
      return caption || 'Video';
    case MessageType.LOCATION:
      return caption || `Location${message.content.address ? `: ${message.content.address}` : ''}`;
    case MessageType.GROUP_EVENT:
      return message.content.content;
    default:
      return caption || 'Message';
  }
}

/** The server's placeholders (`[Recalled]`, `[Image]`, ...) in the words the demo uses. */
export function previewOfLast(text: string): string {
  if (text === '[Recalled]') return 'Message recalled';
  if (text === '[Image]') return 'Photo';
  if (text.startsWith('[File] ')) return `File: ${text.slice(7)}`;
  return text;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** 14:05 today, else "Nov 23". */
export function shortTime(timestamp: number): string {
  const date = new Date(timestamp);
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dayFormat.format(date);
}

export function clockTime(timestamp: number): string {
  return timeFormat.format(new Date(timestamp));
}

export function fullTime(timestamp: number): string {
  return fullFormat.format(new Date(timestamp));
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "Bob is typing…", "Bob and Carol are typing…", "3 people are typing…". */
export function typingText(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function initialOf(title: string): string {
  return (Array.from(title.trim())[0] ?? '?').toUpperCase();
}
