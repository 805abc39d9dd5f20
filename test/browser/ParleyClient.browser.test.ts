/// <reference lib="dom" />
import type { Message } from '@parley/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, serveSdkPage } from '../support/browser.js';
import { FlakyNetwork } from '../support/flaky-network.js';
import { png } from '../../server/test/support/media-fixtures.js';
import { collect, eventually, startChatWorld, text, type ChatWorld } from '../support/parley.js';

const run = browserAvailable();

describe.runIf(run)('ParleyClient in Chromium', () => {
  let world: ChatWorld;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveSdkPage>>;
  let network: FlakyNetwork;
  let page: Page;

  beforeAll(async () => {
    world = await startChatWorld(['alice', 'bob']);
    network = await FlakyNetwork.start(world.t.url);
    site = await serveSdkPage();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => document.title === 'ready');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await network?.close();
    await world?.close();
  });

  it('a browser user and a Node user chat, see unread, mark read and get the receipt', async () => {
    const bob = await world.connected('bob');
    const bobReceived = collect(bob, 'new-message');
    const setup = { url: network.url, appId: world.app.appId, token: world.tokens['alice']! };

    const ready = await page.evaluate(async ({ url, appId, token }) => {
      const w = window as unknown as { Parley: typeof import('@parley/sdk'); alice: InstanceType<typeof import('@parley/sdk').ParleyClient>; inbox: unknown[]; receipts: unknown[] };
      w.inbox = [];
      w.receipts = [];
      w.alice = new w.Parley.ParleyClient({ url, appId, token, socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200 } });
      w.alice.on('new-message', (m) => void w.inbox.push(m));
      w.alice.on('read-receipt', (r) => void w.receipts.push(r));
      await w.alice.connect();
      const sent = await w.alice.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: 'hello from Chromium' } });
      return { userId: w.alice.userId, platform: navigator.userAgent.includes('Chrome'), sent };
    }, setup);
    expect(ready.userId).toBe('alice');
    await eventually(() => bobReceived.length === 1);
    expect(bobReceived[0]!.msgId).toBe(ready.sent.msgId);

    const sid = (await bob.getSessions()).find((s) => s.targetId === 'alice')!.sid;
    await bob.markRead(sid);
    await page.waitForFunction(() => (window as unknown as { receipts: unknown[] }).receipts.length === 1);
    await bob.sendPrivateMessage({ targetId: 'alice', ...text('hello browser') });
    await page.waitForFunction(() => (window as unknown as { inbox: unknown[] }).inbox.length === 1);

    const unread = await page.evaluate(async () => {
      const w = window as unknown as { alice: InstanceType<typeof import('@parley/sdk').ParleyClient> };
      return (await w.alice.getSessions()).find((s) => s.targetId === 'bob')!.unread;
    });
    expect(unread).toBe(1);
  });

  it('the network drops in the browser: nothing is lost or duplicated', async () => {
    const bob = await world.connected('bob');
    const sent: Message[] = [];
    for (let i = 0; i < 20; i++) sent.push(await bob.sendPrivateMessage({ targetId: 'alice', ...text(`before ${i}`) }));
    await page.waitForFunction(() => (window as unknown as { inbox: unknown[] }).inbox.length === 21);
    network.cut();
    for (let i = 0; i < 30; i++) sent.push(await bob.sendPrivateMessage({ targetId: 'alice', ...text(`during ${i}`) }));
    // The page sends while offline too; its outbox delivers after the reconnect.
    const offlineSend = page.evaluate(async () => {
      const w = window as unknown as { alice: InstanceType<typeof import('@parley/sdk').ParleyClient> };
      return (await w.alice.sendPrivateMessage({ targetId: 'bob', messageType: 1, content: { content: 'sent while offline' } })).msgId;
    });
    await page.waitForFunction(() => (window as unknown as { alice: { state: string } }).alice.state === 'reconnecting');
    network.restore();
    const offlineMsgId = await offlineSend;

    await page.waitForFunction(() => (window as unknown as { inbox: unknown[] }).inbox.length >= 51, undefined, { timeout: 15_000 });
    // One more message comes after all of them in seq order: once it is in, nothing earlier can follow.
    const marker = await bob.sendPrivateMessage({ targetId: 'alice', ...text('marker') });
    await page.waitForFunction((id) => (window as unknown as { inbox: Message[] }).inbox.some((m) => m.msgId === id), marker.msgId);
    const inbox = await page.evaluate(() => (window as unknown as { inbox: Message[] }).inbox.map((m) => m.msgId));
    expect(inbox.slice(1)).toEqual([...sent, marker].map((m) => m.msgId));
    const history = await world.app.api.getSessionMessages({ userId: 'bob', targetId: 'alice', conversationType: 1, limit: 100 });
    expect(history.filter((m) => m.msgId === offlineMsgId)).toHaveLength(1);
  });

  it('uploads a picture with progress, sends it, and the Node user gets the exact bytes and a thumbnail', async () => {
    const bob = await world.connected('bob');
    const bobReceived = collect(bob, 'new-message');
    const picture = Buffer.concat([await png(640, 480), Buffer.alloc(400_000)]);
    const setup = { url: world.t.url, appId: world.app.appId, token: world.tokens['alice']!, base64: picture.toString('base64') };
    const result = await page.evaluate(async ({ url, appId, token, base64 }) => {
      const w = window as unknown as { Parley: typeof import('@parley/sdk') };
      const client = new w.Parley.ParleyClient({ url, appId, token });
      await client.connect();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const file = new File([bytes], 'from the browser.png', { type: 'image/png' });
      const progress: { loaded: number; total: number }[] = [];
      const sent = await client.sendImage({ conversationType: 1, targetId: 'bob' }, file, { caption: 'from Chromium', onProgress: (p) => void progress.push(p) });
      const cancelled = new AbortController();
      const cancel = client.uploadFile(new Blob([new Uint8Array(3_000_000)]), { name: 'big.bin', signal: cancelled.signal, onProgress: () => cancelled.abort() });
      const refusal = await cancel.then(() => 'uploaded', (error: { code: string }) => error.code);
      client.disconnect();
      return { sent, progress, refusal };
    }, setup);
    expect(result.progress.length).toBeGreaterThan(0);
    expect(result.progress.at(-1)!.loaded).toBe(result.progress.at(-1)!.total);
    expect(result.refusal).toBe('ABORTED');
    await eventually(() => bobReceived.some((m) => m.msgId === result.sent.msgId));
    const image = bobReceived.find((m) => m.msgId === result.sent.msgId)!;
    expect(image.content).toMatchObject({ width: 640, height: 480, size: picture.length, content: 'from Chromium' });
    const content = image.content as { url: string; thumbUrl: string };
    const back = Buffer.from(await (await fetch(content.url)).arrayBuffer());
    expect(back.equals(picture)).toBe(true);
    expect((await fetch(content.thumbUrl)).headers.get('content-type')).toBe('image/webp');
  });
});
