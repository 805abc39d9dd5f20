import { ConversationType, MessageType } from '@parley/sdk/protocol';
import { newObjectId } from '../../src/domain/ids.js';
import type { MessageDraft } from '../../src/store/ports.js';

/** A text message from `a` to `b` as the domain hands it to `conversations.append`, with `overrides`. */
export function messageDraft(overrides: Partial<MessageDraft> = {}): MessageDraft {
  return {
    msgId: newObjectId(),
    conversationId: 'p:a:b',
    conversationType: ConversationType.PRIVATE,
    senderUserId: 'a',
    targetId: 'b',
    messageType: MessageType.TEXT,
    content: { content: 'hi' },
    clientMsgId: null,
    timestamp: 1000,
    preview: 'hi',
    ...overrides,
  };
}
