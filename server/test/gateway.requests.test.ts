import type { Message, Session } from '@parley/sdk/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWorld, text } from './support/devices.js';
import type { TestApp } from './support/test-server.js';

let app: TestApp;
let world: GatewayWorld;

beforeAll(async () => {
  world = await GatewayWorld.start(['alice', 'bob', 'carol']);
  ({ app } = world);
  await app.api.createGroup({ groupId: 'team', userIds: ['alice', 'bob'], name: 'Team' });
});
afterEach(() => world.closeDevices());
afterAll(() => world.close());

const device = (...args: Parameters<GatewayWorld['device']>) => world.device(...args);

describe('the five seed requests', () => {
  it('send-private-message stores as the token user and acks the message with the sender session', async () => {
    const alice = await device('alice');
    const message = await alice.ok('send-private-message', { targetId: 'bob', ...text('hello bob') });
    expect(message).toMatchObject({
      senderUserId: 'alice',
      targetId: 'bob',
      conversationType: 1,
      content: { content: 'hello bob' },
      sendUser: { name: 'ALICE' },
      sendSession: { title: 'BOB' },
      recall: null,
    });
    expect(message.msgId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('session-list, session-message-list and set-session-read (with a sid object or the sid alone)', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    for (const n of [1, 2, 3]) await alice.ok('send-private-message', { targetId: 'carol', ...text(`m${n}`) });
    const carol = await device('carol');
    const sessions: Session[] = await carol.ok('session-list');
    const withAlice = sessions.find((s) => s.targetId === 'alice')!;
    expect(withAlice).toMatchObject({ conversationType: 1, unread: 3, title: 'ALICE', lastMsg: { content: 'm3' } });

    const page: Message[] = await carol.ok('session-message-list', { sid: withAlice.sid, limit: 2 });
    expect(page.map((m) => m.content.content)).toEqual(['m3', 'm2']);
    const older: Message[] = await carol.ok('session-message-list', { sid: withAlice.sid, lastmsgId: page[1]!.msgId });
    expect(older.map((m) => m.content.content)).toEqual(['m1']);

    expect(await carol.ok('set-session-read', { sid: withAlice.sid, seq: 2 })).toMatchObject({ readSeq: 2, unread: 1 });
    expect(await carol.ok('set-session-read', withAlice.sid)).toEqual({
      sid: withAlice.sid,
      conversationType: 1,
      targetId: 'alice',
      readSeq: 3,
      unread: 0,
    });
    expect(bob.all('new-message')).toEqual([]);
  });

  it('send-group-message stores once and reaches every member', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const message = await alice.ok('send-group-message', { targetId: 'team', ...text('hi team') });
    expect(message).toMatchObject({ conversationType: 2, targetId: 'team', sendSession: { title: 'Team' } });
    expect((await bob.next('new-message')).msgId).toBe(message.msgId);
  });
});

describe('validation at the socket boundary', () => {
  it.each([
    ['send-private-message', undefined, /^body: must be an object, got null$/],
    ['send-private-message', { targetId: 'bob', messageType: 1 }, /^content: is required$/],
    ['send-private-message', { targetId: 'bob', messageType: 9, content: {} }, /^messageType: /],
    ['send-private-message', { targetId: 'bob', ...text('x'), extra: 1 }, /^extra: is not a field/],
    ['send-private-message', { targetId: 'b:b', ...text('x') }, /^targetId: /],
    ['send-group-message', { targetId: 'team', messageType: 1, content: { content: 'x'.repeat(70_000) } }, /^content: is \d+ bytes/],
    ['session-message-list', { sid: 'nope' }, /^sid: must be a 24-character hex id$/],
    ['session-message-list', { sid: '0'.repeat(24), limit: 1000 }, /^limit: /],
    ['set-session-read', 42, /^body: /],
    ['set-session-read', { sid: '0'.repeat(24), seq: -1 }, /^seq: /],
    ['sync-messages', { conversationType: 3, targetId: 'bob', afterSeq: 0 }, /^conversationType: /],
    ['recall-message', { msgId: 'x' }, /^msgId: /],
    ['typing', {}, /^conversationType: /],
    ['presence-query', { userIds: [] }, /^userIds: must name at least one user$/],
  ] as const)('%s: a bad payload gets INVALID_PARAMS (%s) and the socket stays up', async (event, payload, message) => {
    const alice = await device('alice');
    const ack = await alice.request(event as 'typing', payload);
    expect(ack).toMatchObject({ status: 0, code: 'INVALID_PARAMS' });
    if (ack.status === 0) expect(ack.message).toMatch(message);
    expect(alice.socket.connected).toBe(true);
    expect(await alice.ok('session-list')).toBeInstanceOf(Array);
  });

  it('refuses a senderUserId other than the connected user', async () => {
    const alice = await device('alice');
    const ack = await alice.request('send-private-message', { senderUserId: 'bob', targetId: 'carol', ...text('spoof') });
    expect(ack).toMatchObject({ status: 0, code: 'FORBIDDEN', message: 'senderUserId: must be the connected user alice' });
    const own = await alice.ok('send-private-message', { senderUserId: 'alice', targetId: 'carol', ...text('mine') });
    expect(own.senderUserId).toBe('alice');
  });

  it("answers NOT_FOUND for another user's session and FORBIDDEN for a group one is not in", async () => {
    const alice = await device('alice');
    const carol = await device('carol');
    const [aliceSession] = (await alice.ok('session-list')) as Session[];
    expect(await carol.request('session-message-list', { sid: aliceSession!.sid })).toMatchObject({ status: 0, code: 'NOT_FOUND' });
    expect(await carol.request('set-session-read', aliceSession!.sid)).toMatchObject({ status: 0, code: 'NOT_FOUND' });
    expect(await carol.request('send-group-message', { targetId: 'team', ...text('let me in') })).toMatchObject({ status: 0, code: 'FORBIDDEN' });
    expect(await carol.request('sync-messages', { conversationType: 2, targetId: 'team', afterSeq: 0 })).toMatchObject({
      status: 0,
      code: 'FORBIDDEN',
    });
  });

  it('a request without an ack callback is still carried out', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    alice.socket.emit('send-private-message', { targetId: 'bob', ...text('fire and forget') });
    expect((await bob.next('new-message')).content).toEqual({ content: 'fire and forget' });
  });
});

describe('idempotent sends', () => {
  it('a resend with the same clientMsgId returns the first message and is delivered once', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const payload = { targetId: 'bob', clientMsgId: 'client-42', ...text('once') };
    const [first, second] = await Promise.all([alice.ok('send-private-message', payload), alice.ok('send-private-message', payload)]);
    const third = await alice.ok('send-private-message', payload);
    expect(second.msgId).toBe(first.msgId);
    expect(third.msgId).toBe(first.msgId);
    await bob.next('new-message');
    await alice.ok('send-private-message', { targetId: 'bob', ...text('marker') });
    await bob.next('new-message');
    expect(bob.all('new-message').filter((m) => m.clientMsgId === 'client-42')).toHaveLength(1);
  });
});

describe('sync-messages', () => {
  it('returns the messages after a seq, oldest first, in pages', async () => {
    const alice = await device('alice');
    const sent: Message[] = [];
    for (let i = 0; i < 7; i++) sent.push(await alice.ok('send-group-message', { targetId: 'team', ...text(`s${i}`) }));
    const from = sent[0]!.seq - 1;
    const bob = await device('bob');
    const first: Message[] = await bob.ok('sync-messages', { conversationType: 2, targetId: 'team', afterSeq: from, limit: 5 });
    const rest: Message[] = await bob.ok('sync-messages', { conversationType: 2, targetId: 'team', afterSeq: first.at(-1)!.seq });
    expect([...first, ...rest].map((m) => m.msgId)).toEqual(sent.map((m) => m.msgId));
    expect(first.map((m) => m.seq)).toEqual(sent.slice(0, 5).map((m) => m.seq));
  });
});
