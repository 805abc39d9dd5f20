import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox, type OutboxTransport, type SendEvent } from '../src/client/outbox.js';
import { PresenceWatch } from '../src/client/presence-watch.js';
import { ClientErrorCode, ParleyError } from '../src/errors.js';
import type { Message } from '../src/protocol/models.js';
import type { PresenceState, SendMessagePayload } from '../src/protocol/realtime.js';
import { RETRY_AFTER_MAX_MS } from '../src/retry-after.js';
import { messageAt } from './support/messages.js';

// What the client does with RATE_LIMITED: the outbox waits and resends in order, presence renewal
// waits and asks again. Driven by stubs and fake timers: no server involved.

const limited = (retryAfterMs?: number) =>
  new ParleyError('RATE_LIMITED', 'messages sent by this user: at most 5 per 1 s; retry in 1 s', retryAfterMs === undefined ? {} : { retryAfterMs });

describe('ParleyError', () => {
  it('RATE_LIMITED and SERVER_BUSY are retryable and carry retryAfterMs', () => {
    expect(limited(250)).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 250 });
    expect(new ParleyError('SERVER_BUSY', 'busy', { retryAfterMs: 1000 })).toMatchObject({ retryable: true, retryAfterMs: 1000 });
    expect(new ParleyError('NOT_FOUND', 'no')).toMatchObject({ retryable: false, retryAfterMs: undefined });
  });
});

describe('Outbox under a rate limit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  interface Sent {
    event: SendEvent;
    payload: SendMessagePayload;
    answer: (result: Message | ParleyError) => void;
  }

  function setup() {
    let connection: number | null = 1;
    const sent: Sent[] = [];
    const transport: OutboxTransport = {
      send: (event, payload) =>
        new Promise<Message>((resolve, reject) => {
          sent.push({ event, payload, answer: (result) => (result instanceof ParleyError ? reject(result) : resolve(result)) });
        }),
      connection: () => connection,
      acked: () => {},
    };
    return { outbox: new Outbox(transport), sent, connect: (id: number | null) => (connection = id) };
  }

  let seq = 0;
  beforeEach(() => (seq = 0));
  const text = (content: string) => ({ targetId: 'team', messageType: 1 as const, content: { content } });
  /** The text of a send: these tests send only text. */
  const textOf = (s: Sent) => (s.payload.messageType === 1 ? s.payload.content.content : '');
  const stored = (s: Sent) => messageAt(++seq, { conversationType: 2, targetId: 'team', clientMsgId: s.payload.clientMsgId!, content: { content: textOf(s) } });
  const contents = (sent: Sent[]) => sent.map(textOf);
  /** Lets the promise callbacks of answered sends run. */
  const ticks = () => vi.advanceTimersByTimeAsync(0);

  it('waits retryAfterMs, resends the same clientMsgId, then paces the rest one by one in order', async () => {
    const { outbox, sent } = setup();
    const results = ['a', 'b', 'c', 'd'].map((c) => outbox.add('send-group-message', text(c)));
    expect(contents(sent)).toEqual(['a', 'b', 'c', 'd']);

    // The server stored a, refused b, c and d.
    sent[0]!.answer(stored(sent[0]!));
    for (const s of sent.slice(1)) s.answer(limited(400));
    await ticks();
    // A send made meanwhile queues behind them.
    const late = outbox.add('send-group-message', text('e'));
    await vi.advanceTimersByTimeAsync(399);
    expect(sent).toHaveLength(4);

    // After the wait (and at most a little jitter): b again, alone, with its first clientMsgId.
    await vi.advanceTimersByTimeAsync(400 * 0.2 + 50 + 1);
    expect(contents(sent.slice(4))).toEqual(['b']);
    expect(sent[4]!.payload.clientMsgId).toBe(sent[1]!.payload.clientMsgId);

    // Each ack lets the next one go.
    for (const expected of ['c', 'd', 'e']) {
      sent.at(-1)!.answer(stored(sent.at(-1)!));
      await ticks();
      expect(contents(sent).at(-1)).toBe(expected);
    }
    sent.at(-1)!.answer(stored(sent.at(-1)!));
    const messages = await Promise.all([...results, late]);
    expect(messages.map((m) => [m.seq, m.content.content])).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e']]);
    expect(outbox.size).toBe(0);

    // Empty again: back to sending at once.
    outbox.add('send-group-message', text('f'));
    outbox.add('send-group-message', text('g'));
    expect(contents(sent).slice(-2)).toEqual(['f', 'g']);
  });

  it('a second refusal waits again, never rejects; SERVER_BUSY is handled the same way', async () => {
    const { outbox, sent } = setup();
    const result = outbox.add('send-private-message', text('a'));
    let rejected = false;
    result.catch(() => (rejected = true));
    sent[0]!.answer(limited(100));
    await vi.advanceTimersByTimeAsync(200);
    sent[1]!.answer(new ParleyError('SERVER_BUSY', 'busy', { retryAfterMs: 100 }));
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.payload.clientMsgId)).size).toBe(1);
    sent[2]!.answer(stored(sent[2]!));
    expect((await result).seq).toBe(1);
    expect(rejected).toBe(false);
  });

  it('waits at most 60 s, and 1 s when the server names no wait', async () => {
    const { outbox, sent } = setup();
    outbox.add('send-private-message', text('a'));
    sent[0]!.answer(limited(3_600_000));
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MAX_MS - 1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);

    sent[1]!.answer(limited());
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(sent).toHaveLength(3);
  });

  it('keeps waiting across a reconnect: the limit is the user’s, not the connection’s', async () => {
    const { outbox, sent, connect } = setup();
    outbox.add('send-private-message', text('a'));
    outbox.add('send-private-message', text('b'));
    sent[0]!.answer(limited(500));
    sent[1]!.answer(limited(500));
    await ticks();
    connect(null);
    connect(2);
    outbox.flush();
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(700);
    expect(contents(sent.slice(2))).toEqual(['a']);

    // Dropped while a paced send is out: after the next ready, that one goes again, still alone.
    connect(null);
    sent[2]!.answer(new ParleyError(ClientErrorCode.TIMEOUT, 'socket has been disconnected'));
    await ticks();
    connect(3);
    outbox.flush();
    expect(contents(sent.slice(3))).toEqual(['a']);
  });

  it('a rejected send in the paced queue lets the next one go; failAll() ends the wait', async () => {
    const { outbox, sent } = setup();
    const [a, b, c] = ['a', 'b', 'c'].map((x) => outbox.add('send-private-message', text(x)));
    for (const s of sent) s.answer(limited(100));
    await vi.advanceTimersByTimeAsync(200);
    sent[3]!.answer(new ParleyError('FORBIDDEN', 'not a member'));
    await expect(a).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(contents(sent.slice(4))).toEqual(['b']);

    outbox.failAll(new ParleyError(ClientErrorCode.DISCONNECTED, 'bye'));
    await expect(b).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(c).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MAX_MS);
    expect(sent).toHaveLength(5);
  });
});

describe('PresenceWatch renewal under a rate limit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const state = (userId: string): PresenceState => ({ userId, online: true, platforms: ['web'], lastSeenAt: null });

  it('waits retryAfterMs and asks again, a few times, then reports', async () => {
    let refusals = 0;
    const asked: string[][] = [];
    const changed: PresenceState[] = [];
    const reported: ParleyError[] = [];
    const watch = new PresenceWatch({
      subscribe: async (userIds) => {
        asked.push(userIds);
        if (refusals-- > 0) throw limited(300);
        return userIds.map(state);
      },
      unsubscribe: async () => null,
      online: () => true,
      changed: (s) => changed.push(s),
      report: (error) => reported.push(error),
    });
    await watch.subscribe(['bob']);
    refusals = 2;
    watch.renew();
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toHaveLength(1 + 3);
    expect(changed).toEqual([state('bob')]);
    expect(reported).toEqual([]);

    refusals = 10;
    watch.renew();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reported.map((e) => e.code)).toEqual(['RATE_LIMITED']);
  });
});
