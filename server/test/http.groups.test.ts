import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType } from '@parley/sdk/protocol';
import { startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  ({ t, app } = await startTestWorld(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'], { MAX_GROUP_MEMBERS: '5' }));
});
afterAll(() => t.close());

const ids = (members: { userId: string }[]) => members.map((m) => m.userId);

describe('POST /group/create', () => {
  it('creates a group owned by the first user, with everyone in join order', async () => {
    const group = await app.api.createGroup({ groupId: 'g-create', userIds: ['u2', 'u1', 'u2'], name: 'Team', avatarUri: 'https://cdn.example.com/g.png' });
    expect(group).toMatchObject({ groupId: 'g-create', name: 'Team', avatarUri: 'https://cdn.example.com/g.png', ownerId: 'u2', memberCount: 2 });
    const members = await app.api.getGroupMembers({ groupId: 'g-create' });
    expect(members.map((m) => [m.userId, m.role, m.name])).toEqual([
      ['u2', 'owner', 'U2'],
      ['u1', 'member', 'U1'],
    ]);
    expect(await app.api.getGroupInfo({ groupId: 'g-create' })).toEqual(group);
  });

  it('with ownerId makes that user owner and adds them', async () => {
    const group = await app.api.createGroup({ groupId: 'g-owner', userIds: ['u1', 'u2'], name: 'Owned', ownerId: 'u3' });
    expect(group.ownerId).toBe('u3');
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-owner' }))).toEqual(['u3', 'u1', 'u2']);
  });

  it('shows up, with nothing unread, in every member\'s session list', async () => {
    await app.api.createGroup({ groupId: 'g-listed', userIds: ['u4', 'u5'], name: 'Listed' });
    const sessions = await app.api.getUserSessions({ userId: 'u5' });
    expect(sessions.find((s) => s.targetId === 'g-listed')).toMatchObject({ conversationType: 2, title: 'Listed', unread: 0, lastMsg: null });
  });

  it('refuses an existing groupId -> 409 CONFLICT', async () => {
    await app.api.createGroup({ groupId: 'g-dup', userIds: ['u1'], name: 'A' });
    await expect(app.api.createGroup({ groupId: 'g-dup', userIds: ['u2'], name: 'B' })).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    expect((await app.api.getGroupInfo({ groupId: 'g-dup' })).name).toBe('A');
  });

  it('refuses unknown users -> 404 naming them, and creates nothing', async () => {
    await expect(app.api.createGroup({ groupId: 'g-ghosts', userIds: ['u1', 'ghost1', 'ghost2'], name: 'X' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'userIds: users ghost1, ghost2 do not exist; register each user with POST /user/getToken first',
    });
    await expect(app.api.getGroupInfo({ groupId: 'g-ghosts' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await app.api.getUserSessions({ userId: 'u1' })).some((s) => s.targetId === 'g-ghosts')).toBe(false);
  });

  // The same limit as /group/join's, and the same answer: the request is well-formed, the app's setting refuses it.
  it('refuses more members than the app allows -> 409 naming userIds', async () => {
    await expect(
      app.api.createGroup({ groupId: 'g-big', userIds: ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'], name: 'Big' }),
    ).rejects.toMatchObject({ code: 'CONFLICT', status: 409, message: expect.stringMatching(/^userIds: a group can have at most 5/) });
    await expect(app.api.getGroupInfo({ groupId: 'g-big' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('POST /group/join', () => {
  it('adds new members, skips existing ones and reports who changed', async () => {
    await app.api.createGroup({ groupId: 'g-join', userIds: ['u1', 'u2'], name: 'Join' });
    const result = await app.api.joinGroup({ groupId: 'g-join', userIds: ['u2', 'u3'] });
    expect(result).toEqual({ groupId: 'g-join', changed: ['u3'], memberCount: 3, ownerId: 'u1', dismissed: false });
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-join' }))).toEqual(['u1', 'u2', 'u3']);
  });

  it('new members start with nothing unread from before they joined', async () => {
    await app.api.createGroup({ groupId: 'g-late', userIds: ['u1'], name: 'Late' });
    for (const text of ['one', 'two']) {
      await app.api.sendGroupMessage({ senderUserId: 'u1', targetId: 'g-late', messageType: 1, content: { content: text } });
    }
    await app.api.joinGroup({ groupId: 'g-late', userIds: ['u2'] });
    const session = (await app.api.getUserSessions({ userId: 'u2' })).find((s) => s.targetId === 'g-late');
    // Seq 3 is the group event of their joining: read too, they were there for it.
    expect(session).toMatchObject({ unread: 0, lastSeq: 3, readSeq: 3 });
    await app.api.sendGroupMessage({ senderUserId: 'u1', targetId: 'g-late', messageType: 1, content: { content: 'three' } });
    expect((await app.api.getUserSessions({ userId: 'u2' })).find((s) => s.targetId === 'g-late')?.unread).toBe(1);
  });

  it('refuses to pass the size limit -> 409 CONFLICT, adding nobody', async () => {
    await app.api.createGroup({ groupId: 'g-full', userIds: ['u1', 'u2', 'u3', 'u4'], name: 'Full' });
    await expect(app.api.joinGroup({ groupId: 'g-full', userIds: ['u5', 'u6'] })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await app.api.getGroupInfo({ groupId: 'g-full' })).memberCount).toBe(4);
  });

  it('to a missing group -> 404', async () => {
    await expect(app.api.joinGroup({ groupId: 'g-none', userIds: ['u1'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'group g-none does not exist',
    });
  });

  it('concurrent joins all land', async () => {
    await app.api.createGroup({ groupId: 'g-race', userIds: ['u1'], name: 'Race' });
    await Promise.all(['u2', 'u3', 'u4', 'u5'].map((userId) => app.api.joinGroup({ groupId: 'g-race', userIds: [userId] })));
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-race' })).sort()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
  });
});

describe('POST /group/remove', () => {
  it('removes members, skips non-members; the removed keep the conversation up to their removal, and no further', async () => {
    await app.api.createGroup({ groupId: 'g-rm', userIds: ['u1', 'u2', 'u3'], name: 'Rm' });
    await app.api.sendGroupMessage({ senderUserId: 'u1', targetId: 'g-rm', messageType: 1, content: { content: 'before' } });
    const result = await app.api.removeGroupMembers({ groupId: 'g-rm', userIds: ['u3', 'u7'] });
    expect(result).toEqual({ groupId: 'g-rm', changed: ['u3'], memberCount: 2, ownerId: 'u1', dismissed: false });
    await app.api.sendGroupMessage({ senderUserId: 'u1', targetId: 'g-rm', messageType: 1, content: { content: 'after' } });

    const session = (await app.api.getUserSessions({ userId: 'u3' })).find((s) => s.targetId === 'g-rm');
    expect(session).toMatchObject({ ended: true, lastSeq: 2, unread: 2, lastMsg: { seq: 2, messageType: MessageType.GROUP_EVENT, content: 'U3 was removed' } });
    const history = await app.api.getSessionMessages({ userId: 'u3', targetId: 'g-rm', conversationType: 2 });
    expect(history.map((message) => message.seq)).toEqual([2, 1]);
    expect((await app.api.getUserSessions({ userId: 'u2' })).find((s) => s.targetId === 'g-rm')).toMatchObject({ ended: false, lastSeq: 3 });
    await expect(
      app.api.sendGroupMessage({ senderUserId: 'u3', targetId: 'g-rm', messageType: 1, content: { content: 'still here?' } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });

    // Back in the group: the session opens again, read up to the join, and reads on.
    await app.api.joinGroup({ groupId: 'g-rm', userIds: ['u3'] });
    expect((await app.api.getUserSessions({ userId: 'u3' })).find((s) => s.targetId === 'g-rm')).toMatchObject({ ended: false, lastSeq: 4, unread: 0, readSeq: 4 });
    expect((await app.api.getSessionMessages({ userId: 'u3', targetId: 'g-rm', conversationType: 2 })).map((message) => message.seq)).toEqual([4, 3, 2, 1]);
  });

  it('when the owner leaves, the earliest member becomes owner', async () => {
    await app.api.createGroup({ groupId: 'g-handover', userIds: ['u1', 'u2', 'u3'], name: 'Handover' });
    const result = await app.api.removeGroupMembers({ groupId: 'g-handover', userIds: ['u1'] });
    expect(result.ownerId).toBe('u2');
    const members = await app.api.getGroupMembers({ groupId: 'g-handover' });
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      ['u2', 'owner'],
      ['u3', 'member'],
    ]);
  });

  it('removing the last members dismisses the group', async () => {
    await app.api.createGroup({ groupId: 'g-empty', userIds: ['u1', 'u2'], name: 'Empty' });
    const result = await app.api.removeGroupMembers({ groupId: 'g-empty', userIds: ['u1', 'u2'] });
    expect(result).toEqual({ groupId: 'g-empty', changed: ['u1', 'u2'], memberCount: 0, ownerId: null, dismissed: true });
    await expect(app.api.getGroupInfo({ groupId: 'g-empty' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('POST /group/dismiss', () => {
  it('deletes the group; its former members keep the conversation, ended at the dismissal; the id can be used again, afresh', async () => {
    await app.api.createGroup({ groupId: 'g-dismiss', userIds: ['u1', 'u2'], name: 'Dismiss' });
    await app.api.sendGroupMessage({ senderUserId: 'u1', targetId: 'g-dismiss', messageType: 1, content: { content: 'bye' } });
    expect(await app.api.dismissGroup({ groupId: 'g-dismiss' })).toBeNull();
    const session = (await app.api.getUserSessions({ userId: 'u2' })).find((s) => s.targetId === 'g-dismiss');
    expect(session).toMatchObject({ ended: true, lastSeq: 2, unread: 2, lastMsg: { messageType: MessageType.GROUP_EVENT, content: 'The group was dismissed' } });
    expect((await app.api.getSessionMessages({ userId: 'u2', targetId: 'g-dismiss', conversationType: 2 })).map((message) => message.content['content'])).toEqual([
      'The group was dismissed',
      'bye',
    ]);
    await expect(app.api.dismissGroup({ groupId: 'g-dismiss' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.api.getSessionMessages({ userId: 'u3', targetId: 'g-dismiss', conversationType: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // A new group under the id starts afresh: nobody reads the old one's history any more.
    await app.api.createGroup({ groupId: 'g-dismiss', userIds: ['u1', 'u3'], name: 'Again' });
    expect(await app.api.getSessionMessages({ userId: 'u3', targetId: 'g-dismiss', conversationType: 2 })).toEqual([]);
    expect((await app.api.getUserSessions({ userId: 'u2' })).some((s) => s.targetId === 'g-dismiss')).toBe(false);
    await expect(app.api.getSessionMessages({ userId: 'u2', targetId: 'g-dismiss', conversationType: 2 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('GET /group/members and /group/info', () => {
  it('pages members in join order with offset and limit', async () => {
    await app.api.createGroup({ groupId: 'g-pages', userIds: ['u5', 'u4', 'u3', 'u2'], name: 'Pages' });
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-pages', limit: 2 }))).toEqual(['u5', 'u4']);
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-pages', offset: 2, limit: 2 }))).toEqual(['u3', 'u2']);
    expect(ids(await app.api.getGroupMembers({ groupId: 'g-pages', offset: 3 }))).toEqual(['u2']);
    expect(await app.api.getGroupMembers({ groupId: 'g-pages', offset: 4, limit: 2 })).toEqual([]);
    await expect(app.api.getGroupMembers({ groupId: 'g-pages', limit: 0 })).rejects.toMatchObject({ code: 'INVALID_PARAMS', status: 400 });
    await expect(app.api.getGroupMembers({ groupId: 'g-pages', limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(app.api.getGroupMembers({ groupId: 'g-pages', offset: -1 })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('for a missing group -> 404', async () => {
    await expect(app.api.getGroupMembers({ groupId: 'g-missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(app.api.getGroupInfo({ groupId: 'g-missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
