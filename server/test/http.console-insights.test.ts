import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, MessageType, type AppUsage, type MessageDetail, type MessageSearchPage } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/devices.js';
import { messageDraft } from './support/store-fixtures.js';
import { call, createApp, createUsers, signUpTenant, startTestServer, type TestApp, type TestServer } from './support/test-server.js';

const DAY = 24 * 3600 * 1000;
let t: TestServer;
let consoleDir: string;
beforeAll(async () => {
  // A stand-in for the console's Vite build: an index page and a hashed asset.
  consoleDir = mkdtempSync(join(tmpdir(), 'parley-console-'));
  mkdirSync(join(consoleDir, 'assets'));
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Parley console</title><script type="module" src="/console/assets/index-abc123.js"></script>');
  writeFileSync(join(consoleDir, 'assets', 'index-abc123.js'), 'console.log("console");');
  writeFileSync(join(consoleDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await startTestServer({ CONSOLE_DIR: consoleDir });
});
afterAll(async () => {
  await t.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

const get = <T>(app: TestApp, path: string) => call<{ data: T; code?: string; message?: string }>(`${t.url}/console/apps/${app.appId}${path}`, { headers: app.tenant.auth });
const text = (senderUserId: string, targetId: string, content: string) => ({ senderUserId, targetId, messageType: MessageType.TEXT, content: { content } });

describe('console usage', () => {
  it('counts users, groups, messages per UTC day, sockets online now and storage', async () => {
    const app = await createApp(t);
    const tokens = await createUsers(app, 'alice', 'bob', 'carol');
    await app.api.createGroup({ groupId: 'crew', name: 'Crew', userIds: ['alice', 'bob', 'carol'] });
    // Two days ago, then today: the chart puts each on its day.
    t.clock.advance(-2 * DAY);
    await app.api.sendPrivateMessage(text('alice', 'bob', 'two days ago'));
    t.clock.advance(2 * DAY);
    await app.api.sendPrivateMessage(text('alice', 'bob', 'hello'));
    await app.api.sendGroupMessage(text('bob', 'crew', 'hi all'));
    const devices = [await connectDevice(t, app.appId, tokens['alice']!), await connectDevice(t, app.appId, tokens['bob']!, { platform: 'ios' })];

    const { status, body } = await get<AppUsage>(app, '/usage');
    expect(status).toBe(200);
    const usage = body.data;
    expect(usage).toMatchObject({ users: 3, groups: 1, messagesToday: 2, socketsOnline: 2, storage: { files: 0, bytes: 0, maxBytes: 10 * 1024 ** 3 } });
    expect(usage.messagesPerDay).toHaveLength(30);
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    const twoDaysAgo = new Date(t.clock.now() - 2 * DAY).toISOString().slice(0, 10);
    expect(usage.messagesPerDay.at(-1)).toEqual({ day: today, messages: 2 });
    expect(usage.messagesPerDay.find((entry) => entry.day === twoDaysAgo)).toEqual({ day: twoDaysAgo, messages: 1 });
    expect(usage.messagesPerDay.reduce((sum, entry) => sum + entry.messages, 0)).toBe(3);

    for (const device of devices) device.close();
    await expect.poll(async () => (await get<AppUsage>(app, '/usage')).body.data.socketsOnline).toBe(0);
  });

  it('another tenant asking gets NOT_FOUND, as for a missing app', async () => {
    const app = await createApp(t);
    const intruder = await signUpTenant(t.url);
    for (const path of ['/usage', '/messages', `/messages/${'0'.repeat(24)}`]) {
      const res = await call(`${t.url}/console/apps/${app.appId}${path}`, { headers: intruder.auth });
      expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
    }
  });
});

describe('console message search', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createApp(t);
    await createUsers(app, 'alice', 'bob', 'carol');
    await app.api.createGroup({ groupId: 'crew', name: 'Crew', userIds: ['alice', 'bob', 'carol'] });
    await app.api.sendPrivateMessage(text('alice', 'bob', 'Invoice 1 attached'));
    await app.api.sendPrivateMessage(text('bob', 'alice', 'thanks'));
    await app.api.sendGroupMessage(text('carol', 'crew', 'where is the invoice?'));
    await app.api.sendPrivateMessage(text('alice', 'carol', 'lunch?'));
  });

  const search = (query: string) => get<MessageSearchPage>(app, `/messages?${query}`);
  const texts = (page: MessageSearchPage) => page.messages.map((message) => message.content['content']);

  it('lists the app\'s messages newest first, filtered by sender, conversation (either order), text and time', async () => {
    expect(texts((await search('')).body.data)).toEqual(['lunch?', 'where is the invoice?', 'thanks', 'Invoice 1 attached']);
    expect(texts((await search('senderUserId=alice')).body.data)).toEqual(['lunch?', 'Invoice 1 attached']);
    expect(texts((await search('conversationId=p:bob:alice')).body.data)).toEqual(['thanks', 'Invoice 1 attached']);
    expect(texts((await search('conversationId=g:crew')).body.data)).toEqual(['where is the invoice?']);
    expect(texts((await search('text=INVOICE')).body.data)).toEqual(['where is the invoice?', 'Invoice 1 attached']);
    expect(texts((await search(`to=${t.clock.now() - DAY}`)).body.data)).toEqual([]);
    const first = (await search('senderUserId=alice&limit=1')).body.data.messages[0]!;
    expect(first).toMatchObject({ conversationId: 'p:alice:carol', conversationType: ConversationType.PRIVATE, senderUserId: 'alice', targetId: 'carol', seq: 1, recall: null });
  });

  it('pages with the cursor until it is null, each message once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { body } = await search(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...texts(body.data).map(String));
      cursor = body.data.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(['lunch?', 'where is the invoice?', 'thanks', 'Invoice 1 attached']);
  });

  it('a search by text or sender examines at most 2000 messages a page, and the cursor goes on from there', async () => {
    const big = await createApp(t);
    const data = t.server.store.forApp(big.appId);
    const start = t.clock.now() - 3000;
    // The one match is the oldest of 2100 messages.
    for (let i = 0; i < 2100; i++) {
      const content = { content: i === 0 ? 'the needle' : `hay ${i}` };
      await data.conversations.append(messageDraft({ conversationId: 'p:a:b', senderUserId: i === 0 ? 'a' : 'b', content, preview: content.content, timestamp: start + i }));
    }
    for (const query of ['text=needle', 'senderUserId=a']) {
      const first = (await get<MessageSearchPage>(big, `/messages?${query}`)).body.data;
      expect(first).toMatchObject({ messages: [], examined: 2000, nextCursor: expect.any(String) });
      const second = (await get<MessageSearchPage>(big, `/messages?${query}&cursor=${first.nextCursor}`)).body.data;
      expect(second).toMatchObject({ examined: 100, nextCursor: null });
      expect(second.messages.map((message) => message.content['content'])).toEqual(['the needle']);
    }
  });

  it.each([
    ['limit=0', /^limit:/],
    ['limit=101', /^limit:/],
    ['conversationId=crew', /^conversationId: must be g:<groupId> or p:<userId>:<userId>/],
    ['cursor=abc', /^cursor: must be the nextCursor of an earlier page/],
    ['from=yesterday', /^from:/],
    ['unknown=1', /^unknown: is not a field/],
    [`text=${'x'.repeat(101)}`, /^text: must be at most 100/],
  ])('refuses %s -> 400 INVALID_PARAMS naming the field', async (query, message) => {
    const res = await search(query);
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_PARAMS']);
    expect(res.body.message).toMatch(message);
  });

  it('a message\'s detail: stored, the conversation\'s last seq, each recipient\'s read mark, the devices it was pushed to and those online', async () => {
    const tokens = await createUsers(app, 'bob');
    // A device that came and went before the message: it was not there to be pushed to.
    const gone = await connectDevice(t, app.appId, tokens['bob']!, { platform: 'ios' });
    gone.close();
    await expect.poll(async () => (await get<AppUsage>(app, '/usage')).body.data.socketsOnline).toBe(0);
    t.clock.advance(1000);
    const bob = await connectDevice(t, app.appId, tokens['bob']!, { platform: 'web' });
    t.clock.advance(1);
    const tablet = await connectDevice(t, app.appId, tokens['bob']!, { platform: 'android' });
    t.clock.advance(1000);
    const sent = await app.api.sendGroupMessage(text('alice', 'crew', 'read me'));
    await tablet.next('new-message');
    t.clock.advance(1000);
    // One that ended after the message was stored (it was pushed to), one that came after (it was not).
    tablet.close();
    const late = await connectDevice(t, app.appId, tokens['bob']!, { platform: 'desktop' });
    const sessions = await bob.request('session-list');
    const crew = (sessions.status === 1 ? sessions.data : []).find((session) => session.targetId === 'crew')!;
    await bob.request('set-session-read', { sid: crew.sid });

    const { status, body } = await get<MessageDetail>(app, `/messages/${sent.msgId}`);
    expect(status).toBe(200);
    expect(body.data.message).toMatchObject({ msgId: sent.msgId, seq: sent.seq, content: { content: 'read me' } });
    expect(body.data.lastSeq).toBe(sent.seq);
    expect(body.data.recipientCount).toBe(2);
    expect(body.data.recipients).toEqual([
      {
        userId: 'bob',
        name: 'BOB',
        readSeq: sent.seq,
        read: true,
        online: true,
        platforms: expect.arrayContaining(['web', 'desktop']),
        pushedTo: [
          { platform: 'web', connectedAt: expect.any(Number), disconnectedAt: null },
          { platform: 'android', connectedAt: expect.any(Number), disconnectedAt: expect.any(Number) },
        ],
      },
      // Carol has read up to her own earlier message, not this one, and had no device connected.
      { userId: 'carol', name: 'CAROL', readSeq: sent.seq - 1, read: false, online: false, platforms: [], pushedTo: [] },
    ]);
    const [web, android] = body.data.recipients[0]!.pushedTo;
    expect(web!.connectedAt).toBeLessThan(sent.timestamp);
    expect(android!.connectedAt).toBeLessThan(sent.timestamp);
    expect(android!.disconnectedAt).toBeGreaterThanOrEqual(sent.timestamp + 1000);
    // This process started before any of it, and remembers every connection that ended since.
    expect(body.data.devicesKnownSince).toBeLessThan(web!.connectedAt);
    bob.close();
    late.close();
    const missing = await get(app, `/messages/${'0'.repeat(24)}`);
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('console web app', () => {
  it('serves the built console at /console with a strict content security policy', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self';.*frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('<title>Parley console</title>');
    }
    const asset = await fetch(`${t.url}/console/assets/index-abc123.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${t.url}/console/assets/index-abc123.js`, { headers: { 'if-none-match': asset.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${t.url}/console/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('serves nothing else from disk: unknown and traversing paths are the API\'s 404', async () => {
    for (const path of ['/console/assets/missing.js', '/console/assets/..%2F..%2Fpackage.json', '/console/../package.json', '/console/index.html.bak']) {
      const res = await call(`${t.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 0, code: 'NOT_FOUND' });
    }
  });

  it('without a build, /console says how to make one', async () => {
    const bare = await startTestServer({ CONSOLE_DIR: join(consoleDir, 'nowhere') });
    try {
      const res = await fetch(`${bare.url}/console`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/npm run build --workspace @parley\/console/);
    } finally {
      await bare.close();
    }
  });
});
