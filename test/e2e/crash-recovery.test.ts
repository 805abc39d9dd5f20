import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyClient } from '@parley/sdk';
import { ConversationType, type Message } from '@parley/sdk/protocol';
import { ParleyServerApi } from '@parley/sdk/server';
import { afterAll, describe, expect, it } from 'vitest';
import { signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';

/**
 * `npm start` with its default store, killed with SIGKILL in the middle of a burst of sends and
 * started again on the same data directory and port: what was acknowledged is there, the SDK's
 * resends after the reconnect store nothing twice, seqs have no hole, unread counts are exact,
 * and the console account, the app's secret and the tokens minted before all still work.
 */

const PRIVATE_SENDS = 400;
const GROUP_SENDS = 400;
/** Sends in flight at once, as a busy device would have. */
const IN_FLIGHT = 24;
/** The server is killed once this many sends were acknowledged. */
const KILL_AFTER_ACKS = 250;
const READ_BEFORE_BURST = 4;

const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
const servers: ProductionServer[] = [];
const clients: ParleyClient[] = [];
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all(servers.map((server) => server.kill()));
  rmSync(dataDir, { recursive: true, force: true });
});

const LIMITS = { USER_SENDS_PER_SECOND: '10000', API_REQUESTS_PER_SECOND: '10000' };

/** Every message of a conversation as `userId` sees it, oldest first, paging back from the newest. */
async function wholeHistory(api: ParleyServerApi, userId: string, targetId: string, conversationType: ConversationType): Promise<Message[]> {
  const pages: Message[] = [];
  let lastmsgId: string | undefined;
  for (;;) {
    const page = await api.getSessionMessages({ userId, targetId, conversationType, limit: 100, ...(lastmsgId ? { lastmsgId } : {}) });
    pages.push(...page);
    if (page.length < 100) return pages.reverse();
    lastmsgId = page[page.length - 1]!.msgId;
  }
}

describe('the SQLite store through a kill -9', () => {
  it('keeps every acknowledged message, account, secret and token, and the SDK resends the rest exactly once', async () => {
    const first = await startProductionServer(15_000, { DATA_DIR: dataDir, ...LIMITS });
    servers.push(first);
    const port = new URL(first.url).port;
    const app = await signUpWithApp(first.url, 'crash test');
    const api = new ParleyServerApi({ baseUrl: first.url, appId: app.appId, appSecret: app.appSecret });
    const tokens = Object.fromEntries(
      await Promise.all(['alice', 'bob', 'carol'].map(async (userId) => [userId, (await api.getToken({ userId, name: userId })).token] as const)),
    );
    await api.createGroup({ groupId: 'crew', userIds: ['alice', 'bob', 'carol'], name: 'Crew' });

    const connect = async (userId: string, url: string) => {
      const client = new ParleyClient({ url, appId: app.appId, token: tokens[userId]!, socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 } });
      clients.push(client);
      await client.connect();
      return client;
    };
    const alice = await connect('alice', first.url);
    const bob = await connect('bob', first.url);
    for (let i = 0; i < READ_BEFORE_BURST; i++) await alice.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: `before ${i}` } });
    const bobsChat = (await bob.getSessions()).find((session) => session.targetId === 'alice')!;
    await bob.markRead(bobsChat.sid);
    bob.disconnect();

    // The burst: private and group sends interleaved, IN_FLIGHT at a time, through the SDK's outbox.
    const sends = [
      ...Array.from({ length: PRIVATE_SENDS }, (_, i) => ({ kind: 'private' as const, text: `private ${i}` })),
      ...Array.from({ length: GROUP_SENDS }, (_, i) => ({ kind: 'group' as const, text: `group ${i}` })),
    ].sort((a, b) => Number(a.text.split(' ')[1]) - Number(b.text.split(' ')[1]));
    const ackedBeforeKill = new Map<string, Message>();
    let killed: Promise<void> | undefined;
    const results: Promise<Message>[] = [];
    let next = 0;
    const worker = async () => {
      while (next < sends.length) {
        const send = sends[next++]!;
        const request = { targetId: send.kind === 'private' ? 'bob' : 'crew', messageType: 1 as const, content: { content: send.text } };
        const result = send.kind === 'private' ? alice.sendPrivateMessage(request) : alice.sendGroupMessage(request);
        results.push(result);
        const message = await result;
        if (killed === undefined) {
          ackedBeforeKill.set(send.text, message);
          if (ackedBeforeKill.size === KILL_AFTER_ACKS) killed = first.kill();
        }
      }
    };
    const burst = Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await expect.poll(() => killed !== undefined, { timeout: 20_000 }).toBe(true);
    await killed;
    expect(ackedBeforeKill.size).toBe(KILL_AFTER_ACKS);

    // Same directory, same port: the SDK reconnects by itself and resends what was not acknowledged.
    const second = await startProductionServer(15_000, { DATA_DIR: dataDir, PORT: port, ...LIMITS });
    servers.push(second);
    await burst;
    const all = await Promise.all(results);
    expect(all).toHaveLength(sends.length);

    const after = new ParleyServerApi({ baseUrl: second.url, appId: app.appId, appSecret: app.appSecret });
    const privateHistory = await wholeHistory(after, 'bob', 'alice', ConversationType.PRIVATE);
    const groupHistory = await wholeHistory(after, 'bob', 'crew', ConversationType.GROUP);
    for (const [history, count] of [
      [privateHistory, READ_BEFORE_BURST + PRIVATE_SENDS],
      [groupHistory, GROUP_SENDS],
    ] as const) {
      // Seqs 1..n with no hole and no duplicate, each text once.
      expect(history.map((message) => message.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(new Set(history.map((message) => message.content.content)).size).toBe(count);
    }
    const stored = new Map([...privateHistory, ...groupHistory].map((message) => [message.msgId, message]));
    // Every acknowledged message is stored as acknowledged, before the kill and after it.
    for (const message of [...ackedBeforeKill.values(), ...all]) expect(stored.get(message.msgId)).toMatchObject({ seq: message.seq, content: message.content });

    const sessions = await after.getUserSessions({ userId: 'bob' });
    expect(sessions.find((session) => session.targetId === 'alice')).toMatchObject({ unread: PRIVATE_SENDS, lastMsg: { content: privateHistory.at(-1)!.content.content } });
    expect(sessions.find((session) => session.targetId === 'crew')).toMatchObject({ unread: GROUP_SENDS });

    // The next send continues the numbering.
    const continued = await alice.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: 'after the restart' } });
    expect(continued.seq).toBe(READ_BEFORE_BURST + PRIVATE_SENDS + 1);

    // The console account logs in with its password and still has its app with the same secret.
    const login = await fetch(`${second.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: app.email, password: app.password }),
    });
    const { data: session } = (await login.json()) as { data: { token: string } };
    const apps = await fetch(`${second.url}/console/apps`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(((await apps.json()) as { data: { appId: string }[] }).data.map((listed) => listed.appId)).toEqual([app.appId]);
    expect(await after.getToken({ userId: 'dave', name: 'Dave' })).toMatchObject({ userId: 'dave' });

    // A token minted before the crash still connects a new device.
    const carol = await connect('carol', second.url);
    expect((await carol.getSessions()).find((session) => session.targetId === 'crew')).toMatchObject({ unread: GROUP_SENDS });
  }, 90_000);
});
