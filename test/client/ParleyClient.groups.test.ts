import { ErrorCode, GroupEventKind, GroupJoinPolicy, MessageType, ParleyError, type GroupEventContent, type JoinRequest, type Message } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlakyNetwork } from '../support/flaky-network.js';
import { collect, eventually, nextEvent, startChatWorld, text, type ChatWorld } from '../support/parley.js';

let world: ChatWorld;
let network: FlakyNetwork | undefined;
beforeAll(async () => {
  world = await startChatWorld(['olga', 'adam', 'mia', 'sam']);
});
afterEach(async () => {
  world.closeClients();
  await network?.close();
  network = undefined;
});
afterAll(() => world.close());

const eventsOf = (messages: readonly Message[]) =>
  messages.filter((m) => m.recall === null && m.messageType === MessageType.GROUP_EVENT).map((m) => (m.content as GroupEventContent).event);

describe('ParleyClient groups', () => {
  it('an owner and an admin run a group; a member offline through it all sees every event in order after reconnecting', async () => {
    const { api } = world.app;
    await api.createGroup({ groupId: 'club', userIds: ['olga', 'adam', 'mia'], name: 'Club' });
    const olga = await world.connected('olga');
    const adam = await world.connected('adam');
    network = await FlakyNetwork.start(world.t.url);
    const mia = await world.connected('mia', { url: network.url });
    const heard = collect(mia, 'new-message');

    await olga.groups.addAdmins('club', ['adam']);
    await eventually(() => heard.length === 1, 5000, 'the role-changed event on mia');
    network.cut();
    await eventually(() => mia.state === 'reconnecting');

    // While Mia is away: an announcement, Sam joins, Mia is muted for ten minutes, Sam leaves.
    const group = await adam.groups.update('club', { announcement: 'Friday at 7' });
    expect(group.announcement).toMatchObject({ text: 'Friday at 7', by: 'adam' });
    await api.joinGroup({ groupId: 'club', userIds: ['sam'] });
    const muted = await adam.groups.mute('club', ['mia'], 600);
    expect(muted.changed).toEqual(['mia']);
    const sam = await world.connected('sam');
    await sam.groups.leave('club');

    network.restore();
    await eventually(() => heard.length === 5, 10_000, 'the missed events on mia');
    expect(eventsOf(heard)).toEqual([
      GroupEventKind.ROLE_CHANGED,
      GroupEventKind.ANNOUNCEMENT_CHANGED,
      GroupEventKind.JOINED,
      GroupEventKind.MUTED,
      GroupEventKind.LEFT,
    ]);
    expect(heard.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);

    // Muted: the send is refused at once, not retried, and says until when.
    const refusal = await mia.sendGroupMessage({ targetId: 'club', ...text('hello?') }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ParleyError);
    expect(refusal).toMatchObject({ code: ErrorCode.MUTED, retryable: false, mutedUntil: (heard[3]!.content as GroupEventContent).mutedUntil });
    const [me] = (await mia.groups.members('club')).filter((member) => member.userId === 'mia');
    expect(me?.mutedUntil).toBe((heard[3]!.content as GroupEventContent).mutedUntil);

    // History says the same, and the session list shows the newest event.
    const session = (await mia.getSessions()).find((s) => s.targetId === 'club')!;
    expect(session.lastMsg).toMatchObject({ messageType: MessageType.GROUP_EVENT, content: 'SAM left the group' });
    expect(eventsOf((await mia.getMessages(session.sid, { limit: 50 })).reverse())).toEqual(eventsOf(heard));
  });

  it('nicknames name senders in the group, and an admin cannot outrank the owner', async () => {
    const { api } = world.app;
    await api.createGroup({ groupId: 'crew', userIds: ['olga', 'adam', 'mia'], name: 'Crew' });
    await api.addGroupAdmins({ groupId: 'crew', userIds: ['adam'] });
    const adam = await world.connected('adam');
    const mia = await world.connected('mia');
    expect(await mia.groups.setNickname('crew', 'Mimi')).toMatchObject({ nickname: 'Mimi' });
    const received = new Promise<Message>((resolve) => adam.on('new-message', (message) => message.messageType === MessageType.TEXT && resolve(message)));
    await mia.sendGroupMessage({ targetId: 'crew', ...text('hi all') });
    expect((await received).sendUser.name).toBe('Mimi');
    await expect(adam.groups.mute('crew', ['olga'], 60)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(adam.groups.removeMembers('crew', ['olga'])).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(mia.groups.update('crew', { mutedAll: true })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(await adam.groups.update('crew', { mutedAll: true })).toMatchObject({ mutedAll: true });
    await expect(mia.sendGroupMessage({ targetId: 'crew', ...text('still me') })).rejects.toMatchObject({ code: ErrorCode.MUTED, mutedUntil: undefined });
    expect((await adam.groups.info('crew')).mutedAll).toBe(true);
  });

  it('a user asks to join a group that needs approval; an admin is told, approves, and the user is told and can write', async () => {
    const { api } = world.app;
    await api.createGroup({ groupId: 'readers', userIds: ['olga', 'adam'], name: 'Readers', joinPolicy: GroupJoinPolicy.APPROVAL });
    await api.addGroupAdmins({ groupId: 'readers', userIds: ['adam'] });
    const adam = await world.connected('adam');
    const sam = await world.connected('sam');
    const told = nextEvent(adam, 'group-join-request');
    const { joined, request } = await sam.groups.join('readers', 'May I?');
    expect(joined).toBe(false);
    expect(await told).toEqual(request);
    expect((await adam.groups.joinRequests('readers')).map((r: JoinRequest) => r.user.userId)).toEqual(['sam']);

    const answered = nextEvent(sam, 'group-join-request-answered');
    const approved = await adam.groups.answerJoinRequest(request!.requestId, true);
    expect(await answered).toEqual(approved);
    expect(approved.status).toBe('approved');
    expect((await sam.sendGroupMessage({ targetId: 'readers', ...text('thanks!') })).seq).toBe(3);
    await expect(sam.groups.invite('readers', ['mia'])).resolves.toMatchObject({ added: [], requested: ['mia'] });
  });

  it('do not disturb is set on one device, told to the others and shown in the session list', async () => {
    await world.app.api.createGroup({ groupId: 'quiet', userIds: ['olga', 'mia'], name: 'Quiet' });
    const phone = await world.connected('mia');
    const laptop = await world.connected('mia');
    const { sid } = (await phone.getSessions()).find((s) => s.targetId === 'quiet')!;
    const told = nextEvent(laptop, 'session-do-not-disturb');
    expect(await phone.setDoNotDisturb(sid, true)).toEqual({ sid, conversationType: 2, targetId: 'quiet', doNotDisturb: true });
    expect(await told).toMatchObject({ sid, doNotDisturb: true });
    expect((await laptop.getSessions()).find((s) => s.sid === sid)?.doNotDisturb).toBe(true);
  });

  it('a member away while removed from one group and another is dismissed finds both ended on reconnecting, with the events that say so', async () => {
    const { api } = world.app;
    await api.createGroup({ groupId: 'out', userIds: ['olga', 'sam'], name: 'Out' });
    await api.createGroup({ groupId: 'gone', userIds: ['olga', 'sam'], name: 'Gone' });
    network = await FlakyNetwork.start(world.t.url);
    const sam = await world.connected('sam', { url: network.url });
    const heard = collect(sam, 'new-message');
    const errors = collect(sam, 'error');
    network.cut();
    await eventually(() => sam.state === 'reconnecting');

    const olga = await world.connected('olga');
    await olga.sendGroupMessage({ targetId: 'out', ...text('before you go') });
    await olga.groups.removeMembers('out', ['sam']);
    await olga.sendGroupMessage({ targetId: 'out', ...text('not for sam') });
    await olga.groups.dismiss('gone');

    network.restore();
    await eventually(() => heard.length === 3, 10_000, 'what sam missed');
    // In order within each conversation (the conversations are caught up side by side).
    const said = (targetId: string) => heard.filter((m) => m.targetId === targetId).map((m) => m.content['content']);
    expect(said('out')).toEqual(['before you go', 'OLGA removed SAM']);
    expect(said('gone')).toEqual(['OLGA dismissed the group']);
    const sessions = await sam.getSessions();
    // (Sam's earlier group, which Sam left, is ended too.)
    const these = sessions.filter((s) => s.targetId === 'out' || s.targetId === 'gone');
    expect(these.map((s) => [s.targetId, s.ended, s.lastMsg?.content]).sort()).toEqual([
      ['gone', true, 'OLGA dismissed the group'],
      ['out', true, 'OLGA removed SAM'],
    ]);
    const out = sessions.find((s) => s.targetId === 'out')!;
    expect((await sam.getMessages(out.sid)).map((m) => m.content['content'])).toEqual(['OLGA removed SAM', 'before you go']);
    await expect(sam.sendGroupMessage({ targetId: 'out', ...text('let me back') })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(errors).toEqual([]);
  });
});
