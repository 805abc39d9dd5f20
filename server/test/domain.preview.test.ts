import { MessageType } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_CHARS, previewOf } from '../src/domain/messages/preview.js';

describe('previewOf', () => {
  it('shows text as is', () => {
    expect(previewOf(MessageType.TEXT, { content: '你好 world' })).toBe('你好 world');
  });

  it('shows a caption when a non-text message has one', () => {
    expect(previewOf(MessageType.IMAGE, { url: 'u', width: 1, height: 1, content: 'look at this' })).toBe('look at this');
  });

  it('shows a placeholder otherwise, with the file name or address when known', () => {
    expect(previewOf(MessageType.IMAGE, { url: 'u', width: 1, height: 1 })).toBe('[Image]');
    expect(previewOf(MessageType.VIDEO, { url: 'u', duration: 9 })).toBe('[Video]');
    expect(previewOf(MessageType.VOICE, { url: 'u', duration: 2 })).toBe('[Voice]');
    expect(previewOf(MessageType.FILE, { url: 'u', name: 'q3.pdf', size: 1 })).toBe('[File] q3.pdf');
    expect(previewOf(MessageType.LOCATION, { latitude: 0, longitude: 0, address: 'Pier 39' })).toBe('[Location] Pier 39');
    expect(previewOf(MessageType.CUSTOM, { type: 'card', data: null })).toBe('[Message]');
  });

  it('cuts long text at a character boundary, never inside an emoji', () => {
    const preview = previewOf(MessageType.TEXT, { content: '😀'.repeat(PREVIEW_MAX_CHARS + 5) });
    expect(Array.from(preview)).toHaveLength(PREVIEW_MAX_CHARS);
    expect(preview.endsWith('😀…')).toBe(true);
  });
});
