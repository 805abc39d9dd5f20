import { ConversationType, ErrorCode, GroupEventKind, MessageType, type Message } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/domain/app-context.js';
import { GroupEventLog } from '../src/domain/groups/group-events.js';
import { GroupWriter } from '../src/domain/groups/group-writes.js';
import type { AppScope } from '../src/store/ports.js';
import { connectDevice } from './support/devices.js';
import { storeAdapters } from './support/stores.js';
import { startTestWorld, type TestWorld } from './support/test-server.js';

/** What a process that dies at that call leaves behind: the call never returns. */
class ProcessDied extends Error {}

/**
 * `target` whose `method` dies on its `nth` call (1 = the first), as the process would there;
 * every other call goes to the real store.
 */
function dyingAt<T extends object>(target: T, method: keyof T, nth = 1): T {
  let calls = 0;
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      if (key !== method) return value.bind(object);
      return (...args: unknown[]) => (++calls === nth ? Promise.reject(new ProcessDied(String(key))) : value.apply(object, args));
    },
  });
}

/** Group events that are part of the conversation, in order, as a member's history shows them. */
const eventsOf = (history: readonly Message[]) =>
  history
    .filter((message) => message.messageType === MessageType.GROUP_EVENT)
    .reverse()
    .map((message) => ('event' in message.content ? message.content.event : null));

describe.each(storeAdapters())('a group change whose process dies before its event is stored, on the $name store', (adapter) => {
  let world: TestWorld;
  let cleanup = async () => {};
  beforeAll(async () => {
    const opened = await adapter.open();
    cleanup = opened.cleanup;
    world = await startTestWorld(['ann', 'ben', 'cat', 'dan'], {}, opened.store ? { store: opened.store } : {});
  });
  afterAll(async () => {
    await world.close();
    await cleanup();
  });

  const data = () => world.t.server.store.forApp(world.app.appId);
  /** A request handled by a process that dies at `dies`' call into the store. */
  const dyingContext = async (dies: (data: AppScope) => AppScope): Promise<AppContext> => ({
    app: (await world.t.server.store.apps.get(world.app.appId))!,
    data: dies(data()),
  });
  const withConversations = (method: 'append', nth?: number) => (scope: AppScope): AppScope => ({ ...scopeOf(scope), conversations: dyingAt(scope.conversations, method, nth) });
  const withGroups = (method: 'replace', nth?: number) => (scope: AppScope): AppScope => ({ ...scopeOf(scope), groups: dyingAt(scope.groups, method, nth) });
  const history = (groupId: string, userId = 'ann') => world.app.api.getSessionMessages({ userId, targetId: groupId, conversationType: ConversationType.GROUP });

  it('a mute written without its event: the next read stores the event, once, and the mute holds', async () => {
    await world.app.api.createGroup({ groupId: 'mute', name: 'Mute', userIds: ['ann', 'ben', 'cat'] });
    const dying = await dyingContext(withConversations('append'));
    await expect(world.t.server.services.groupAdmin.mute(dying, 'mute', ['ben'], 600, 'ann')).rejects.toBeInstanceOf(ProcessDied);

    // The change is written, and its event waits in the group's record.
    expect((await data().groups.get('mute'))!.pendingEvents.map((pending) => pending.facts.event)).toEqual([GroupEventKind.MUTED]);

    // Whoever reads the group next (here a send, refused: ben is muted) stores the event.
    await expect(world.app.api.sendGroupMessage({ senderUserId: 'ben', targetId: 'mute', messageType: MessageType.TEXT, content: { content: 'hi' } })).rejects.toMatchObject({
      code: ErrorCode.MUTED,
    });
    expect((await data().groups.get('mute'))!.pendingEvents).toEqual([]);
    await world.app.api.getGroupInfo({ groupId: 'mute' });
    const messages = await history('mute', 'cat');
    expect(eventsOf(messages)).toEqual([GroupEventKind.MUTED]);
    expect(messages[0]).toMatchObject({ seq: 1, senderUserId: 'ann', clientMsgId: null, content: { userIds: ['ben'] } });
    // Not unread for the operator, who was there; unread for the others.
    const sessions = await Promise.all(['ann', 'cat'].map((userId) => world.app.api.getUserSessions({ userId })));
    expect(sessions.map((list) => list.find((session) => session.targetId === 'mute')?.unread)).toEqual([0, 1]);
  });

  it('an event stored by a process that died before taking it off its group is not stored or pushed again', async () => {
    await world.app.api.createGroup({ groupId: 'twice', name: 'Twice', userIds: ['ann', 'ben'] });
    const ben = await connectDevice(world.t, world.app.appId, world.tokens['ben']!);
    try {
      // The first replace is the change, the second takes its stored event off the record.
      const dying = await dyingContext(withGroups('replace', 2));
      await expect(world.t.server.services.groupAdmin.update(dying, { groupId: 'twice', name: 'Renamed' }, 'ann')).rejects.toBeInstanceOf(ProcessDied);
      expect(await ben.next('new-message')).toMatchObject({ seq: 1, messageType: MessageType.GROUP_EVENT, content: { event: GroupEventKind.INFO_CHANGED } });
      expect((await data().groups.get('twice'))!.pendingEvents).toHaveLength(1);

      expect(await world.app.api.getGroupInfo({ groupId: 'twice' })).toMatchObject({ name: 'Renamed' });
      expect((await data().groups.get('twice'))!.pendingEvents).toEqual([]);
      await world.app.api.sendGroupMessage({ senderUserId: 'ann', targetId: 'twice', messageType: MessageType.TEXT, content: { content: 'next' } });
      // Ben's next push is the message: the event reached him once.
      expect(await ben.next('new-message')).toMatchObject({ seq: 2, content: { content: 'next' } });
      expect(eventsOf(await history('twice'))).toEqual([GroupEventKind.INFO_CHANGED]);
    } finally {
      ben.close();
    }
  });

  it('a join written without its event: the next read stores it and opens the newcomer\'s session at it', async () => {
    await world.app.api.createGroup({ groupId: 'join', name: 'Join', userIds: ['ann', 'ben'] });
    await world.app.api.sendGroupMessage({ senderUserId: 'ann', targetId: 'join', messageType: MessageType.TEXT, content: { content: 'before dan' } });
    const dying = await dyingContext(withConversations('append'));
    await expect(world.t.server.services.groups.join(dying, 'join', ['dan'], 'ben')).rejects.toBeInstanceOf(ProcessDied);
    expect(await data().sessions.get('dan', 'g:join')).toBeNull();

    await world.app.api.getGroupMembers({ groupId: 'join' });
    const session = (await world.app.api.getUserSessions({ userId: 'dan' })).find((s) => s.targetId === 'join');
    expect(session).toMatchObject({ unread: 0, lastMsg: { seq: 2, content: 'BEN added DAN' } });
    expect(eventsOf(await history('join', 'dan'))).toEqual([GroupEventKind.JOINED]);
  });

  it('a process that read the group before another stored its waiting join does nothing of it again, though the newcomer has left since', async () => {
    await world.app.api.createGroup({ groupId: 'late', name: 'Late', userIds: ['ann', 'ben'] });
    const dying = await dyingContext(withConversations('append'));
    await expect(world.t.server.services.groups.join(dying, 'late', ['dan'], 'ben')).rejects.toBeInstanceOf(ProcessDied);
    const readEarly = (await data().groups.get('late'))!;
    expect(readEarly.pendingEvents).toHaveLength(1);

    // Another process stores the join; then dan leaves.
    await world.app.api.getGroupInfo({ groupId: 'late' });
    await world.t.server.services.groups.leave({ app: (await world.t.server.store.apps.get(world.app.appId))!, data: data() }, 'late', 'dan');
    // The slow one goes on with what it read.
    const slow = new GroupWriter(world.t.clock, new GroupEventLog(world.t.clock, world.t.server.services.events));
    const settled = await slow.settle({ app: (await world.t.server.store.apps.get(world.app.appId))!, data: data() }, readEarly);
    expect(settled).toMatchObject({ dismissed: false, group: { memberCount: 2, pendingEvents: [] } });

    expect(await data().sessions.get('dan', 'g:late')).toMatchObject({ ended: { seq: 2 } });
    expect(eventsOf(await history('late'))).toEqual([GroupEventKind.JOINED, GroupEventKind.LEFT]);
  });

  it('a removal that hands ownership over: both events are stored in order, and the removed member\'s session ends at the first', async () => {
    await world.app.api.createGroup({ groupId: 'handover', name: 'Handover', userIds: ['ann', 'ben', 'cat'] });
    const dying = await dyingContext(withConversations('append'));
    await expect(world.t.server.services.groups.remove(dying, 'handover', ['ann'])).rejects.toBeInstanceOf(ProcessDied);

    expect(await world.app.api.getGroupInfo({ groupId: 'handover' })).toMatchObject({ ownerId: 'ben', memberCount: 2 });
    expect(eventsOf(await history('handover', 'ben'))).toEqual([GroupEventKind.REMOVED, GroupEventKind.OWNER_CHANGED]);
    const ann = (await world.app.api.getUserSessions({ userId: 'ann' })).find((s) => s.targetId === 'handover');
    expect(ann).toMatchObject({ ended: true, lastSeq: 1, lastMsg: { content: 'ANN was removed' } });
  });

  it('a dismissal written without its event: the next read stores it, ends every session there and finds no group', async () => {
    await world.app.api.createGroup({ groupId: 'gone', name: 'Gone', userIds: ['ann', 'ben'] });
    const dying = await dyingContext(withConversations('append'));
    await expect(world.t.server.services.groups.dismiss(dying, 'gone', 'ann')).rejects.toBeInstanceOf(ProcessDied);
    expect(await data().groups.get('gone')).not.toBeNull();

    await expect(world.app.api.sendGroupMessage({ senderUserId: 'ben', targetId: 'gone', messageType: MessageType.TEXT, content: { content: 'late' } })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    expect(await data().groups.get('gone')).toBeNull();
    const ben = (await world.app.api.getUserSessions({ userId: 'ben' })).find((s) => s.targetId === 'gone');
    expect(ben).toMatchObject({ ended: true, unread: 1, lastMsg: { content: 'ANN dismissed the group' } });
  });
});

/** The scope's repositories as a plain object, to replace one of them. */
function scopeOf(scope: AppScope): AppScope {
  const { appId, users, tokens, groups, conversations, sessions, files, blocks, friends, joinRequests } = scope;
  return { appId, users, tokens, groups, conversations, sessions, files, blocks, friends, joinRequests, purge: () => scope.purge() };
}
