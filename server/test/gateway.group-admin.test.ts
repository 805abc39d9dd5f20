import { ErrorCode, GroupEventKind, GroupRole, MessageType, type GroupEventContent, type Message } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { connectDevice, settled, text, type RawDevice } from './support/devices.js';
import { serverOnAdapter, storeAdapters } from './support/stores.js';
import { createApp, createUsers, type TestApp } from './support/test-server.js';

/** The group events of a history page or a run of pushes, oldest first: `[event, userIds]`. */
function events(messages: readonly Message[]): [string, string[]][] {
  return messages
    .filter((message) => message.messageType === MessageType.GROUP_EVENT)
    .map((message) => message.content as GroupEventContent)
    .map((content) => [content.event, content.userIds]);
}

/** Roles, mutes, nicknames and group events through both transports, on every store adapter. */
describe.each(storeAdapters())('group administration on the $name store', (adapter) => {
  const { server, track } = serverOnAdapter(adapter);

  /** A fresh app with `owner`, `admin`, `member`, `other` in a group `g` owned by `owner`. */
  async function world(): Promise<{ app: TestApp; device: (userId: string) => Promise<RawDevice> }> {
    const app = await createApp(server());
    const tokens = await createUsers(app, 'owner', 'admin', 'member', 'other', 'outsider');
    await app.api.createGroup({ groupId: 'g', userIds: ['owner', 'admin', 'member', 'other'], name: 'Club' });
    await app.api.addGroupAdmins({ groupId: 'g', userIds: ['admin'] });
    const device = async (userId: string) => track(await connectDevice(server(), app.appId, tokens[userId]!));
    return { app, device };
  }

  it('the owner and admins run the group; ordinary members and outsiders are refused', async () => {
    const { app, device } = await world();
    const owner = await device('owner');
    const admin = await device('admin');
    const member = await device('member');
    const outsider = await device('outsider');

    const updated = await admin.ok('update-group', { groupId: 'g', name: 'Book club', description: 'One book a month', announcement: 'Friday at 7' });
    expect(updated).toMatchObject({ name: 'Book club', description: 'One book a month', announcement: { text: 'Friday at 7', by: 'admin' }, mutedAll: false, joinPolicy: 'invite' });
    // The announcement carries the seq of its event, so "read" is one comparison with readSeq.
    const pushed = [await member.next('new-message'), await member.next('new-message')];
    const announced = pushed.find((event) => event.messageType === MessageType.GROUP_EVENT && (event.content as GroupEventContent).event === GroupEventKind.ANNOUNCEMENT_CHANGED)!;
    expect(updated.announcement?.seq).toBe(announced.seq);
    const [memberSession] = (await member.ok('session-list')).filter((one) => one.targetId === 'g');
    expect(memberSession!.readSeq).toBeLessThan(announced.seq);
    expect(await member.ok('group-info', { groupId: 'g' })).toEqual(updated);
    expect(await member.request('update-group', { groupId: 'g', name: 'Mine' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await outsider.request('group-info', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await outsider.request('update-group', { groupId: 'g', name: 'Mine' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await admin.request('update-group', { groupId: 'g', joinPolicy: 'anyone' })).toMatchObject({ status: 0, code: ErrorCode.INVALID_PARAMS });
    expect(await admin.ok('update-group', { groupId: 'g' })).toEqual(updated);

    // Only the owner names admins; nobody makes the owner an admin.
    expect(await admin.request('add-group-admins', { groupId: 'g', userIds: ['member'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.request('add-group-admins', { groupId: 'g', userIds: ['owner'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.request('add-group-admins', { groupId: 'g', userIds: ['outsider'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.ok('add-group-admins', { groupId: 'g', userIds: ['admin', 'member'] })).toMatchObject({ changed: ['member'] });
    expect(await owner.ok('remove-group-admins', { groupId: 'g', userIds: ['member'] })).toMatchObject({ changed: ['member'] });

    // An admin removes ordinary members, never the owner or another admin; a member removes nobody.
    expect(await admin.request('remove-group-members', { groupId: 'g', userIds: ['owner'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    await owner.ok('add-group-admins', { groupId: 'g', userIds: ['other'] });
    expect(await admin.request('remove-group-members', { groupId: 'g', userIds: ['other'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await member.request('remove-group-members', { groupId: 'g', userIds: ['other'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await admin.request('remove-group-members', { groupId: 'g', userIds: ['admin'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await admin.ok('remove-group-members', { groupId: 'g', userIds: ['member'] })).toMatchObject({ changed: ['member'], memberCount: 3 });
    expect(await owner.ok('remove-group-members', { groupId: 'g', userIds: ['other'] })).toMatchObject({ changed: ['other'], memberCount: 2 });

    // Ownership passes on; the owner before is an ordinary member, and may no longer name admins.
    expect(await owner.request('transfer-group', { groupId: 'g', ownerId: 'outsider' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.ok('transfer-group', { groupId: 'g', ownerId: 'admin' })).toMatchObject({ ownerId: 'admin' });
    const roles = (await app.api.getGroupMembers({ groupId: 'g' })).map((m) => [m.userId, m.role]);
    expect(roles).toEqual([
      ['owner', GroupRole.MEMBER],
      ['admin', GroupRole.OWNER],
    ]);
    expect(await owner.request('add-group-admins', { groupId: 'g', userIds: ['admin'] })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });

    // Everything that changed is in the history, in order, each with its own seq.
    const session = (await owner.ok('session-list')).find((s) => s.targetId === 'g')!;
    const history = (await owner.ok('session-message-list', { sid: session.sid, limit: 100 })).reverse();
    expect(events(history)).toEqual([
      [GroupEventKind.ROLE_CHANGED, ['admin']],
      [GroupEventKind.INFO_CHANGED, []],
      [GroupEventKind.ANNOUNCEMENT_CHANGED, []],
      [GroupEventKind.ROLE_CHANGED, ['member']],
      [GroupEventKind.ROLE_CHANGED, ['member']],
      [GroupEventKind.ROLE_CHANGED, ['other']],
      [GroupEventKind.REMOVED, ['member']],
      [GroupEventKind.REMOVED, ['other']],
      [GroupEventKind.OWNER_CHANGED, []],
    ]);
    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history[0]).toMatchObject({ senderUserId: '', content: { operatorId: null, content: 'ADMIN is an admin now' } });
    expect(history[1]).toMatchObject({ senderUserId: 'admin', sendUser: { name: 'ADMIN' }, content: { name: 'Book club', description: 'One book a month', content: "ADMIN changed the group's name to Book club and description" } });
    expect(history.at(-1)!.content).toMatchObject({ operatorId: 'owner', ownerId: 'admin', previousOwnerId: 'owner', content: 'ADMIN is the owner now' });
    expect(session.lastMsg).toMatchObject({ messageType: MessageType.GROUP_EVENT, content: 'ADMIN is the owner now' });
    // The operator read what they did; the others have it unread.
    expect(session.unread).toBe(0);
    expect((await app.api.getUserSessions({ userId: 'admin' })).find((s) => s.targetId === 'g')!.unread).toBeGreaterThan(0);

    // A removed member heard of it on their device, then nothing more.
    const removed = await device('member');
    expect(await removed.request('group-info', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
  });

  it('pushes each event to every member as a new message, and to the member who was removed', async () => {
    const { device } = await world();
    const admin = await device('admin');
    const member = await device('member');
    const other = await device('other');
    await admin.ok('remove-group-members', { groupId: 'g', userIds: ['member'] });
    const pushed = await other.next('new-message');
    expect(pushed).toMatchObject({ messageType: MessageType.GROUP_EVENT, targetId: 'g', content: { event: 'removed', operatorId: 'admin', userIds: ['member'], content: 'ADMIN removed MEMBER' } });
    expect(await member.next('new-message')).toEqual(pushed);
    // The operator's devices get it too: their request answered the change, not the message.
    expect(await admin.next('new-message')).toEqual(pushed);
    // Group events are the server's: nobody sends one, nobody recalls one.
    expect(await admin.request('send-group-message', { targetId: 'g', messageType: MessageType.GROUP_EVENT, content: { event: 'joined', operatorId: null, userIds: [], content: 'x' } })).toMatchObject({
      status: 0,
      code: ErrorCode.INVALID_PARAMS,
    });
    expect(await admin.request('recall-message', { msgId: pushed.msgId })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
  });

  it('the owner leaving hands the group to the earliest admin, then the earliest member; the last one out dismisses it', async () => {
    const { app, device } = await world();
    const member = await device('member');
    const owner = await device('owner');
    expect(await owner.ok('leave-group', { groupId: 'g' })).toMatchObject({ changed: ['owner'], ownerId: 'admin', memberCount: 3 });
    const left = await member.next('new-message');
    const handed = await member.next('new-message');
    expect([left.content, handed.content]).toMatchObject([
      { event: 'left', operatorId: 'owner', userIds: ['owner'], content: 'OWNER left the group' },
      { event: 'owner-changed', operatorId: null, ownerId: 'admin', previousOwnerId: 'owner' },
    ]);
    expect(handed.seq).toBe(left.seq + 1);
    await app.api.removeGroupMembers({ groupId: 'g', userIds: ['admin'] });
    expect((await app.api.getGroupInfo({ groupId: 'g' })).ownerId).toBe('member');
    await app.api.removeGroupMembers({ groupId: 'g', userIds: ['other'] });
    expect(await member.ok('leave-group', { groupId: 'g' })).toMatchObject({ dismissed: true, memberCount: 0, ownerId: null });
    await expect(app.api.getGroupInfo({ groupId: 'g' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('only the owner dismisses a group from a device; members online hear it, and one offline finds it on connecting', async () => {
    const { app, device } = await world();
    const admin = await device('admin');
    const owner = await device('owner');
    await owner.ok('send-group-message', { targetId: 'g', ...text('last words') });
    expect((await admin.next('new-message')).content).toEqual({ content: 'last words' });
    expect(await admin.request('dismiss-group', { groupId: 'g' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await owner.ok('dismiss-group', { groupId: 'g' })).toBeNull();
    const pushed = await admin.next('new-message');
    expect(pushed.content).toMatchObject({ event: 'dismissed', operatorId: 'owner', content: 'OWNER dismissed the group' });
    await expect(app.api.getGroupInfo({ groupId: 'g' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    // A member who was offline connects: the group is in the list, ended at the dismissal, and
    // its history (by sid, and by seq after what the device had) reads up to it.
    const member = await device('member');
    const session = (await member.ok('session-list')).find((one) => one.targetId === 'g')!;
    expect(session).toMatchObject({ ended: true, lastSeq: pushed.seq, lastMsg: { msgId: pushed.msgId, content: 'OWNER dismissed the group' } });
    expect((await member.ok('session-message-list', { sid: session.sid })).map((message) => message.msgId)[0]).toBe(pushed.msgId);
    const missed = await member.ok('sync-messages', { conversationType: 2, targetId: 'g', afterSeq: pushed.seq - 2 });
    expect(missed.map((message) => message.content['content'])).toEqual(['last words', 'OWNER dismissed the group']);
    expect(await member.ok('sync-messages', { conversationType: 2, targetId: 'g', afterSeq: pushed.seq })).toEqual([]);
    expect(await member.ok('set-session-read', { sid: session.sid })).toMatchObject({ readSeq: pushed.seq, unread: 0 });
    expect(await member.request('send-group-message', { targetId: 'g', ...text('anyone?') })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND });
  });

  it('a member removed while offline finds on connecting that they were removed, and nothing said after it', async () => {
    const { app, device } = await world();
    const owner = await device('owner');
    const removal = await app.api.removeGroupMembers({ groupId: 'g', userIds: ['other'], operatorId: 'admin' });
    expect(removal.changed).toEqual(['other']);
    const event = await owner.next('new-message');
    await owner.ok('send-group-message', { targetId: 'g', ...text('now that they are gone') });

    const other = await device('other');
    const session = (await other.ok('session-list')).find((one) => one.targetId === 'g')!;
    expect(session).toMatchObject({ ended: true, lastSeq: event.seq, lastMsg: { content: 'ADMIN removed OTHER' } });
    const page = await other.ok('session-message-list', { sid: session.sid });
    expect(page[0]!.msgId).toBe(event.msgId);
    expect(page.some((message) => message.content['content'] === 'now that they are gone')).toBe(false);
    expect(await other.ok('sync-messages', { conversationType: 2, targetId: 'g', afterSeq: event.seq - 1, limit: 100 })).toMatchObject([{ msgId: event.msgId }]);
    // No longer a member: nothing more is pushed to them, and they are not told who is online there.
    await owner.ok('send-group-message', { targetId: 'g', ...text('and again') });
    await owner.ok('session-list');
    expect(other.all('new-message')).toEqual([]);
  });

  it('a nickname is the sender name in that group, in pushes and history; only its member or someone above sets it', async () => {
    const { app, device } = await world();
    const member = await device('member');
    const other = await device('other');
    const admin = await device('admin');
    expect(await member.ok('set-group-nickname', { groupId: 'g', nickname: '  Mia  ' })).toMatchObject({ userId: 'member', name: 'MEMBER', nickname: 'Mia' });
    expect(await member.request('set-group-nickname', { groupId: 'g', nickname: 'Boss', userId: 'admin' })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await admin.ok('set-group-nickname', { groupId: 'g', nickname: 'Otto', userId: 'other' })).toMatchObject({ userId: 'other', nickname: 'Otto' });
    // Every member hears of a new name at once, but the device that set it.
    expect(await other.next('group-member-updated')).toMatchObject({ groupId: 'g', member: { userId: 'member', nickname: 'Mia' } });
    expect(await other.next('group-member-updated')).toMatchObject({ groupId: 'g', member: { userId: 'other', nickname: 'Otto' } });
    expect(await member.next('group-member-updated')).toMatchObject({ groupId: 'g', member: { userId: 'other', nickname: 'Otto' } });
    expect(admin.all('group-member-updated').map((event) => event.member.userId)).toEqual(['member']);
    // The same name again changes nothing and tells nobody.
    await member.ok('set-group-nickname', { groupId: 'g', nickname: 'Mia' });

    const sent = await member.ok('send-group-message', { targetId: 'g', ...text('hello') });
    expect(sent.sendUser.name).toBe('Mia');
    expect((await other.next('new-message')).sendUser.name).toBe('Mia');
    const page = await app.api.getSessionMessages({ userId: 'other', conversationType: 2, targetId: 'g' });
    expect(page[0]).toMatchObject({ msgId: sent.msgId, sendUser: { name: 'Mia' } });
    // Elsewhere (a private chat) the user name stays.
    expect((await member.ok('send-private-message', { targetId: 'other', ...text('hi') })).sendUser.name).toBe('MEMBER');
    expect((await app.api.getGroupMembers({ groupId: 'g' })).map((m) => [m.userId, m.nickname])).toEqual([
      ['owner', ''],
      ['admin', ''],
      ['member', 'Mia'],
      ['other', 'Otto'],
    ]);
    expect(other.all('group-member-updated')).toHaveLength(2);
  });

  it('a timed mute refuses sends with MUTED and its end, on both transports, and lapses by itself; mute-all leaves only owner and admins', async () => {
    const { app, device } = await world();
    const admin = await device('admin');
    const member = await device('member');
    const other = await device('other');
    expect(await member.request('mute-group-members', { groupId: 'g', userIds: ['other'], duration: 60 })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });
    expect(await admin.request('mute-group-members', { groupId: 'g', userIds: ['owner'], duration: 60 })).toMatchObject({ status: 0, code: ErrorCode.FORBIDDEN });

    const before = server().clock.now();
    expect(await admin.ok('mute-group-members', { groupId: 'g', userIds: ['member'], duration: 600 })).toMatchObject({ changed: ['member'] });
    const muted = await other.next('new-message');
    expect(muted.content).toMatchObject({ event: 'muted', operatorId: 'admin', userIds: ['member'] });
    const until = (muted.content as GroupEventContent).mutedUntil!;
    expect(until).toBeGreaterThanOrEqual(before + 600_000);

    const refused = await member.request('send-group-message', { targetId: 'g', ...text('let me speak') });
    expect(refused).toMatchObject({ status: 0, code: ErrorCode.MUTED, mutedUntil: until });
    await expect(app.api.sendGroupMessage({ senderUserId: 'member', targetId: 'g', messageType: 1, content: { content: 'via backend' } })).rejects.toMatchObject({
      code: ErrorCode.MUTED,
      status: 403,
      mutedUntil: until,
    });
    expect((await app.api.getGroupMembers({ groupId: 'g' })).find((m) => m.userId === 'member')!.mutedUntil).toBe(until);
    await settled(other);
    expect(other.all('new-message').filter((m) => m.messageType === MessageType.TEXT)).toEqual([]);

    // The mute ends at its time, without anyone lifting it.
    server().clock.advance(600_001);
    await member.ok('send-group-message', { targetId: 'g', ...text('I am back') });
    expect((await app.api.getGroupMembers({ groupId: 'g' })).find((m) => m.userId === 'member')!.mutedUntil).toBeNull();

    // Lifting an active mute is an event; lifting none changes nothing.
    await app.api.muteGroupMembers({ groupId: 'g', userIds: ['other'], duration: 60 });
    expect(await admin.ok('mute-group-members', { groupId: 'g', userIds: ['other', 'member'], duration: 0 })).toMatchObject({ changed: ['other'] });
    await other.ok('send-group-message', { targetId: 'g', ...text('me too') });

    // Mute-all: ordinary members are refused (without an end), the owner and admins still send.
    await admin.ok('update-group', { groupId: 'g', mutedAll: true });
    expect(await other.request('send-group-message', { targetId: 'g', ...text('hello?') })).toEqual({
      status: 0,
      code: ErrorCode.MUTED,
      message: 'senderUserId: group g is muted: only its owner and admins may send',
    });
    await admin.ok('send-group-message', { targetId: 'g', ...text('admins may') });
    await admin.ok('update-group', { groupId: 'g', mutedAll: false });
    await other.ok('send-group-message', { targetId: 'g', ...text('free again') });

    const page = (await app.api.getSessionMessages({ userId: 'owner', conversationType: 2, targetId: 'g', limit: 100 })).reverse();
    expect(events(page).map(([event]) => event)).toEqual(['role-changed', 'muted', 'muted', 'unmuted', 'muted-all', 'muted-all']);
    expect(page.filter((m) => m.messageType === MessageType.TEXT).map((m) => (m.content as { content: string }).content)).toEqual([
      'I am back',
      'me too',
      'admins may',
      'free again',
    ]);
  });

  it('the backend acts as the app, or for a member with operatorId under their role', async () => {
    const { app } = await world();
    await expect(app.api.updateGroup({ groupId: 'g', operatorId: 'member', name: 'Nope' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, status: 403 });
    await expect(app.api.updateGroup({ groupId: 'g', operatorId: 'outsider', name: 'Nope' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(await app.api.updateGroup({ groupId: 'g', operatorId: 'admin', joinPolicy: 'approval' })).toMatchObject({ joinPolicy: 'approval' });
    expect(await app.api.transferGroup({ groupId: 'g', ownerId: 'member' })).toMatchObject({ ownerId: 'member' });
    expect(await app.api.updateGroupMember({ groupId: 'g', userId: 'owner', nickname: 'Founder' })).toMatchObject({ role: GroupRole.MEMBER, nickname: 'Founder' });
    await expect(app.api.muteGroupMembers({ groupId: 'g', userIds: ['member'], duration: 60, operatorId: 'admin' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(await app.api.removeGroupAdmins({ groupId: 'g', userIds: ['admin'] })).toMatchObject({ changed: ['admin'] });
    // Signed requests drop empty fields: text is cleared with `clear`, a nickname by leaving it out.
    const soon = await app.api.updateGroup({ groupId: 'g', announcement: 'Soon', description: 'About' });
    const later = await app.api.updateGroup({ groupId: 'g', announcement: 'Later' });
    expect(later.announcement).toMatchObject({ text: 'Later', by: null, seq: soon.announcement!.seq! + 1 });
    expect(await app.api.updateGroup({ groupId: 'g', announcement: '', clear: ['announcement', 'description'] })).toMatchObject({ announcement: null, description: '' });
    expect(await app.api.updateGroupMember({ groupId: 'g', userId: 'owner' })).toMatchObject({ nickname: 'Founder' });
    expect(await app.api.updateGroupMember({ groupId: 'g', userId: 'owner', clear: ['nickname'] })).toMatchObject({ nickname: '' });
    // A change that changes nothing writes no event.
    const before = (await app.api.getSessionMessages({ userId: 'owner', conversationType: 2, targetId: 'g' })).length;
    await app.api.updateGroup({ groupId: 'g', joinPolicy: 'approval' });
    await app.api.transferGroup({ groupId: 'g', ownerId: 'member' });
    expect((await app.api.getSessionMessages({ userId: 'owner', conversationType: 2, targetId: 'g' })).length).toBe(before);
  });

  it("do not disturb: a member's own flag, shown in their session list and told to their other devices", async () => {
    const { app, device } = await world();
    const phone = await device('member');
    const laptop = await device('member');
    const session = (await phone.ok('session-list')).find((s) => s.targetId === 'g')!;
    expect(session.doNotDisturb).toBe(false);
    expect(await phone.ok('set-do-not-disturb', { sid: session.sid, doNotDisturb: true })).toEqual({ sid: session.sid, conversationType: 2, targetId: 'g', doNotDisturb: true });
    expect(await laptop.next('session-do-not-disturb')).toEqual({ sid: session.sid, conversationType: 2, targetId: 'g', doNotDisturb: true });
    expect((await laptop.ok('session-list')).find((s) => s.targetId === 'g')!.doNotDisturb).toBe(true);
    // Messages still arrive and count.
    await app.api.sendGroupMessage({ senderUserId: 'owner', targetId: 'g', messageType: 1, content: { content: 'quiet please' } });
    expect((await laptop.next('new-message')).content).toMatchObject({ content: 'quiet please' });
    expect((await app.api.getUserSessions({ userId: 'member' })).find((s) => s.targetId === 'g')).toMatchObject({ doNotDisturb: true, unread: 2 });
    // Another's flag is theirs alone, even for the owner; the app may set it.
    await expect(app.api.updateGroupMember({ groupId: 'g', userId: 'member', doNotDisturb: false, operatorId: 'owner' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await app.api.updateGroupMember({ groupId: 'g', userId: 'member', doNotDisturb: false });
    expect(await phone.next('session-do-not-disturb')).toMatchObject({ doNotDisturb: false });
    expect(await phone.request('set-do-not-disturb', { sid: '0'.repeat(24), doNotDisturb: true })).toMatchObject({ status: 0, code: ErrorCode.NOT_FOUND });
  });
});
