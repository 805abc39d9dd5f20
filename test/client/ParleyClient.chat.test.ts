import { ParleyError } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, nextEvent, startChatWorld, text, type ChatWorld } from '../support/parley.js';

let world: ChatWorld;

beforeAll(async () => {
  // Presence between users who never talked: the app lets everyone see everyone (the default
  // `contacts` scope is server/test/gateway.privacy.test.ts).
  world = await startChatWorld(['alice', 'bob', 'carol', 'dave'], { PRESENCE_SCOPE: 'app' });
});
afterEach(() => world.closeClients());
afterAll(() => world.close());

describe('two users chat', () => {
  it('send, receive, unread counts, mark read and the read receipt', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    expect(alice.userId).toBe('alice');
    expect(alice.state).toBe('connected');

    const incoming = nextEvent(bob, 'new-message');
    const sent = await alice.sendPrivateMessage({ targetId: 'bob', ...text('hi bob') });
    expect(sent).toMatchObject({ senderUserId: 'alice', targetId: 'bob', content: { content: 'hi bob' }, sendSession: { title: 'BOB' } });
    expect(sent.clientMsgId).toEqual(expect.any(String));
    expect((await incoming).msgId).toBe(sent.msgId);

    await alice.sendPrivateMessage({ targetId: 'bob', ...text('are you there?') });
    const sessions = await bob.getSessions();
    const withAlice = sessions.find((s) => s.targetId === 'alice')!;
    expect(withAlice).toMatchObject({ unread: 2, title: 'ALICE', lastMsg: { content: 'are you there?' } });

    const history = await bob.getMessages(withAlice.sid, { limit: 1 });
    expect(history.map((m) => m.content.content)).toEqual(['are you there?']);
    const older = await bob.getMessages(withAlice.sid, { lastmsgId: history[0]!.msgId });
    expect(older.map((m) => m.content.content)).toEqual(['hi bob']);

    const receipt = nextEvent(alice, 'read-receipt');
    expect(await bob.markRead(withAlice.sid)).toMatchObject({ unread: 0, readSeq: withAlice.lastSeq });
    expect(await receipt).toEqual({ conversationType: 1, targetId: 'bob', userId: 'bob', readSeq: withAlice.lastSeq });
    expect((await bob.getSessions()).find((s) => s.targetId === 'alice')!.unread).toBe(0);
  });

  it('three devices: the other two of the sender and all of the recipient get it; a read clears the others', async () => {
    const alicePhone = await world.connected('alice', { platform: 'ios' });
    const aliceLaptop = await world.connected('alice', { platform: 'web' });
    const aliceTablet = await world.connected('alice', { platform: 'android' });
    const bob = await world.connected('bob');
    const onPhone = collect(alicePhone, 'new-message');
    const onLaptop = nextEvent(aliceLaptop, 'new-message');
    const onTablet = nextEvent(aliceTablet, 'new-message');
    const onBob = nextEvent(bob, 'new-message');

    const sent = await alicePhone.sendPrivateMessage({ targetId: 'bob', ...text('from my phone') });
    for (const pushed of await Promise.all([onLaptop, onTablet, onBob])) expect(pushed.msgId).toBe(sent.msgId);
    expect(onPhone).toEqual([]);

    const reply = await bob.sendPrivateMessage({ targetId: 'alice', ...text('got it') });
    await eventually(() => onPhone.length === 1);
    const sid = (await aliceLaptop.getSessions()).find((s) => s.targetId === 'bob')!.sid;
    const cleared = nextEvent(alicePhone, 'session-read');
    await aliceLaptop.markRead(sid);
    expect(await cleared).toMatchObject({ sid, unread: 0, readSeq: reply.seq });
  });

  it('a group of 50: one send reaches the other 49', async () => {
    const userIds = Array.from({ length: 50 }, (_, i) => `g${i}`);
    const tokens = await world.app.api.createGroup({ groupId: 'fifty', userIds: ['alice'], name: 'Fifty' }).then(async () => {
      const minted: Record<string, string> = {};
      for (const id of userIds) minted[id] = (await world.app.api.getToken({ userId: id, name: id })).token;
      await world.app.api.joinGroup({ groupId: 'fifty', userIds });
      return minted;
    });
    const members = await Promise.all(userIds.map((id) => world.connected('alice', { token: tokens[id]! })));
    const arrivals = members.slice(1).map((member) => nextEvent(member, 'new-message'));
    const sent = await members[0]!.sendGroupMessage({ targetId: 'fifty', ...text('hello all') });
    const received = await Promise.all(arrivals);
    expect(received.every((m) => m.msgId === sent.msgId && m.conversationType === 2)).toBe(true);
    expect(received).toHaveLength(49);
  });
});

describe('recall, typing, presence', () => {
  it('recall: the other side gets message-recalled and history shows it', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const sent = await alice.sendPrivateMessage({ targetId: 'bob', ...text('wrong chat') });
    const recalledOnBob = nextEvent(bob, 'message-recalled');
    const recalled = await alice.recall(sent.msgId);
    expect(recalled).toMatchObject({ msgId: sent.msgId, content: {}, recall: { by: 'alice' } });
    expect((await recalledOnBob).msgId).toBe(sent.msgId);
    const sid = (await bob.getSessions()).find((s) => s.targetId === 'alice')!.sid;
    expect((await bob.getMessages(sid)).find((m) => m.msgId === sent.msgId)?.recall?.by).toBe('alice');
  });

  it('typing reaches the other user and is throttled on the client', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const typing = collect(bob, 'typing');
    await alice.typing({ conversationType: 1, targetId: 'bob' });
    await alice.typing({ conversationType: 1, targetId: 'bob' });
    await eventually(() => typing.length === 1);
    // A round trip on bob's connection comes after every push already sent to it.
    await bob.presence(['bob']);
    expect(typing).toEqual([{ conversationType: 1, targetId: 'alice', userId: 'alice' }]);
  });

  it('presence: query by ids, subscribe, and offline only after the last device', async () => {
    const carol = await world.connected('carol');
    expect(await carol.presence(['dave'])).toEqual([{ userId: 'dave', online: false, platforms: [], lastSeenAt: null }]);
    await carol.subscribePresence(['dave']);
    const changes = collect(carol, 'presence');
    const davePhone = await world.connected('dave', { platform: 'ios' });
    const daveWeb = await world.connected('dave', { platform: 'web' });
    await eventually(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ userId: 'dave', online: true });
    davePhone.disconnect();
    // Once the phone is gone from the server's registry, no announcement for it can follow.
    await eventually(async () => (await carol.presence(['dave']))[0]?.platforms.join() === 'web', 5000, "dave's phone gone");
    await carol.presence(['dave']);
    expect(changes).toHaveLength(1);
    daveWeb.disconnect();
    await eventually(() => changes.length === 2);
    expect(changes[1]).toMatchObject({ userId: 'dave', online: false });
  });
});

describe('errors and session ends', () => {
  it("rejects with the server's code as a ParleyError", async () => {
    const alice = await world.connected('alice');
    const error = await alice.sendPrivateMessage({ targetId: 'nobody', ...text('hello?') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    await expect(alice.getMessages('0'.repeat(24))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a send too big for the server at once, instead of resending it after every reconnect', async () => {
    const alice = await world.connected('alice');
    const huge = { targetId: 'bob', ...text('x'.repeat(1_100_000)) };
    await expect(alice.sendPrivateMessage(huge)).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^content: /) });
    expect(alice.state).toBe('connected');
    // Too big for the server's content limit but not for a packet: the server answers.
    await expect(alice.sendPrivateMessage({ targetId: 'bob', ...text('y'.repeat(70_000)) })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('connect() rejects when the token is refused', async () => {
    const stranger = world.client('alice', { token: 'forged' });
    await expect(stranger.connect()).rejects.toMatchObject({ name: 'ParleyError', code: 'TOKEN_INVALID' });
    expect(stranger.state).toBe('disconnected');
  });

  it('a revoked token ends the session: kicked, disconnected, and no reconnect', async () => {
    const { token } = await world.app.api.getToken({ userId: 'erin', name: 'Erin' });
    const erin = await world.connected('alice', { token });
    const kicked = nextEvent(erin, 'kicked');
    await world.app.api.revokeTokens({ userId: 'erin' });
    expect(await kicked).toMatchObject({ reason: 'TOKEN_REVOKED' });
    await eventually(() => erin.state === 'disconnected');
    await expect(erin.getSessions()).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('asks getToken for a token when none is given', async () => {
    let asked = 0;
    const gina = world.client('alice', {
      token: undefined,
      getToken: async () => {
        asked += 1;
        return (await world.app.api.getToken({ userId: 'gina', name: 'Gina' })).token;
      },
    });
    await gina.connect();
    expect(gina.userId).toBe('gina');
    expect(asked).toBe(1);
  });

  it('disconnect() rejects requests waiting for the connection', async () => {
    const alice = world.client('alice');
    const pending = alice.sendPrivateMessage({ targetId: 'bob', ...text('never sent') });
    alice.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

