import { ErrorCode, GroupJoinPolicy, MessageType, type GroupEventContent, type JoinRequest } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { connectDevice, settled, type RawDevice } from './support/devices.js';
import { serverOnAdapter, storeAdapters } from './support/stores.js';
import { createApp, createUsers, type TestApp } from './support/test-server.js';

/** Joining by a group's policy through both transports, on every store adapter. */
describe.each(storeAdapters())('joining groups on the $name store', (adapter) => {
  const { server, track } = serverOnAdapter(adapter);

  /** A fresh app: `owner` owns `g` (policy `joinPolicy`) with admin `admin` and member `member`; `erin` and `finn` are outside. */
  async function world(joinPolicy: GroupJoinPolicy): Promise<{ app: TestApp; device: (userId: string) => Promise<RawDevice> }> {
    const app = await createApp(server());
    const tokens = await createUsers(app, 'owner', 'admin', 'member', 'erin', 'finn');
    await app.api.createGroup({ groupId: 'g', userIds: ['owner', 'admin', 'member'], name: 'Club', joinPolicy });
    await app.api.addGroupAdmins({ groupId: 'g', userIds: ['admin'] });
    const device = async (userId: string) => track(await connectDevice(server(), app.appId, tokens[userId]!));
    return { app, device };
  }

  it('free: anyone joins by themselves and any member invites; the history says who joined', async () => {
    const { app, device } = await world(GroupJoinPolicy.FREE);
    const erin = await device('erin');
    const member = await device('member');
    expect(await erin.ok('join-group', { groupId: 'g' })).toEqual({ groupId: 'g', joined: true, request: null });
    expect((await member.next('new-message')).content).toMatchObject({ event: 'joined', operatorId: 'erin', userIds: ['erin'], content: 'ERIN joined the group' });
    expect(await member.ok('invite-to-group', { groupId: 'g', userIds: ['finn', 'erin'] })).toEqual({ groupId: 'g', added: ['finn'], requested: [], memberCount: 5 });
    expect((await member.next('new-message')).content).toMatchObject({ event: 'joined', operatorId: 'member', userIds: ['finn'], content: 'MEMBER added FINN' });
    // Joining again changes nothing.
    expect(await erin.ok('join-group', { groupId: 'g' })).toMatchObject({ joined: true });
    expect((await app.api.getGroupInfo({ groupId: 'g' })).memberCount).toBe(5);
  });

  it('invite: nobody asks to join; members invite and their guests are added at once', async () => {
    const { device } = await world(GroupJoinPolicy.INVITE);
    const erin = await device('erin');
    expect(await erin.request('join-group', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN, message: 'groupId: group g takes members by invitation only' });
    expect(await erin.request('invite-to-group', { groupId: 'g', userIds: ['finn'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    const member = await device('member');
    expect(await member.ok('invite-to-group', { groupId: 'g', userIds: ['erin'] })).toMatchObject({ added: ['erin'], requested: [] });
    expect(await member.request('invite-to-group', { groupId: 'g', userIds: ['nobody'] })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND });
  });

  it('the backend invites, removes and dismisses as a member (operatorId), under that member\'s rules, and the events name them', async () => {
    const { app, device } = await world(GroupJoinPolicy.APPROVAL);
    const owner = await device('owner');
    // An ordinary member's invitation into an approval group waits for the owner and admins.
    expect(await app.api.inviteToGroup({ groupId: 'g', operatorId: 'member', userIds: ['erin'] })).toEqual({ groupId: 'g', added: [], requested: ['erin'], memberCount: 3 });
    expect(await owner.next('group-join-request')).toMatchObject({ user: { userId: 'erin' }, inviter: { userId: 'member' } });
    // An admin's is a join, named after them.
    expect(await app.api.inviteToGroup({ groupId: 'g', operatorId: 'admin', userIds: ['finn'] })).toMatchObject({ added: ['finn'], requested: [] });
    expect((await owner.next('new-message')).content).toMatchObject({ event: 'joined', operatorId: 'admin', userIds: ['finn'] });
    await expect(app.api.inviteToGroup({ groupId: 'g', operatorId: 'erin', userIds: ['finn'] })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      message: 'operatorId: user erin is not a member of group g',
    });

    // Removing: an admin may not remove the owner; may remove an ordinary member.
    await expect(app.api.removeGroupMembers({ groupId: 'g', operatorId: 'admin', userIds: ['owner'] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(app.api.removeGroupMembers({ groupId: 'g', operatorId: 'member', userIds: ['finn'] })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(await app.api.removeGroupMembers({ groupId: 'g', operatorId: 'admin', userIds: ['finn'] })).toMatchObject({ changed: ['finn'] });
    expect((await owner.next('new-message')).content).toMatchObject({ event: 'removed', operatorId: 'admin', userIds: ['finn'], content: 'ADMIN removed FINN' });

    // Dismissing: only the owner.
    await expect(app.api.dismissGroup({ groupId: 'g', operatorId: 'admin' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect((await app.api.getGroupInfo({ groupId: 'g' })).memberCount).toBe(3);
    await app.api.dismissGroup({ groupId: 'g', operatorId: 'owner' });
    expect((await owner.next('new-message')).content).toMatchObject({ event: 'dismissed', operatorId: 'owner' });
    await expect(app.api.getGroupInfo({ groupId: 'g' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('pending requests are read a page at a time by the owner and admins, and by each user their own', async () => {
    const { app, device } = await world(GroupJoinPolicy.APPROVAL);
    const extra = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const tokens = await createUsers(app, ...extra);
    for (const userId of extra) {
      const asker = await connectDevice(server(), app.appId, tokens[userId]!);
      await asker.ok('join-group', { groupId: 'g' });
      asker.close();
    }
    const admin = await device('admin');
    const users = (requests: JoinRequest[]) => requests.map((request) => request.user.userId);
    expect(users(await admin.ok('group-join-requests', { groupId: 'g', limit: 2 }))).toEqual(['u1', 'u2']);
    expect(users(await admin.ok('group-join-requests', { groupId: 'g', offset: 2, limit: 2 }))).toEqual(['u3', 'u4']);
    expect(users(await admin.ok('group-join-requests', { groupId: 'g', offset: 4 }))).toEqual(['u5']);
    expect(users(await app.api.getGroupJoinRequests({ groupId: 'g', offset: 1, limit: 3 }))).toEqual(['u2', 'u3', 'u4']);
    expect(await admin.request('group-join-requests', { groupId: 'g', limit: 101 })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS });

    // Each user sees what of theirs is still undecided: asked, or invited by an ordinary member.
    const member = await device('member');
    await member.ok('invite-to-group', { groupId: 'g', userIds: ['erin'] });
    const erin = await device('erin');
    expect(await erin.ok('my-join-requests')).toMatchObject([{ groupId: 'g', user: { userId: 'erin' }, inviter: { userId: 'member' }, status: 'pending' }]);
    const [u1Request] = await app.api.getUserJoinRequests({ userId: 'u1' });
    expect(u1Request).toMatchObject({ groupId: 'g', user: { userId: 'u1' }, inviter: null });
    await admin.ok('answer-join-request', { requestId: u1Request!.requestId, approve: false });
    expect(await app.api.getUserJoinRequests({ userId: 'u1' })).toEqual([]);
    expect(await admin.ok('my-join-requests')).toEqual([]);
    await expect(app.api.getUserJoinRequests({ userId: 'nobody' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('approval: a request reaches the owner and admins, an admin approves it, and the user is told and added', async () => {
    const { app, device } = await world(GroupJoinPolicy.APPROVAL);
    const owner = await device('owner');
    const admin = await device('admin');
    const member = await device('member');
    const erin = await device('erin');

    const asked = await erin.ok('join-group', { groupId: 'g', message: 'Hi, I like books' });
    expect(asked).toMatchObject({ groupId: 'g', joined: false, request: { groupId: 'g', user: { userId: 'erin', name: 'ERIN' }, inviter: null, message: 'Hi, I like books', status: 'pending' } });
    const request = asked.request!;
    expect(await owner.next('group-join-request')).toEqual(request);
    expect(await admin.next('group-join-request')).toEqual(request);
    await settled(member);
    expect(member.all('group-join-request')).toEqual([]);
    // Asking again answers the same request, without telling anyone twice.
    expect((await erin.ok('join-group', { groupId: 'g' })).request).toEqual(request);
    // Still outside: no history, no sending.
    expect(await erin.request('group-info', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });

    // Only the owner and admins see and answer requests.
    expect(await member.request('group-join-requests', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await member.request('answer-join-request', { requestId: request.requestId, approve: true })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.ok('group-join-requests', { groupId: 'g' })).toEqual([request]);
    expect(await app.api.getGroupJoinRequests({ groupId: 'g' })).toEqual([request]);

    const approved = await admin.ok('answer-join-request', { requestId: request.requestId, approve: true });
    expect(approved).toMatchObject({ requestId: request.requestId, status: 'approved', decidedBy: 'admin', decidedAt: expect.any(Number) });
    expect(await erin.next('group-join-request-answered')).toEqual(approved);
    expect(await owner.next('group-join-request-answered')).toEqual(approved);
    const joined = await erin.next('new-message');
    expect(joined).toMatchObject({ messageType: MessageType.GROUP_EVENT, content: { event: 'joined', operatorId: 'admin', userIds: ['erin'], requestId: request.requestId, content: "ADMIN approved ERIN's request to join" } });
    expect(await erin.ok('group-info', { groupId: 'g' })).toMatchObject({ memberCount: 4 });
    expect(await owner.ok('group-join-requests', { groupId: 'g' })).toEqual([]);
    // Answering again the same way answers the same; the other way is a conflict.
    expect(await owner.ok('answer-join-request', { requestId: request.requestId, approve: true })).toEqual(approved);
    expect(await owner.request('answer-join-request', { requestId: request.requestId, approve: false })).toMatchObject({ status: 0, code: ErrorCode.CONFLICT });
  });

  it('approval: a rejected user may ask again; an ordinary member\'s invitation waits for approval, an admin\'s does not', async () => {
    const { app, device } = await world(GroupJoinPolicy.APPROVAL);
    const member = await device('member');
    const finn = await device('finn');
    const first = (await finn.ok('join-group', { groupId: 'g' })).request!;
    const rejected = await app.api.rejectJoinRequest({ requestId: first.requestId });
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: null });
    expect(await finn.next('group-join-request-answered')).toEqual(rejected);
    const second = (await finn.ok('join-group', { groupId: 'g' })).request!;
    expect(second.requestId).not.toBe(first.requestId);

    const invited = await member.ok('invite-to-group', { groupId: 'g', userIds: ['erin'] });
    expect(invited).toMatchObject({ added: [], requested: ['erin'], memberCount: 3 });
    const pending: JoinRequest[] = await app.api.getGroupJoinRequests({ groupId: 'g', operatorId: 'owner' });
    expect(pending.map((r) => [r.user.userId, r.inviter?.userId ?? null])).toEqual([
      ['finn', null],
      ['erin', 'member'],
    ]);
    await expect(app.api.getGroupJoinRequests({ groupId: 'g', operatorId: 'member' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    const erinsInvitation = pending[1]!;
    expect(await app.api.approveJoinRequest({ requestId: erinsInvitation.requestId, operatorId: 'owner' })).toMatchObject({ status: 'approved', decidedBy: 'owner' });
    // The inviter hears of the outcome too.
    expect(await member.next('group-join-request-answered')).toMatchObject({ requestId: erinsInvitation.requestId, status: 'approved' });

    const admin = await device('admin');
    expect(await admin.ok('invite-to-group', { groupId: 'g', userIds: ['finn'] })).toMatchObject({ added: ['finn'], requested: [] });
    // Finn's own request no longer waits: the invitation decided it, by the admin who invited him.
    expect((await admin.ok('group-join-requests', { groupId: 'g' })).map((request) => request.user.userId)).not.toContain('finn');
    expect(await admin.ok('answer-join-request', { requestId: second.requestId, approve: true })).toMatchObject({ status: 'approved', decidedBy: 'admin' });
    const page = (await app.api.getSessionMessages({ userId: 'owner', conversationType: 2, targetId: 'g', limit: 100 })).reverse();
    expect(page.map((m) => (m.content as GroupEventContent).event)).toEqual(['role-changed', 'joined', 'joined']);
    // A dismissed group takes its requests with it.
    await finn.ok('leave-group', { groupId: 'g' });
    const again = (await finn.ok('join-group', { groupId: 'g' })).request!;
    await app.api.dismissGroup({ groupId: 'g' });
    await expect(app.api.approveJoinRequest({ requestId: again.requestId })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });
});
