import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  ({ t, app } = await startTestWorld(['ann', 'ben', 'cat', 'dan'], { MAX_MESSAGE_BYTES: '2048' }));
  await app.api.createGroup({ groupId: 'room', userIds: ['ann', 'ben', 'cat'], name: 'Room', avatarUri: 'https://cdn.example.com/room.png' });
});
afterAll(() => t.close());

const text = (senderUserId: string, targetId: string, content: string, clientMsgId?: string) => ({
  senderUserId,
  targetId,
  messageType: 1 as const,
  content: { content },
  ...(clientMsgId ? { clientMsgId } : {}),
});

describe('POST /private/send/message', () => {
  it('stores the message and returns it with seq, ids, sender and the sender\'s session', async () => {
    const before = t.clock.now();
    const message = await app.api.sendPrivateMessage(text('ann', 'ben', '沙发 "quoted"'));
    expect(message).toMatchObject({
      msgId: expect.stringMatching(/^[0-9a-f]{24}$/),
      seq: 1,
      conversationType: 1,
      senderUserId: 'ann',
      targetId: 'ben',
      messageType: 1,
      content: { content: '沙发 "quoted"' },
      sendUser: { name: 'ANN', avatarUri: 'https://cdn.example.com/ann.png' },
      sendSession: { sid: expect.stringMatching(/^[0-9a-f]{24}$/), title: 'BEN', avatar: 'https://cdn.example.com/ben.png' },
    });
    expect(message.timestamp).toBeGreaterThanOrEqual(before);
    expect(message.date).toBe(new Date(message.timestamp).toISOString());
  });

  it('numbers messages 1, 2, 3 per conversation whoever sends', async () => {
    const seqs: number[] = [];
    for (const [from, to] of [['cat', 'dan'], ['dan', 'cat'], ['cat', 'dan']] as const) {
      seqs.push((await app.api.sendPrivateMessage(text(from, to, 'x'))).seq);
    }
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('returns the first message for a repeated clientMsgId and stores nothing new', async () => {
    const first = await app.api.sendPrivateMessage(text('ann', 'cat', 'hello', 'client-1'));
    const again = await app.api.sendPrivateMessage(text('ann', 'cat', 'hello', 'client-1'));
    expect(again).toEqual(first);
    const history = await app.api.getSessionMessages({ userId: 'cat', targetId: 'ann', conversationType: 1 });
    expect(history.filter((m) => m.clientMsgId === 'client-1')).toHaveLength(1);
  });

  it('concurrent sends with one clientMsgId store one message', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => app.api.sendPrivateMessage(text('ben', 'dan', 'once', 'burst-1'))));
    expect(new Set(results.map((m) => m.msgId)).size).toBe(1);
    const history = await app.api.getSessionMessages({ userId: 'dan', targetId: 'ben', conversationType: 1 });
    expect(history).toHaveLength(1);
  });

  it('refuses a clientMsgId the sender used in another conversation -> 409, opening no session', async () => {
    await createUsers(app, 'kim', 'lee');
    await app.api.sendPrivateMessage(text('kim', 'ann', 'a', 'client-x'));
    await expect(app.api.sendPrivateMessage(text('kim', 'lee', 'b', 'client-x'))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await app.api.getUserSessions({ userId: 'kim' })).map((s) => s.targetId)).toEqual(['ann']);
    expect(await app.api.getUserSessions({ userId: 'lee' })).toEqual([]);
  });

  it('refuses an unknown sender or target -> 404 naming the field', async () => {
    await expect(app.api.sendPrivateMessage(text('zed', 'ann', 'x'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'senderUserId: user zed does not exist; register the user with POST /user/getToken first',
    });
    await expect(app.api.sendPrivateMessage(text('ann', 'zed', 'x'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'targetId: user zed does not exist; register the user with POST /user/getToken first',
    });
  });

  // Well-formed (no schema can say that two fields differ), so not a 400: the send is not allowed.
  it('refuses a message to oneself -> 403 naming targetId', async () => {
    await expect(app.api.sendPrivateMessage(text('ann', 'ann', 'x'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: 'targetId: must differ from senderUserId: a user cannot send a private message to themselves',
    });
  });

  it('accepts each message type with its own fields', async () => {
    const sent = await Promise.all([
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 2, content: { url: 'https://cdn.example.com/v.amr', duration: 3.5 } }),
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 3, content: { url: 'https://cdn.example.com/i.png', width: 640, height: 480 } }),
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 4, content: { url: 'https://cdn.example.com/f.pdf', name: 'f.pdf', size: 1234 } }),
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 5, content: { latitude: 31.23, longitude: 121.47, address: 'Shanghai' } }),
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 6, content: { type: 'card', data: { id: 7 } } }),
      app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'dan', messageType: 7, content: { url: 'https://cdn.example.com/v.mp4', duration: 12, coverUrl: 'https://cdn.example.com/v.jpg' } }),
    ]);
    expect(sent.map((m) => m.messageType)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(sent[4]!.content).toEqual({ type: 'card', data: { id: 7 } });
  });

  it('refuses content over the size limit -> 400 naming content, and stores nothing', async () => {
    const before = await app.api.getSessionMessages({ userId: 'ben', targetId: 'cat', conversationType: 1 });
    await expect(app.api.sendPrivateMessage(text('ben', 'cat', 'x'.repeat(2100)))).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/^content: is \d+ bytes as JSON; the limit is 2048/),
    });
    expect(await app.api.getSessionMessages({ userId: 'ben', targetId: 'cat', conversationType: 1 })).toEqual(before);
  });
});

describe('POST /group/send/message', () => {
  it('stores one message for the group, with the group as the sender\'s session', async () => {
    const message = await app.api.sendGroupMessage(text('ben', 'room', 'hi all'));
    expect(message).toMatchObject({
      conversationType: 2,
      targetId: 'room',
      sendSession: { title: 'Room', avatar: 'https://cdn.example.com/room.png' },
    });
    for (const userId of ['ann', 'ben', 'cat']) {
      const history = await app.api.getSessionMessages({ userId, targetId: 'room', conversationType: 2 });
      expect(history[0]?.msgId).toBe(message.msgId);
    }
  });

  it('refuses a sender who is not a member -> 403 FORBIDDEN', async () => {
    await expect(app.api.sendGroupMessage(text('dan', 'room', 'let me in'))).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('refuses a missing group -> 404', async () => {
    await expect(app.api.sendGroupMessage(text('ann', 'nowhere', 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('GET /session/messages', () => {
  beforeAll(async () => {
    await createUsers(app, 'p1', 'p2');
    for (let i = 1; i <= 25; i++) await app.api.sendPrivateMessage(text(i % 2 ? 'p1' : 'p2', i % 2 ? 'p2' : 'p1', `m${i}`));
  });

  it('returns the newest 20 by default, newest first', async () => {
    const page = await app.api.getSessionMessages({ userId: 'p1', targetId: 'p2', conversationType: 1 });
    expect(page.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect(page[0]).toMatchObject({ content: { content: 'm25' }, sendUser: { name: 'P1' } });
  });

  it('pages backwards with lastmsgId until the first message, seeing each exactly once', async () => {
    const seen: number[] = [];
    let lastmsgId: string | undefined;
    for (;;) {
      const page = await app.api.getSessionMessages({ userId: 'p2', targetId: 'p1', conversationType: 1, limit: 7, ...(lastmsgId ? { lastmsgId } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((m) => m.seq));
      lastmsgId = page[page.length - 1]!.msgId;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('accepts limit 100 and refuses 101 or 0 -> 400 naming limit', async () => {
    expect(await app.api.getSessionMessages({ userId: 'p1', targetId: 'p2', conversationType: 1, limit: 100 })).toHaveLength(25);
    for (const limit of [0, 101]) {
      await expect(app.api.getSessionMessages({ userId: 'p1', targetId: 'p2', conversationType: 1, limit })).rejects.toMatchObject({
        code: 'INVALID_PARAMS',
        message: expect.stringMatching(/^limit:/),
      });
    }
  });

  // A well-formed id that is no message of this conversation names a message that is not there.
  it('refuses a lastmsgId from another conversation -> 404 naming lastmsgId', async () => {
    const elsewhere = await app.api.sendPrivateMessage(text('ann', 'ben', 'elsewhere'));
    await expect(
      app.api.getSessionMessages({ userId: 'p1', targetId: 'p2', conversationType: 1, lastmsgId: elsewhere.msgId }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404, message: expect.stringMatching(/^lastmsgId:/) });
  });

  it('refuses group history to a non-member -> 403', async () => {
    await expect(app.api.getSessionMessages({ userId: 'dan', targetId: 'room', conversationType: 2 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('is empty for two users who never talked', async () => {
    expect(await app.api.getSessionMessages({ userId: 'p1', targetId: 'dan', conversationType: 1 })).toEqual([]);
  });
});

describe('sessions and unread', () => {
  it('counts unread from seqs, and the sender\'s own message marks the conversation read', async () => {
    await createUsers(app, 's1', 's2');
    await app.api.sendPrivateMessage(text('s1', 's2', 'one'));
    await app.api.sendPrivateMessage(text('s1', 's2', 'two'));
    let s2 = (await app.api.getUserSessions({ userId: 's2' })).find((s) => s.targetId === 's1');
    expect(s2).toMatchObject({ unread: 2, lastSeq: 2, readSeq: 0, title: 'S1', avatar: 'https://cdn.example.com/s1.png' });
    expect(s2?.lastMsg).toMatchObject({ content: 'two', messageType: 1, senderUserId: 's1', seq: 2 });
    const s1 = (await app.api.getUserSessions({ userId: 's1' })).find((s) => s.targetId === 's2');
    expect(s1).toMatchObject({ unread: 0, readSeq: 2, title: 'S2' });

    await app.api.sendPrivateMessage(text('s2', 's1', 'three'));
    s2 = (await app.api.getUserSessions({ userId: 's2' })).find((s) => s.targetId === 's1');
    expect(s2).toMatchObject({ unread: 0, readSeq: 3 });
    expect((await app.api.getUserSessions({ userId: 's1' })).find((s) => s.targetId === 's2')?.unread).toBe(1);
  });

  it('lists the most recently active conversation first and previews non-text messages', async () => {
    await createUsers(app, 'o1', 'o2', 'o3');
    await app.api.sendPrivateMessage(text('o2', 'o1', 'older'));
    await app.api.sendPrivateMessage({ senderUserId: 'o3', targetId: 'o1', messageType: 3, content: { url: 'https://cdn.example.com/p.png', width: 10, height: 10 } });
    const sessions = await app.api.getUserSessions({ userId: 'o1' });
    expect(sessions.map((s) => s.targetId)).toEqual(['o3', 'o2']);
    expect(sessions[0]?.lastMsg?.content).toBe('[Image]');
  });

  it('stays exact under concurrent sends from many members', async () => {
    await createUsers(app, 'c1', 'c2', 'c3', 'c4');
    await app.api.createGroup({ groupId: 'busy', userIds: ['c1', 'c2', 'c3', 'c4'], name: 'Busy' });
    const senders = ['c1', 'c2', 'c3'];
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => app.api.sendGroupMessage(text(senders[i % 3]!, 'busy', `n${i}`))),
    );
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const c4 = (await app.api.getUserSessions({ userId: 'c4' })).find((s) => s.targetId === 'busy');
    expect(c4).toMatchObject({ unread: 30, lastSeq: 30 });
  });
});
