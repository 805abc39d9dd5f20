import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GapFiller, HOLE_FILL_DELAY_MS, type GapFillerHost } from '../src/client/gap-filler.js';
import { Outbox, type OutboxTransport, type SendEvent } from '../src/client/outbox.js';
import { Sequencer } from '../src/client/sequencer.js';
import { ClientErrorCode, ParleyError } from '../src/errors.js';
import { messageAt, type TextMessageOverrides } from './support/messages.js';
import type { Message } from '../src/protocol/models.js';
import type { ConversationRef, SendMessagePayload } from '../src/protocol/realtime.js';

// The two pieces of the client that decide what to (re)send and fetch, driven by stubs in place of
// the socket: no server involved.

const msg = (seq: number, overrides: TextMessageOverrides = {}) => messageAt(seq, { conversationType: 2, targetId: 'team', ...overrides });

const KEY = '2:team';
const REF: ConversationRef = { conversationType: 2, targetId: 'team' };

describe('GapFiller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A host over a real sequencer and a server-side history of `lastSeq` messages. */
  function setup(lastSeq: number, fetch?: GapFillerHost['fetch']) {
    const sequencer = new Sequencer();
    const delivered: number[] = [];
    const errors: ParleyError[] = [];
    const history = Array.from({ length: lastSeq }, (_, i) => msg(i + 1, { timestamp: (i + 1) * 10 }));
    const calls: number[] = [];
    const host: GapFillerHost = {
      fetch:
        fetch ??
        (async (_ref, afterSeq, limit) => {
          calls.push(afterSeq);
          return history.filter((m) => m.seq > afterSeq).slice(0, limit);
        }),
      ingest: (messages, silentBefore) =>
        messages.forEach((m) => delivered.push(...sequencer.ingest(KEY, m, silentBefore === undefined || m.timestamp >= silentBefore).map((d) => d.seq))),
      known: (key) => sequencer.known(key),
      hasHole: (key) => sequencer.hasHole(key),
      skipHole: (key) => delivered.push(...sequencer.skipHole(key).map((d) => d.seq)),
      online: () => true,
      report: (error) => errors.push(error),
    };
    return { sequencer, delivered, errors, calls, filler: new GapFiller(host), host };
  }

  it('waits briefly before filling a hole, so reordered pushes can close it first', async () => {
    const { sequencer, filler, calls, delivered } = setup(3);
    sequencer.setKnown(KEY, 1);
    sequencer.ingest(KEY, msg(3), true);
    filler.schedule(KEY, REF);
    delivered.push(...sequencer.ingest(KEY, msg(2), true).map((m) => m.seq));
    await vi.advanceTimersByTimeAsync(HOLE_FILL_DELAY_MS);
    expect(calls).toEqual([]);
    expect(delivered).toEqual([2, 3]);
  });

  it('fetches the hole page by page and delivers it in order, once', async () => {
    const { sequencer, filler, calls, delivered } = setup(250);
    sequencer.setKnown(KEY, 0);
    sequencer.ingest(KEY, msg(250), true);
    filler.schedule(KEY, REF);
    filler.schedule(KEY, REF);
    await vi.advanceTimersByTimeAsync(HOLE_FILL_DELAY_MS);
    expect(calls).toEqual([0, 100, 200]);
    expect(delivered).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('fill(upTo) catches up to a session lastSeq at once; a second fill joins the first', async () => {
    const { sequencer, filler, calls, delivered } = setup(120);
    sequencer.setKnown(KEY, 10);
    filler.fill(KEY, REF, 110);
    filler.fill(KEY, REF, 120);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([10, 110]);
    expect(delivered).toHaveLength(110);
  });

  it('fill(silentBefore) takes older messages in without delivering them', async () => {
    const { sequencer, filler, delivered } = setup(8);
    sequencer.setKnown(KEY, 2);
    filler.fill(KEY, REF, 8, 60);
    await vi.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual([6, 7, 8]);
    expect(sequencer.known(KEY)).toBe(8);
  });

  it('a page that brings nothing new stops the fill, reports it, and releases what waited behind the hole', async () => {
    const { sequencer, filler, delivered, errors, calls } = setup(0, async (_ref, afterSeq) => {
      calls.push(afterSeq);
      return [];
    });
    sequencer.setKnown(KEY, 4);
    sequencer.ingest(KEY, msg(7), true);
    filler.schedule(KEY, REF);
    await vi.advanceTimersByTimeAsync(HOLE_FILL_DELAY_MS);
    expect(calls).toEqual([4]);
    expect(errors.map((e) => e.code)).toEqual([ClientErrorCode.BAD_RESPONSE]);
    expect(delivered).toEqual([7]);
  });

  it('retries a retryable failure with backoff, then reports it', async () => {
    let attempts = 0;
    const { sequencer, filler, errors } = setup(0, async () => {
      attempts++;
      throw new ParleyError(ClientErrorCode.TIMEOUT, 'slow');
    });
    sequencer.setKnown(KEY, 0);
    filler.fill(KEY, REF, 5);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toBe(4);
    expect(errors.map((e) => e.code)).toEqual([ClientErrorCode.TIMEOUT]);
  });

  it('cancelAll() stops pending fills', async () => {
    const { sequencer, filler, calls } = setup(5);
    sequencer.setKnown(KEY, 0);
    sequencer.ingest(KEY, msg(5), true);
    filler.schedule(KEY, REF);
    filler.cancelAll();
    await vi.advanceTimersByTimeAsync(HOLE_FILL_DELAY_MS * 4);
    expect(calls).toEqual([]);
  });
});

describe('Outbox', () => {
  interface Sent {
    event: SendEvent;
    payload: SendMessagePayload;
    answer: (result: Message | ParleyError) => void;
  }

  function setup() {
    let connection: number | null = null;
    const sent: Sent[] = [];
    const acked: Message[] = [];
    const transport: OutboxTransport = {
      send: (event, payload) =>
        new Promise<Message>((resolve, reject) => {
          sent.push({ event, payload, answer: (result) => (result instanceof ParleyError ? reject(result) : resolve(result)) });
        }),
      connection: () => connection,
      acked: (message) => acked.push(message),
    };
    return { outbox: new Outbox(transport), sent, acked, connect: (id: number | null) => (connection = id) };
  }

  const text = (content: string) => ({ targetId: 'team', messageType: 1 as const, content: { content } });
  const stored = (payload: SendMessagePayload, seq: number) => msg(seq, { clientMsgId: payload.clientMsgId!, senderUserId: 'alice' });

  it('queues while offline and sends in order, each with its own clientMsgId, after a flush', async () => {
    const { outbox, sent, connect } = setup();
    const results = [outbox.add('send-group-message', text('a')), outbox.add('send-group-message', text('b'))];
    expect(sent).toHaveLength(0);
    connect(1);
    outbox.flush();
    expect(sent.map((s) => s.payload.content.content)).toEqual(['a', 'b']);
    expect(new Set(sent.map((s) => s.payload.clientMsgId)).size).toBe(2);
    sent.forEach((s, i) => s.answer(stored(s.payload, i + 1)));
    expect((await Promise.all(results)).map((m) => m.seq)).toEqual([1, 2]);
    expect(outbox.size).toBe(0);
  });

  it('an ack timeout on a live connection resends under the same clientMsgId', async () => {
    const { outbox, sent, acked, connect } = setup();
    connect(1);
    const result = outbox.add('send-group-message', { ...text('a'), clientMsgId: 'k1' });
    sent[0]!.answer(new ParleyError(ClientErrorCode.TIMEOUT, 'no answer'));
    await Promise.resolve();
    await Promise.resolve();
    expect(sent.map((s) => s.payload.clientMsgId)).toEqual(['k1', 'k1']);
    sent[1]!.answer(stored(sent[1]!.payload, 9));
    expect((await result).seq).toBe(9);
    expect(acked.map((m) => m.seq)).toEqual([9]);
  });

  it('a send lost with its connection is sent again after the next ready, not before', async () => {
    const { outbox, sent, connect } = setup();
    connect(1);
    const result = outbox.add('send-private-message', text('a'));
    connect(null);
    sent[0]!.answer(new ParleyError(ClientErrorCode.TIMEOUT, 'socket has been disconnected'));
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    connect(2);
    outbox.flush();
    outbox.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.payload.clientMsgId).toBe(sent[0]!.payload.clientMsgId);
    sent[1]!.answer(stored(sent[1]!.payload, 4));
    expect((await result).seq).toBe(4);
  });

  it('an ack from an earlier connection still settles a send that was resent', async () => {
    const { outbox, sent, connect } = setup();
    connect(1);
    const result = outbox.add('send-private-message', text('a'));
    connect(2);
    outbox.flush();
    expect(sent).toHaveLength(2);
    sent[0]!.answer(stored(sent[0]!.payload, 6));
    expect((await result).seq).toBe(6);
    sent[1]!.answer(new ParleyError(ClientErrorCode.TIMEOUT, 'late'));
    await Promise.resolve();
    expect(sent).toHaveLength(2);
  });

  it('an error ack rejects without a resend', async () => {
    const { outbox, sent, connect } = setup();
    connect(1);
    const result = outbox.add('send-group-message', text('a'));
    sent[0]!.answer(new ParleyError('FORBIDDEN', 'not a member'));
    await expect(result).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(sent).toHaveLength(1);
    expect(outbox.size).toBe(0);
  });

  it('claim() resolves a pending send from a copy that came another way; its ack is then ignored', async () => {
    const { outbox, sent, acked, connect } = setup();
    connect(1);
    const result = outbox.add('send-group-message', { ...text('a'), clientMsgId: 'k2' });
    expect(outbox.claim(msg(3, { clientMsgId: 'other' }))).toBe(false);
    expect(outbox.claim(msg(3, { clientMsgId: 'k2' }))).toBe(true);
    expect((await result).seq).toBe(3);
    sent[0]!.answer(stored(sent[0]!.payload, 3));
    await Promise.resolve();
    expect(acked).toEqual([]);
  });

  it('the same clientMsgId while pending is the same send', () => {
    const { outbox, sent, connect } = setup();
    connect(1);
    const first = outbox.add('send-group-message', { ...text('a'), clientMsgId: 'same' });
    const second = outbox.add('send-group-message', { ...text('a'), clientMsgId: 'same' });
    expect(second).toBe(first);
    expect(sent).toHaveLength(1);
  });

  it('failAll() rejects everything pending', async () => {
    const { outbox } = setup();
    const results = [outbox.add('send-group-message', text('a')), outbox.add('send-group-message', text('b'))];
    outbox.failAll(new ParleyError(ClientErrorCode.DISCONNECTED, 'bye'));
    for (const result of results) await expect(result).rejects.toMatchObject({ code: 'DISCONNECTED', retryable: false });
  });
});
