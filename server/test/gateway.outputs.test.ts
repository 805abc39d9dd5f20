import type { ClientRequestName, Message, Session } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketPushes } from '../src/realtime/pushes.js';
import { GatewayWorld, text } from './support/devices.js';

let world: GatewayWorld;
beforeAll(async () => {
  world = await GatewayWorld.start(['alice', 'bob', 'carol']);
  await world.app.api.createGroup({ groupId: 'crew', userIds: ['alice', 'bob'], name: 'Crew' });
});
afterAll(() => world.close());

describe('socket declarations', () => {
  it('every request answers data that matches its declared output schema', async () => {
    const alice = await world.device('alice');
    const bob = await world.device('bob');
    // Each successful ack is checked against the declaration by the test device itself.
    const sent: Message = await alice.ok('send-private-message', { targetId: 'bob', ...text('hi') });
    await alice.ok('send-group-message', { targetId: 'crew', ...text('hi crew') });
    const sessions: Session[] = await bob.ok('session-list');
    const sid = sessions.find((s) => s.targetId === 'alice')!.sid;
    await bob.ok('session-message-list', { sid });
    await bob.ok('set-session-read', sid);
    await bob.ok('set-do-not-disturb', { sid, doNotDisturb: true });
    await bob.ok('sync-messages', { conversationType: 1, targetId: 'alice', afterSeq: 0 });
    await alice.ok('recall-message', { msgId: sent.msgId });
    await alice.ok('typing', { conversationType: 2, targetId: 'crew' });
    await alice.ok('presence-query', { userIds: ['bob'] });
    await alice.ok('presence-subscribe', { userIds: ['bob'] });
    await alice.ok('presence-unsubscribe', { userIds: ['bob'] });
    await alice.ok('block-users', { userIds: ['bob'] });
    await alice.ok('block-list');
    await alice.ok('unblock-users', { userIds: ['bob'] });
    const request = await alice.ok('send-friend-request', { userId: 'bob', message: 'hi' });
    await bob.ok('friend-requests');
    await bob.ok('reject-friend-request', { requestId: request.requestId });
    const again = await alice.ok('send-friend-request', { userId: 'bob' });
    await bob.ok('accept-friend-request', { requestId: again.requestId });
    const group = await alice.ok('create-friend-group', { name: 'Crew' });
    await alice.ok('rename-friend-group', { friendGroupId: group.friendGroupId, name: 'Team' });
    await alice.ok('sort-friend-groups', { friendGroupIds: [group.friendGroupId] });
    await alice.ok('update-friend', { userId: 'bob', remark: 'Bobby', friendGroupId: group.friendGroupId });
    await alice.ok('contact-list');
    await alice.ok('delete-friend-group', { friendGroupId: group.friendGroupId });
    await alice.ok('remove-friends', { userIds: ['bob'] });
    await world.app.api.createGroup({ groupId: 'club', userIds: ['alice', 'bob', 'carol'], name: 'Club' });
    await alice.ok('group-info', { groupId: 'club' });
    await alice.ok('group-members', { groupId: 'club', limit: 10 });
    await alice.ok('update-group', { groupId: 'club', announcement: 'Friday', mutedAll: true });
    await alice.ok('add-group-admins', { groupId: 'club', userIds: ['bob'] });
    await alice.ok('remove-group-admins', { groupId: 'club', userIds: ['bob'] });
    await alice.ok('set-group-nickname', { groupId: 'club', nickname: 'Al' });
    await alice.ok('mute-group-members', { groupId: 'club', userIds: ['carol'], duration: 60 });
    await alice.ok('transfer-group', { groupId: 'club', ownerId: 'bob' });
    await bob.ok('remove-group-members', { groupId: 'club', userIds: ['carol'] });
    await alice.ok('leave-group', { groupId: 'club' });
    await bob.ok('dismiss-group', { groupId: 'club' });
    await world.app.api.createGroup({ groupId: 'readers', userIds: ['alice'], name: 'Readers', joinPolicy: 'approval' });
    const carol = await world.device('carol');
    const asked = await carol.ok('join-group', { groupId: 'readers', message: 'hi' });
    await alice.ok('group-join-requests', { groupId: 'readers' });
    expect(await carol.ok('my-join-requests')).toHaveLength(1);
    await alice.ok('answer-join-request', { requestId: asked.request!.requestId, approve: true });
    await alice.ok('invite-to-group', { groupId: 'readers', userIds: ['bob'] });

    const exercised: ClientRequestName[] = [
      'send-private-message',
      'send-group-message',
      'session-list',
      'session-message-list',
      'set-session-read',
      'set-do-not-disturb',
      'sync-messages',
      'recall-message',
      'typing',
      'presence-query',
      'presence-subscribe',
      'presence-unsubscribe',
      'block-users',
      'block-list',
      'unblock-users',
      'send-friend-request',
      'friend-requests',
      'reject-friend-request',
      'accept-friend-request',
      'create-friend-group',
      'rename-friend-group',
      'sort-friend-groups',
      'update-friend',
      'contact-list',
      'delete-friend-group',
      'remove-friends',
      'group-info',
      'group-members',
      'update-group',
      'add-group-admins',
      'remove-group-admins',
      'set-group-nickname',
      'mute-group-members',
      'transfer-group',
      'remove-group-members',
      'leave-group',
      'dismiss-group',
      'join-group',
      'group-join-requests',
      'my-join-requests',
      'answer-join-request',
      'invite-to-group',
    ];
    expect([...world.t.server.realtime.requests.keys()].sort()).toEqual(exercised.sort());
  });

  it('the examples in the reference match the schemas they illustrate', () => {
    for (const request of world.t.server.realtime.requests.values()) {
      if (request.input) expect(request.input.safeParse(request.example.payload).success, `${request.name} payload example`).toBe(true);
      expect(request.output.safeParse(request.example.data).success, `${request.name} ack example`).toBe(true);
    }
    for (const push of socketPushes.values()) expect(push.payload.safeParse(push.example).success, `${push.name} example`).toBe(true);
  });
});
