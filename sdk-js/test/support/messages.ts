import type { LiveMessage, Message } from '../../src/protocol/models.js';

/** What a test may change of a stored text message. */
export type TextMessageOverrides = Partial<Omit<LiveMessage<1>, 'messageType'>>;

/** A stored text message with seq `seq` from bob (a private one to alice unless `overrides` say otherwise). */
export function messageAt(seq: number, overrides: TextMessageOverrides = {}): Message {
  return {
    msgId: `m${String(seq).padStart(23, '0')}`,
    seq,
    clientMsgId: null,
    conversationType: 1,
    senderUserId: 'bob',
    targetId: 'alice',
    messageType: 1,
    content: { content: `#${seq}` },
    date: '2026-11-23T07:08:13.000Z',
    timestamp: 0,
    sendUser: { name: 'Bob', avatarUri: '' },
    recall: null,
    ...overrides,
  };
}
