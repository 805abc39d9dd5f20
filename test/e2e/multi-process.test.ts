import { randomBytes } from 'node:crypto';
import { ErrorCode, GroupEventKind, type GroupEventContent, type Message, type MessageDetail } from '@parley/sdk/protocol';
import { ParleyServerApi, toSignedFields } from '@parley/sdk/server';
import { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { collect, eventually, nextEvent } from '../support/parley.js';
import { serviceUrl } from '../../server/test/support/services.js';
import { signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';

/**
 * Two production server processes on one MongoDB and one Redis serve clients connected to either
 * as if there were one server. Runs when MONGODB_URL and REDIS_URL are set (CI sets both).
 */

const MONGODB_URL = serviceUrl('MONGODB_URL');
const REDIS_URL = serviceUrl('REDIS_URL');
const run = Boolean(MONGODB_URL && REDIS_URL);

/** The URL with its database (path) replaced, so this suite has a database of its own. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

describe.runIf(run)('two server processes on MongoDB and Redis', () => {
  let a: ProductionServer;
  let b: ProductionServer;
  let app: { consoleToken: string; appId: string; appSecret: string };
  let api: ParleyServerApi;
  let env: Record<string, string>;
  const clients: ParleyClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env = { MONGODB_URL: withDatabase(MONGODB_URL!, `parley_multi_${randomBytes(4).toString('hex')}`), REDIS_URL: REDIS_URL! };
    [a, b] = await Promise.all([startProductionServer(20_000, env), startProductionServer(20_000, env)]);
    app = await signUpWithApp(a.url, 'two processes');
    api = new ParleyServerApi({ baseUrl: b.url, appId: app.appId, appSecret: app.appSecret, maxRetries: 0 });
    for (const userId of ['ann', 'ben', 'cat']) await api.getToken({ userId, name: userId });
    await api.createGroup({ groupId: 'both', userIds: ['ann', 'ben', 'cat'], name: 'Both sides' });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const socket of sockets) socket.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const connect = async (userId: string, server: ProductionServer) => {
    const { token } = await api.getToken({ userId, name: userId });
    const client = new ParleyClient({ url: server.url, appId: app.appId, token });
    clients.push(client);
    await client.connect();
    return client;
  };

  it('delivers private and group messages, read receipts and typing across processes', async () => {
    const ann = await connect('ann', a);
    const ben = await connect('ben', b);
    const cat = await connect('cat', a);

    const privateArrives = nextEvent(ben, 'new-message');
    const sent = await ann.sendPrivateMessage({ targetId: 'ben', messageType: 1, content: { content: 'from process A' } });
    expect(((await privateArrives) as Message).msgId).toBe(sent.msgId);

    const groupOnA = nextEvent(cat, 'new-message');
    const posted = await ben.sendGroupMessage({ targetId: 'both', messageType: 1, content: { content: 'from process B' } });
    // Ben's own device sent it (its ack); cat, on the other process, gets the push.
    expect((await groupOnA).msgId).toBe(posted.msgId);

    const receipt = nextEvent(ann, 'read-receipt');
    const session = (await ben.getSessions()).find((candidate) => candidate.targetId === 'ann');
    await ben.markRead(session!.sid);
    expect(await receipt).toMatchObject({ userId: 'ben', readSeq: sent.seq });

    const typing = nextEvent(ben, 'typing');
    await ann.typing({ conversationType: 1, targetId: 'ben' });
    expect(await typing).toMatchObject({ userId: 'ann' });
  });

  it('tells devices on the other process of a recall, in a private chat and a group', async () => {
    const ann = await connect('ann', a);
    const ben = await connect('ben', b);
    const cat = await connect('cat', b);
    const privately = await ann.sendPrivateMessage({ targetId: 'ben', messageType: 1, content: { content: 'oops' } });
    const inGroup = await ann.sendGroupMessage({ targetId: 'both', messageType: 1, content: { content: 'oops, all' } });
    const atBen = nextEvent(ben, 'message-recalled');
    await ann.recall(privately.msgId);
    expect(await atBen).toMatchObject({ msgId: privately.msgId, recall: { by: 'ann' } });
    const atCat = nextEvent(cat, 'message-recalled');
    await ann.recall(inGroup.msgId);
    expect(await atCat).toMatchObject({ msgId: inGroup.msgId, content: {} });
  });

  it('agrees on presence: a user online on one process is online as seen from the other', async () => {
    const watcher = await connect('cat', b);
    await connect('ann', a);
    const [ann] = await watcher.presence(['ann']);
    expect(ann).toMatchObject({ online: true });
  });

  it('counts the console\'s sockets online over both processes, asked of either', async () => {
    const online = async (server: ProductionServer) => {
      const res = await fetch(`${server.url}/console/apps/${app.appId}/usage`, { headers: { authorization: `Bearer ${app.consoleToken}` } });
      return ((await res.json()) as { data: { socketsOnline: number } }).data.socketsOnline;
    };
    // Devices of the earlier tests are still connected: count what these three add.
    const before = await online(a);
    await connect('ann', a);
    await connect('ben', b);
    await connect('cat', b);
    expect(await online(a)).toBe(before + 3);
    expect(await online(b)).toBe(before + 3);
  });

  it('lists in the console\'s message detail the devices on either process that the push was written to', async () => {
    const ann = await connect('ann', a);
    const ben = await connect('ben', b);
    const arrives = nextEvent(ben, 'new-message');
    const sent = await ann.sendPrivateMessage({ targetId: 'ben', messageType: 1, content: { content: 'where did this go?' } });
    await arrives;
    ben.disconnect();
    // Asked of the process without Ben's device, which learns of it from the other one.
    await eventually(async () => {
      const res = await fetch(`${a.url}/console/apps/${app.appId}/messages/${sent.msgId}`, { headers: { authorization: `Bearer ${app.consoleToken}` } });
      const { recipients } = ((await res.json()) as { data: MessageDetail }).data;
      const devices = recipients[0]?.pushedTo ?? [];
      // Ben's devices of earlier tests are still connected; this one is the one that has ended since.
      return devices.some((device) => device.disconnectedAt !== null && device.disconnectedAt >= sent.timestamp);
    });
  });

  it('two processes changing one group at once write one event per change, in one unbroken run of seqs', async () => {
    await api.createGroup({ groupId: 'busy', userIds: ['ann', 'ben', 'cat'], name: 'Busy' });
    const onA = new ParleyServerApi({ baseUrl: a.url, appId: app.appId, appSecret: app.appSecret, maxRetries: 0 });
    const CHANGES = 12;
    const renames = async () => {
      for (let i = 0; i < CHANGES; i++) await onA.updateGroup({ groupId: 'busy', name: `Busy ${i}` });
    };
    const mutes = async () => {
      for (let i = 0; i < CHANGES; i++) await api.muteGroupMembers({ groupId: 'busy', userIds: ['cat'], duration: i % 2 === 0 ? 600 : 0 });
    };
    await Promise.all([renames(), mutes()]);

    const history = await onA.getSessionMessages({ userId: 'ann', targetId: 'busy', conversationType: 2, limit: 100 });
    expect(history.map((message) => message.seq).reverse()).toEqual(Array.from({ length: 2 * CHANGES }, (_, i) => i + 1));
    const kinds = history.map((message) => (message.content as GroupEventContent).event);
    expect(kinds.filter((kind) => kind === GroupEventKind.INFO_CHANGED)).toHaveLength(CHANGES);
    expect(kinds.filter((kind) => kind === GroupEventKind.MUTED || kind === GroupEventKind.UNMUTED)).toHaveLength(CHANGES);
    expect(new Set(history.map((message) => message.msgId)).size).toBe(2 * CHANGES);
    // Each side's own changes are in the order it made them.
    const names = history.reverse().flatMap((message) => ((message.content as GroupEventContent).name === undefined ? [] : [(message.content as GroupEventContent).name]));
    expect(names).toEqual(Array.from({ length: CHANGES }, (_, i) => `Busy ${i}`));
    expect(await onA.getGroupInfo({ groupId: 'busy' })).toMatchObject({ name: `Busy ${CHANGES - 1}` });
  });

  it('refuses a nonce on one process once the other has used it', async () => {
    const query = toSignedFields(api.sign({ userId: 'ann' })).toString();
    const first = await fetch(`${a.url}/user/sessions?${query}`);
    const replay = await fetch(`${b.url}/user/sessions?${query}`);
    expect(first.status).toBe(200);
    expect(((await replay.json()) as { code: string }).code).toBe(ErrorCode.NONCE_REUSED);
  });

  it('revoking tokens through one process kicks the devices on the other', async () => {
    const victim = await connect('ben', a);
    const kicked = nextEvent(victim, 'kicked');
    await new ParleyServerApi({ baseUrl: b.url, appId: app.appId, appSecret: app.appSecret }).revokeTokens({ userId: 'ben' });
    expect(await kicked).toMatchObject({ reason: 'TOKEN_REVOKED' });
  });

  it('applies a settings change made through one process to connections on the other', async () => {
    const cat = await connect('cat', b);
    const patch = await fetch(`${a.url}/console/apps/${app.appId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${app.consoleToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { recallWindowSeconds: 0 } }),
    });
    expect(patch.status).toBe(200);
    // The change travels between the processes; recall is refused once it has arrived. Each try
    // recalls a message of its own: one recalled before the change arrived stays recalled.
    await eventually(async () => {
      const message = await cat.sendPrivateMessage({ targetId: 'ann', messageType: 1, content: { content: 'to be recalled' } });
      return (await cat.recall(message.msgId).then(() => 'recalled', (error: { code: string }) => error.code)) === ErrorCode.FORBIDDEN;
    });
  });

  it('keeps serving new connections on one process right after another process died', async () => {
    const doomed = await startProductionServer(20_000, env);
    await connect('cat', doomed);
    await doomed.kill();
    // The survivors still count the dead process as a peer for a while; a login must not wait on it.
    const ann = await connect('ann', a);
    const ben = await connect('ben', b);
    const arrives = nextEvent(ben, 'new-message');
    const sent = await ann.sendPrivateMessage({ targetId: 'ben', messageType: 1, content: { content: 'after the crash' } });
    expect(((await arrives) as Message).msgId).toBe(sent.msgId);
    expect(ann.state).toBe('connected');
  });

  it('pushes presence changes to a watcher on the other process, online and then offline', async () => {
    for (const userId of ['dot', 'eli']) await api.getToken({ userId, name: userId });
    await api.createGroup({ groupId: 'watchers', userIds: ['dot', 'eli'], name: 'Watchers' });
    const eli = await connect('eli', b);
    const seen = collect(eli, 'presence');
    expect(await eli.subscribePresence(['dot'])).toEqual([expect.objectContaining({ userId: 'dot', online: false })]);
    const dot = await connect('dot', a);
    await eventually(() => seen.some((state) => state.userId === 'dot' && state.online), 10_000, 'dot online at eli');
    dot.disconnect();
    await eventually(() => seen.some((state) => state.userId === 'dot' && !state.online), 10_000, 'dot offline at eli');
  });

  describe('a second app, one device per platform and tight limits', () => {
    let other: { consoleToken: string; appId: string; appSecret: string };
    let otherApi: ParleyServerApi;

    const configure = async (settings: Record<string, unknown>) => {
      const patch = await fetch(`${b.url}/console/apps/${other.appId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${other.consoleToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ settings }),
      });
      expect(patch.status).toBe(200);
    };

    beforeAll(async () => {
      other = await signUpWithApp(b.url, 'second app');
      await configure({ loginPolicy: 'one-per-platform', userSendsPerSecond: 3 });
      otherApi = new ParleyServerApi({ baseUrl: a.url, appId: other.appId, appSecret: other.appSecret, maxRetries: 0 });
      for (const userId of ['fay', 'gus']) await otherApi.getToken({ userId, name: userId });
    });

    const device = async (userId: string, server: ProductionServer): Promise<Socket> => {
      const { token } = await otherApi.getToken({ userId, name: userId });
      const socket = io(server.url, { auth: { appId: other.appId, token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('ready', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    };

    it('a login on one process replaces the same platform\'s device on the other', async () => {
      const first = await device('fay', a);
      const kicked = new Promise((resolve) => first.once('kicked', resolve));
      await device('fay', b);
      expect(await kicked).toMatchObject({ reason: 'LOGIN_ELSEWHERE' });
    });

    it('counts a user\'s socket sends across processes', async () => {
      const onA = await device('gus', a);
      // A second platform, so the login policy leaves the first device alone.
      const { token } = await otherApi.getToken({ userId: 'gus', name: 'gus' });
      const onB = io(b.url, { auth: { appId: other.appId, token, platform: 'ios' }, transports: ['websocket'], reconnection: false });
      sockets.push(onB);
      await new Promise((resolve) => onB.once('ready', resolve));
      const send = (socket: Socket, n: number) =>
        socket.timeout(5000).emitWithAck('send-private-message', { targetId: 'fay', messageType: 1, content: { content: `burst ${n}` } }) as Promise<{ status: number; code?: string }>;
      const acks = await Promise.all([onA, onB, onA, onB, onA, onB].map((socket, n) => send(socket, n)));
      // Six at once against three per second for the user: each process alone would have taken all six.
      expect(acks.filter((ack) => ack.status === 1).length).toBeLessThanOrEqual(3 * 2);
      expect(acks.filter((ack) => ack.code === ErrorCode.RATE_LIMITED).length).toBeGreaterThan(0);
    });

    it('refuses a flood from this app with 429 while the first app is served on both processes', async () => {
      await configure({ apiRequestsPerSecond: 2 });
      const flood = await Promise.all([a, b, a, b, a, b, a, b, a, b].map((server) => fetch(`${server.url}/user/sessions?${toSignedFields(otherApi.sign({ userId: 'fay' }))}`)));
      expect(flood.filter((res) => res.status === 429).length).toBeGreaterThan(0);
      for (const server of [a, b]) {
        const res = await fetch(`${server.url}/user/sessions?${toSignedFields(api.sign({ userId: 'ann' }))}`);
        expect(res.status).toBe(200);
      }
    });
  });

  it('counts a rate limit across both processes', async () => {
    const patch = await fetch(`${a.url}/console/apps/${app.appId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${app.consoleToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { apiRequestsPerSecond: 4 } }),
    });
    expect(patch.status).toBe(200);
    const call = (server: ProductionServer) =>
      fetch(`${server.url}/user/sessions?${toSignedFields(api.sign({ userId: 'ann' }))}`).then((res) => res.status);
    const statuses = await Promise.all([a, b, a, b, a, b, a, b].map(call));
    // Eight at once against four per second for the app: each process alone would have let all through.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });
});
