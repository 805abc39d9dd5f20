import { describe, expect, it } from 'vitest';
import { conversationKeyOf } from '../src/client/conversation.js';
import { Sequencer } from '../src/client/sequencer.js';
import { reconcileSessions } from '../src/client/session-sync.js';
import { messageAt } from './support/messages.js';
import type { Message, Session } from '../src/protocol/models.js';

const KEY = '1:bob';

const msg = messageAt;

const seqs = (messages: Message[]) => messages.map((m) => m.seq);

describe('Sequencer', () => {
  it('starts a new conversation at the first message it sees and delivers in order', () => {
    const s = new Sequencer();
    expect(seqs(s.ingest(KEY, msg(7), true))).toEqual([7]);
    expect(s.known(KEY)).toBe(7);
    expect(seqs(s.ingest(KEY, msg(8), true))).toEqual([8]);
    expect(s.hasHole(KEY)).toBe(false);
  });

  it('holds messages behind a hole and releases them in seq order when it closes', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 10);
    expect(s.ingest(KEY, msg(13), true)).toEqual([]);
    expect(s.ingest(KEY, msg(12), true)).toEqual([]);
    expect(s.hasHole(KEY)).toBe(true);
    expect(seqs(s.ingest(KEY, msg(11), true))).toEqual([11, 12, 13]);
    expect(s.known(KEY)).toBe(13);
    expect(s.hasHole(KEY)).toBe(false);
  });

  it('drops messages at or below the known seq and repeats of a buffered one', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 5);
    expect(s.ingest(KEY, msg(5), true)).toEqual([]);
    expect(s.ingest(KEY, msg(3), true)).toEqual([]);
    expect(s.ingest(KEY, msg(7), true)).toEqual([]);
    expect(s.ingest(KEY, msg(7), true)).toEqual([]);
    expect(seqs(s.ingest(KEY, msg(6), true))).toEqual([6, 7]);
    expect(s.ingest(KEY, msg(6), true)).toEqual([]);
    expect(s.ingest(KEY, msg(7), true)).toEqual([]);
  });

  it('never delivers a message ingested with emit=false, but lets it close the sequence', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 0);
    expect(s.ingest(KEY, msg(1), false)).toEqual([]);
    expect(s.known(KEY)).toBe(1);
    expect(seqs(s.ingest(KEY, msg(2), true))).toEqual([2]);
  });

  it('a buffered message seen again with emit=false (own send ack) is not delivered', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 0);
    s.ingest(KEY, msg(2), true);
    s.ingest(KEY, msg(2), false);
    expect(seqs(s.ingest(KEY, msg(1), true))).toEqual([1]);
    expect(s.known(KEY)).toBe(2);
  });

  it('keeps conversations apart', () => {
    const s = new Sequencer();
    s.setKnown('1:bob', 3);
    s.setKnown('2:team', 40);
    expect(seqs(s.ingest('2:team', msg(41, { conversationType: 2, targetId: 'team' }), true))).toEqual([41]);
    expect(s.ingest('1:bob', msg(5), true)).toEqual([]);
    expect(s.hasHole('1:bob')).toBe(true);
    expect(s.hasHole('2:team')).toBe(false);
    expect(s.snapshot()).toEqual(new Map([['1:bob', 3], ['2:team', 41]]));
  });

  it('skipHole gives up on the missing messages and delivers what waited', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 1);
    s.ingest(KEY, msg(5), true);
    s.ingest(KEY, msg(4), true);
    expect(seqs(s.skipHole(KEY))).toEqual([4, 5]);
    expect(s.known(KEY)).toBe(5);
    expect(s.skipHole(KEY)).toEqual([]);
  });

  it('after its known seq is lowered, a message already delivered closes its place but is not delivered again', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 10);
    expect(seqs(s.ingest(KEY, msg(11), true))).toEqual([11]);
    s.setKnown(KEY, 10);
    expect(s.ingest(KEY, msg(12), true)).toEqual([]);
    expect(s.hasHole(KEY)).toBe(true);
    expect(seqs(s.ingest(KEY, msg(11), true))).toEqual([12]);
    expect(s.known(KEY)).toBe(12);
  });

  it('lowering the known seq keeps buffered messages above it and drops those below', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 50);
    s.ingest(KEY, msg(53), true);
    // The conversation was recreated: its new lastSeq is 2 and the next message is 3.
    const fresh = (seq: number) => msg(seq, { msgId: `n${String(seq).padStart(23, '0')}` });
    expect(s.setKnown(KEY, 2)).toEqual([]);
    expect(seqs(s.ingest(KEY, fresh(3), true))).toEqual([3]);
    s.setKnown(KEY, 60);
    expect(s.hasHole(KEY)).toBe(false);
  });

  it('remembers a bounded number of msgIds', () => {
    const s = new Sequencer(2);
    s.setKnown(KEY, 0);
    for (const seq of [1, 2, 3]) s.ingest(KEY, msg(seq), true);
    s.setKnown(KEY, 0);
    // msgIds of 2 and 3 are remembered, 1 was forgotten: only 1 is delivered again.
    expect(seqs([...s.ingest(KEY, msg(2), true), ...s.ingest(KEY, msg(3), true), ...s.ingest(KEY, msg(1), true)])).toEqual([1]);
  });

  it('delivers each of a shuffled, duplicated stream exactly once, in order', () => {
    const s = new Sequencer();
    s.setKnown(KEY, 0);
    const stream = Array.from({ length: 300 }, (_, i) => msg(i + 1));
    const shuffled = [...stream, ...stream.slice(0, 100)].sort(() => Math.random() - 0.5);
    const delivered = shuffled.flatMap((m) => s.ingest(KEY, m, true));
    expect(seqs(delivered)).toEqual(stream.map((m) => m.seq));
  });
});

describe('conversationKeyOf', () => {
  it('names the peer of a private chat from either side, and the group of a group message', () => {
    expect(conversationKeyOf({ conversationType: 1, senderUserId: 'bob', targetId: 'alice' }, 'alice')).toBe('1:bob');
    expect(conversationKeyOf({ conversationType: 1, senderUserId: 'alice', targetId: 'bob' }, 'alice')).toBe('1:bob');
    expect(conversationKeyOf({ conversationType: 2, senderUserId: 'bob', targetId: 'team' }, 'alice')).toBe('2:team');
    expect(conversationKeyOf({ conversationType: 2, senderUserId: 'alice', targetId: 'team' }, 'alice')).toBe('2:team');
  });
});

describe('reconcileSessions', () => {
  /** A later connect of a client whose first `ready` was at t=1000. */
  const later = (knownBefore: Map<string, number>) => ({ baseline: false, knownBefore, firstReadyAt: 1_000 });
  const session = (targetId: string, lastSeq: number, readSeq: number, conversationType: 1 | 2 = 1, lastAt = 0): Session => ({
    sid: `s-${targetId}`,
    conversationType,
    targetId,
    unread: lastSeq - readSeq,
    title: targetId,
    avatar: '',
    lastMsg: lastSeq === 0 ? null : { msgId: 'x', seq: lastSeq, senderUserId: targetId, messageType: 1, content: '', date: '', timestamp: lastAt },
    lastSeq,
    readSeq,
    updatedAt: 0,
    doNotDisturb: false,
    ended: false,
  });

  it('first list: unknown conversations start at lastSeq (their past is history)', () => {
    const s = new Sequencer();
    const plan = reconcileSessions(s, [session('bob', 30, 10), session('team', 4, 4, 2)], { baseline: true, knownBefore: new Map(), firstReadyAt: 1_000 });
    expect(plan.fills).toEqual([]);
    expect(s.known('1:bob')).toBe(30);
    expect(s.known('2:team')).toBe(4);
  });

  it('first list: a conversation with a message stored after the first ready is fetched, its older part silently', () => {
    const s = new Sequencer();
    const plan = reconcileSessions(s, [session('bob', 500, 10, 1, 1_000), session('carol', 12, 4, 1, 2_000)], {
      baseline: true,
      knownBefore: new Map(),
      firstReadyAt: 1_000,
    });
    // One page back from lastSeq at most: only a message stored while the list was read can be new.
    expect(s.known('1:bob')).toBe(400);
    expect(s.known('1:carol')).toBe(4);
    expect(plan.fills).toEqual([
      { key: '1:bob', ref: { conversationType: 1, targetId: 'bob' }, upTo: 500, silentBefore: 1_000 },
      { key: '1:carol', ref: { conversationType: 1, targetId: 'carol' }, upTo: 12, silentBefore: 1_000 },
    ]);
  });

  it('first list: a conversation already started by a push is kept, and filled if the list is ahead', () => {
    const s = new Sequencer();
    s.ingest('1:bob', msg(31), true);
    const plan = reconcileSessions(s, [session('bob', 32, 10, 1, 5_000)], { baseline: true, knownBefore: new Map(), firstReadyAt: 1_000 });
    expect(s.known('1:bob')).toBe(31);
    expect(plan.fills).toEqual([{ key: '1:bob', ref: { conversationType: 1, targetId: 'bob' }, upTo: 32 }]);
  });

  it('later lists: known conversations are filled from their known seq, new ones from their read mark', () => {
    const s = new Sequencer();
    s.setKnown('1:bob', 30);
    s.setKnown('2:team', 8);
    const plan = reconcileSessions(s, [session('bob', 35, 12), session('team', 8, 8, 2), session('carol', 3, 1, 1, 5_000)], later(s.snapshot()));
    expect(s.known('1:carol')).toBe(1);
    expect(plan.fills.map((f) => [f.key, f.upTo])).toEqual([
      ['1:bob', 35],
      ['1:carol', 3],
    ]);
  });

  it('later lists: a conversation not seen before whose newest message predates the first ready is history', () => {
    const s = new Sequencer();
    const plan = reconcileSessions(s, [session('old', 9, 2, 2, 999), session('new', 4, 1, 1, 1_000)], later(new Map()));
    expect(s.known('2:old')).toBe(9);
    expect(s.known('1:new')).toBe(1);
    expect(plan.fills.map((f) => [f.key, f.upTo])).toEqual([['1:new', 4]]);
  });

  it('later lists: a conversation whose lastSeq fell below what the device knew is reset', () => {
    const s = new Sequencer();
    s.setKnown('1:bob', 30);
    const plan = reconcileSessions(s, [session('bob', 2, 0)], later(s.snapshot()));
    expect(s.known('1:bob')).toBe(2);
    expect(plan.fills).toEqual([]);
  });

  it('later lists: pushes that arrived after the list was asked for do not look like a reset', () => {
    const s = new Sequencer();
    s.setKnown('1:bob', 30);
    const before = s.snapshot();
    s.ingest('1:bob', msg(31), true);
    reconcileSessions(s, [session('bob', 30, 30)], later(before));
    expect(s.known('1:bob')).toBe(31);
  });
});
