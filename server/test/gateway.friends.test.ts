import { ConversationType, ErrorCode, MessagePolicy, MessageType, type FriendRequest } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { connectDevice, settled, text } from './support/devices.js';
import { serverOnAdapter, storeAdapters } from './support/stores.js';
import { changeAppSettings, createApp, createUsers } from './support/test-server.js';

/** Friends through both transports, on every store adapter (the rules are the domain's; the records the adapters'). */
describe.each(storeAdapters())('friends on the $name store', (adapter) => {
  const { server, track } = serverOnAdapter(adapter);

  /** A fresh app with these users, so each test starts with no friends. */
  async function world(...userIds: string[]) {
    const app = await createApp(server());
    const tokens = await createUsers(app, ...userIds);
    const device = async (userId: string) => track(await connectDevice(server(), app.appId, tokens[userId]!));
    return { app, device };
  }

  it('a request reaches the recipient and the requester\'s other devices; accepting makes both friends and tells both', async () => {
    const { app, device } = await world('alice', 'bob');
    const bob = await device('bob');
    const bobPhone = await device('bob');
    const alice = await device('alice');

    const request = await bob.ok('send-friend-request', { userId: 'alice', message: "Hi, it's Bob" });
    expect(request).toMatchObject({
      from: { userId: 'bob', name: 'BOB', avatarUri: 'https://cdn.example.com/bob.png' },
      to: { userId: 'alice', name: 'ALICE' },
      message: "Hi, it's Bob",
      status: 'pending',
      decidedAt: null,
    });
    expect(await alice.next('friend-request')).toEqual(request);
    expect(await bobPhone.next('friend-request')).toEqual(request);
    // Asking again answers the same request, and nobody is told twice.
    expect(await bob.ok('send-friend-request', { userId: 'alice' })).toEqual(request);
    expect((await alice.ok('friend-requests')).incoming).toEqual([request]);
    expect(await app.api.getFriendRequests({ userId: 'bob' })).toEqual({ incoming: [], outgoing: [request] });

    const friend = await alice.ok('accept-friend-request', { requestId: request.requestId });
    expect(friend).toMatchObject({ userId: 'bob', name: 'BOB', remark: '', friendGroupId: null });
    const answered = await bob.next('friend-request-answered');
    expect(answered).toMatchObject({ requestId: request.requestId, status: 'accepted' });
    expect(answered.decidedAt).toEqual(expect.any(Number));
    expect(await bob.next('friend-added')).toMatchObject({ userId: 'alice', name: 'ALICE', remark: '' });
    expect(await bobPhone.next('friend-added')).toMatchObject({ userId: 'alice' });
    // The accepting device has the friend in its ack; it gets no push of its own.
    await settled(alice);
    expect(alice.all('friend-added')).toEqual([]);
    // Accepting again answers the same friend; asking again is a conflict.
    expect(await alice.ok('accept-friend-request', { requestId: request.requestId })).toEqual(friend);
    expect(await bob.request('send-friend-request', { userId: 'alice' })).toMatchObject({ status: 0, code: ErrorCode.CONFLICT });

    const contacts = await bob.ok('contact-list');
    expect(contacts.friends).toEqual([expect.objectContaining({ userId: 'alice', online: true, platforms: ['web'], lastSeenAt: null })]);
    expect((await app.api.getContactList({ userId: 'alice' })).friends.map((contact) => [contact.userId, contact.online])).toEqual([['bob', true]]);
  });

  it('asking someone who asked you first accepts their request', async () => {
    const { app, device } = await world('carol', 'dave');
    const dave = await device('dave');
    const first = await app.api.sendFriendRequest({ userId: 'carol', targetId: 'dave', message: '' });
    await dave.next('friend-request');
    const answer = await dave.ok('send-friend-request', { userId: 'carol' });
    expect(answer).toMatchObject({ requestId: first.requestId, from: { userId: 'carol' }, status: 'accepted' });
    expect((await app.api.getContactList({ userId: 'carol' })).friends.map((friend) => friend.userId)).toEqual(['dave']);
  });

  it('a rejected requester is told and may ask again; answers are only for the recipient', async () => {
    const { app, device } = await world('erin', 'frank', 'grace');
    const erin = await device('erin');
    const frank = await device('frank');
    const request = await erin.ok('send-friend-request', { userId: 'frank' });
    await frank.next('friend-request');
    // Only the recipient may answer: to anyone else (the requester included) the request does not exist.
    for (const [userId, requestId] of [
      ['erin', request.requestId],
      ['grace', request.requestId],
      ['frank', '0123456789abcdef01234567'],
    ] as const) {
      await expect(app.api.acceptFriendRequest({ userId, requestId })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, status: 404 });
    }

    const rejected = await frank.ok('reject-friend-request', { requestId: request.requestId });
    expect(rejected).toMatchObject({ status: 'rejected' });
    expect(await erin.next('friend-request-answered')).toEqual(rejected);
    expect(await frank.ok('reject-friend-request', { requestId: request.requestId })).toEqual(rejected);
    expect(await frank.request('accept-friend-request', { requestId: request.requestId })).toMatchObject({ status: 0, code: ErrorCode.CONFLICT });
    // The outcome stays listed for the requester's devices that were offline.
    expect((await erin.ok('friend-requests')).outgoing).toEqual([rejected]);

    const again = await erin.ok('send-friend-request', { userId: 'frank', message: 'second try' });
    expect(again.requestId).not.toBe(request.requestId);
    expect((await frank.next('friend-request')).message).toBe('second try');
    expect((await frank.ok('friend-requests')).incoming.map((entry) => entry.status)).toEqual(['pending', 'rejected']);
  });

  it('a request to a user who blocks the requester stays pending for the requester and never reaches the blocker', async () => {
    const { app, device } = await world('henry', 'spammer');
    const henry = await device('henry');
    const spammer = await device('spammer');
    await henry.ok('block-users', { userIds: ['spammer'] });
    const request = await spammer.ok('send-friend-request', { userId: 'henry', message: 'add me' });
    expect(request.status).toBe('pending');
    expect((await spammer.ok('friend-requests')).outgoing).toEqual([request]);
    expect(await spammer.ok('send-friend-request', { userId: 'henry' })).toEqual(request);
    await settled(henry);
    expect(henry.all('friend-request')).toEqual([]);
    expect(await henry.ok('friend-requests')).toEqual({ incoming: [], outgoing: [] });
    expect(await henry.request('accept-friend-request', { requestId: request.requestId })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND });
    // Henry asking the spammer himself is a request of his own, not an acceptance of the hidden one.
    const own = await app.api.sendFriendRequest({ userId: 'henry', targetId: 'spammer', message: '' });
    expect(own).toMatchObject({ from: { userId: 'henry' }, status: 'pending' });
  });

  it('under the friends message policy only friends write privately: NOT_FRIENDS, nothing stored, groups unaffected', async () => {
    const { app, device } = await world('ivan', 'judy', 'kim');
    await changeAppSettings(server(), app, { messagePolicy: MessagePolicy.FRIENDS });
    await app.api.createGroup({ groupId: 'crew', name: 'Crew', userIds: ['ivan', 'judy'] });
    const ivan = await device('ivan');
    const judy = await device('judy');

    const refused = await ivan.request('send-private-message', { targetId: 'judy', ...text('hello?') });
    expect(refused).toEqual({ status: 0, code: ErrorCode.NOT_FRIENDS, message: 'targetId: user judy accepts private messages from friends only; send a friend request first' });
    await expect(app.api.sendPrivateMessage({ senderUserId: 'judy', targetId: 'ivan', messageType: MessageType.TEXT, content: { content: 'via backend' } })).rejects.toMatchObject({ code: ErrorCode.NOT_FRIENDS, status: 403 });
    expect(await ivan.ok('typing', { conversationType: ConversationType.PRIVATE, targetId: 'judy' })).toBeNull();
    expect(await ivan.ok('send-group-message', { targetId: 'crew', ...text('group still works') })).toMatchObject({ seq: 1 });
    expect(await judy.ok('session-list')).toEqual([expect.objectContaining({ conversationType: ConversationType.GROUP })]);

    expect(await app.api.addFriends({ userId: 'ivan', targetIds: ['judy', 'judy'] })).toEqual({ changed: ['judy'] });
    expect(await ivan.next('friend-added')).toMatchObject({ userId: 'judy' });
    expect(await judy.next('friend-added')).toMatchObject({ userId: 'ivan' });
    expect(await ivan.ok('send-private-message', { targetId: 'judy', ...text('now we are friends') })).toMatchObject({ seq: 1 });
    expect((await judy.next('new-message')).content).toEqual({ content: 'group still works' });

    expect(await judy.ok('remove-friends', { userIds: ['ivan', 'kim'] })).toEqual({ changed: ['ivan'] });
    expect(await ivan.next('friend-removed')).toEqual({ userId: 'judy' });
    expect(await ivan.request('send-private-message', { targetId: 'judy', ...text('still there?') })).toMatchObject({ status: 0, code: ErrorCode.NOT_FRIENDS });
    const history = await app.api.getSessionMessages({ userId: 'judy', targetId: 'ivan', conversationType: ConversationType.PRIVATE });
    expect(history.map((message) => message.content['content'])).toEqual(['now we are friends']);

    // A block behind the friends rule stays invisible: a non-friend hears only NOT_FRIENDS.
    await judy.ok('block-users', { userIds: ['ivan'] });
    expect(await ivan.request('send-private-message', { targetId: 'judy', ...text('let me in') })).toMatchObject({ status: 0, code: ErrorCode.NOT_FRIENDS });
  });

  it('remarks and friend groups are the user\'s own, synced to their other devices', async () => {
    const { app, device } = await world('lena', 'mike', 'nina');
    await app.api.addFriends({ userId: 'lena', targetIds: ['mike', 'nina'] });
    const lena = await device('lena');
    const lenaTablet = await device('lena');
    const mike = await device('mike');

    const family = await lena.ok('create-friend-group', { name: '  Family ' });
    expect(family).toMatchObject({ name: 'Family', order: 0 });
    const work = await lena.ok('create-friend-group', { name: 'Work' });
    expect(work.order).toBe(1);
    expect((await lenaTablet.next('friend-groups-changed')).friendGroups.map((group) => group.name)).toEqual(['Family']);

    const moved = await lena.ok('update-friend', { userId: 'mike', remark: 'Mikey', friendGroupId: family.friendGroupId });
    expect(moved).toMatchObject({ userId: 'mike', name: 'MIKE', remark: 'Mikey', friendGroupId: family.friendGroupId });
    expect(await lenaTablet.next('friend-updated')).toEqual(moved);
    // Mike's side is his own: no remark, no group, and no push.
    expect((await mike.ok('contact-list')).friends).toEqual([expect.objectContaining({ userId: 'lena', remark: '', friendGroupId: null })]);
    await settled(mike);
    expect(mike.all('friend-updated')).toEqual([]);

    expect((await lena.ok('sort-friend-groups', { friendGroupIds: [work.friendGroupId] })).map((group) => group.name)).toEqual(['Work', 'Family']);
    // Over REST `none` (a form body has no null) takes the friend out of any group.
    expect(await app.api.updateFriend({ userId: 'lena', friendId: 'nina', friendGroupId: work.friendGroupId })).toMatchObject({ friendGroupId: work.friendGroupId });
    expect(await app.api.updateFriend({ userId: 'lena', friendId: 'nina', friendGroupId: 'none' })).toMatchObject({ friendGroupId: null, remark: '' });
    const renamed = await app.api.renameFriendGroup({ userId: 'lena', friendGroupId: family.friendGroupId, name: 'Home' });
    expect(renamed).toMatchObject({ name: 'Home', order: 1 });
    expect(await lena.ok('delete-friend-group', { friendGroupId: family.friendGroupId })).toBeNull();
    const list = await lena.ok('contact-list');
    expect(list.friendGroups.map((group) => group.name)).toEqual(['Work']);
    expect(list.friends.map((friend) => [friend.userId, friend.remark, friend.friendGroupId])).toEqual([
      ['mike', 'Mikey', null],
      ['nina', '', null],
    ]);

    expect(await lena.request('update-friend', { userId: 'nobody', remark: 'x' })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^friendId: /) });
    expect(await lena.request('update-friend', { userId: 'mike', friendGroupId: family.friendGroupId })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^friendGroupId: /) });
    expect(await lena.request('update-friend', { userId: 'mike', remark: 'x'.repeat(65) })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS, message: expect.stringMatching(/^remark: /) });
    expect(await lena.request('create-friend-group', { name: '   ' })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS });
  });

  it('a device that was offline finds the requests made and answered meanwhile', async () => {
    const { app, device } = await world('olga', 'paul');
    const sent: FriendRequest = await app.api.sendFriendRequest({ userId: 'olga', targetId: 'paul', message: 'hi' });
    await app.api.acceptFriendRequest({ userId: 'paul', requestId: sent.requestId });
    const olga = await device('olga');
    expect((await olga.ok('friend-requests')).outgoing).toEqual([expect.objectContaining({ requestId: sent.requestId, status: 'accepted' })]);
    expect((await olga.ok('contact-list')).friends.map((friend) => friend.userId)).toEqual(['paul']);
    // A friend is in the presence scope and watched from connect: Paul coming online is pushed.
    const paul = await device('paul');
    expect(await olga.next('presence')).toMatchObject({ userId: 'paul', online: true });
    paul.close();
  });

  it('refuses befriending oneself or unknown users, and says which field is wrong', async () => {
    const { app, device } = await world('quinn');
    const quinn = await device('quinn');
    expect(await quinn.request('send-friend-request', { userId: 'quinn' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await quinn.request('send-friend-request', { userId: 'ghost' })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^targetId: user ghost does not exist/) });
    expect(await quinn.request('send-friend-request', { userId: 'ghost', message: 'x'.repeat(201) })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS, message: expect.stringMatching(/^message: /) });
    await expect(app.api.addFriends({ userId: 'quinn', targetIds: ['quinn'] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(app.api.addFriends({ userId: 'quinn', targetIds: ['ghost', 'phantom'] })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/^targetIds: users ghost, phantom do not exist/) });
    expect(await quinn.ok('remove-friends', { userIds: ['quinn', 'ghost'] })).toEqual({ changed: [] });
  });
});
