import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyServerApi } from '@parley/sdk/server';
import { startProductionServer, type ProductionServer } from '../e2e/support/processes.js';
import { FlakyNetwork } from '../support/flaky-network.js';
import { PageWatch, ROOT, browserAvailable, docShot, launchChromium } from './support/ui.js';

/**
 * The demo chat (demo-vue) as `npm run demo` runs it: the production server, the demo backend
 * (which signs up a tenant, creates the app and mints tokens) serving the built Vue app, and
 * browsers that reach Parley through a relay the test can cut.
 */

interface DemoBackend {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts demo-vue/server/main.ts as a child and resolves once it printed its listening line. */
function startDemoBackend(env: Record<string, string>, timeoutMs = 30_000): Promise<DemoBackend> {
  const child = spawn(process.execPath, ['--conditions=@parley/source', '--import', 'tsx', 'demo-vue/server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo backend printed no listening line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo backend exited with ${code}:\n${output}`));
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^demo listening on (http:\/\/\S+)$/m.exec(output);
      if (!line) return;
      clearTimeout(timer);
      resolve({
        url: line[1]!,
        output: () => output,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** A small PNG: `size` x `size` pixels of one colour, made here rather than shipped. */
function png(size: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const WAIT = 20_000;
const shown = (locator: Locator, timeout = WAIT) => locator.waitFor({ state: 'visible', timeout });
const hidden = (locator: Locator, timeout = WAIT) => locator.waitFor({ state: 'hidden', timeout });

const banner = (page: Page) => page.getByRole('status').filter({ hasText: /Connecting|Reconnecting|Disconnected/ });
const conversations = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
/** The conversation list entry titled `title` (its accessible name starts with the title). */
const entry = (page: Page, title: string) => conversations(page).getByRole('button', { name: new RegExp(`^${title}\\b`) });
const messages = (page: Page) => page.getByRole('log');
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

async function login(page: Page, url: string, userId: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('radio', { name: new RegExp(`\\(${userId}\\)`) }).check();
  await page.getByRole('button', { name: 'Log in' }).click();
  await shown(page.getByText('Signed in as'));
  await hidden(banner(page));
}

/**
 * Presses Tab (Shift+Tab when `backwards`) until `target` has the focus, at most 60 times, and
 * checks that the focus shows: keyboard users must see where they are.
 */
async function tabTo(page: Page, target: Locator, backwards = false): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focused = await target.evaluate((element) => element === document.activeElement).catch(() => false);
    if (!focused) continue;
    const ring = await target.evaluate((element) => {
      const style = getComputedStyle(element);
      return element.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
    });
    expect(ring, 'the focused control shows a focus ring').toBe(true);
    return;
  }
  throw new Error(`${String(target)} was not reached with the keyboard`);
}

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/**
 * Nothing sticks out sideways at the viewport's width: the document does not scroll horizontally,
 * and no visible element reaches past either edge (clipped overflow counts too).
 */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const width = page.viewportSize()!.width;
  const found = await page.evaluate((limit) => {
    const outside: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const box = element.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1 || getComputedStyle(element).visibility === 'hidden') continue;
      if (box.left < -0.5 || box.right > limit + 0.5) outside.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, outside };
  }, width);
  expect(found.outside).toEqual([]);
  expect(found.scroll).toBeLessThanOrEqual(width);
  expect(found.inner).toBe(width);
}

describe.skipIf(!browserAvailable())('demo chat', () => {
  let server: ProductionServer;
  let flaky: FlakyNetwork;
  let demo: DemoBackend;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-demo-ui-'));
    server = await startProductionServer(15_000, { STORE: 'memory', DATA_DIR: dir });
    flaky = await FlakyNetwork.start(server.url);
    demo = await startDemoBackend({
      PARLEY_URL: server.url,
      PARLEY_PUBLIC_URL: flaky.url,
      DEMO_PORT: '0',
      DEMO_STATE_FILE: join(dir, 'demo-app.json'),
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await flaky?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves its API and the app, never the app secret', async () => {
    const { appSecret } = JSON.parse(readFileSync(join(dir, 'demo-app.json'), 'utf8')) as { appSecret: string };
    const config = (await (await fetch(`${demo.url}/demo-api/config`)).json()) as Record<string, unknown>;
    expect(config).toEqual({ parleyUrl: flaky.url, appId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const login = await fetch(`${demo.url}/demo-api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"alice"}' });
    const session = (await login.json()) as Record<string, unknown>;
    expect(Object.keys(session).sort()).toEqual(['expiresAt', 'name', 'token', 'userId']);
    expect(session['name']).toBe('Alice');

    const bad = await fetch(`${demo.url}/demo-api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"no spaces"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_PARAMS');
    const big = await fetch(`${demo.url}/demo-api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);

    // Any page path is the app; its script is served with its type and holds no secret.
    const page = await fetch(`${demo.url}/some/page`);
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)![1]!;
    const bundle = await fetch(`${demo.url}${script}`);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    const code = await bundle.text();
    expect(code).toContain('/demo-api/login');
    expect(code).not.toContain(appSecret);
    expect(html).not.toContain(appSecret);
    expect((await fetch(`${demo.url}/assets/missing.js`)).status).toBe(404);
  });

  it('two users chat: unread, receipts, typing, presence, recall, emoji, images, groups and a network drop', async () => {
    const watch = new PageWatch();
    const open = async (label: string) => watch.open(await browser.newContext({ viewport: { width: 1280, height: 800 } }), label);
    const alice = await open('alice');
    const bob = await open('bob');
    const carol = await open('carol');

    await alice.goto(demo.url);
    await shown(alice.getByRole('radio', { name: /\(alice\)/ }));
    await docShot(alice, 'demo-login');
    await login(alice, demo.url, 'alice');
    await login(bob, demo.url, 'bob');
    await login(carol, demo.url, 'carol');

    // The seeded group is there for everyone; Bob reads it while Alice writes to him.
    await entry(bob, 'Book club').click();
    await shown(messages(bob).getByText('Welcome to the book club!', { exact: false }));

    await conversations(alice).getByLabel('New chat with user id').fill('bob');
    await conversations(alice).getByRole('button', { name: 'Start chat' }).click();
    await shown(alice.getByRole('heading', { name: 'Bob' }));
    await send(alice, 'Hello Bob');
    await send(alice, 'Are you coming tonight?');
    await shown(messages(alice).getByText('Are you coming tonight?'));

    // Bob has Book club open: Alice's chat counts two unread, until he opens it.
    await shown(entry(bob, 'Alice').getByLabel('2 unread'));
    await entry(bob, 'Alice').click();
    await shown(messages(bob).getByText('Hello Bob'));
    await shown(messages(bob).getByText('Are you coming tonight?'));
    await hidden(entry(bob, 'Alice').getByLabel(/unread/));

    // Alice sees that Bob read them, and that he is online.
    await shown(messages(alice).getByText('Read', { exact: true }).last());
    await shown(entry(alice, 'Bob').getByLabel('online'));

    // Bob types: Alice sees it; then his reply arrives.
    await composer(bob).pressSequentially('Sure, ', { delay: 30 });
    await shown(alice.getByRole('region', { name: 'Chat with Bob' }).getByText('Bob is typing…'));
    await composer(bob).pressSequentially('see you at 8');
    await composer(bob).press('Enter');
    await shown(messages(alice).getByText('Sure, see you at 8'));

    // Alice takes her question back: both sides see it go.
    const question = messages(alice).getByRole('listitem').filter({ hasText: 'Are you coming tonight?' });
    await question.getByRole('button', { name: /^Recall/ }).click();
    await shown(messages(alice).getByText('This message was recalled'));
    await shown(messages(bob).getByText('This message was recalled'));
    await hidden(messages(bob).getByText('Are you coming tonight?'));

    // An emoji from the picker, then a picture.
    await alice.getByRole('button', { name: 'Insert emoji' }).click();
    await alice.getByRole('button', { name: 'Thumbs up' }).click();
    await composer(alice).press('Enter');
    await shown(messages(bob).getByText('👍', { exact: true }));
    await alice.getByLabel('Send image').setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: png(96, [47, 91, 234]) });
    const picture = messages(bob).getByRole('img', { name: 'Photo from Alice' });
    await shown(picture);
    await expect.poll(() => picture.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), { timeout: WAIT }).toBe(true);
    await shown(messages(alice).getByRole('img', { name: 'Photo from Alice' }));
    await docShot(alice, 'demo-chat');

    // A file that is not a picture: Bob gets a link that downloads the same bytes.
    const notes = Buffer.from('Agenda: launch on Friday.\n');
    await alice.getByLabel('Attach file').setInputFiles({ name: 'agenda.txt', mimeType: 'text/plain', buffer: notes });
    const link = messages(bob).getByRole('link', { name: 'agenda.txt' });
    await shown(link);
    const href = await link.getAttribute('href');
    expect(Buffer.from(await (await fetch(href!)).arrayBuffer()).equals(notes)).toBe(true);
    await shown(entry(bob, 'Alice').getByText('File: agenda.txt'));

    // Alice makes a group with Bob and Carol and writes in it: Carol receives it.
    await alice.getByRole('button', { name: 'New group' }).click();
    const dialog = alice.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Weekend trip');
    await dialog.getByRole('checkbox', { name: /Bob/ }).check();
    await dialog.getByRole('checkbox', { name: /Carol/ }).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await hidden(dialog);
    await shown(alice.getByRole('heading', { name: 'Weekend trip' }));
    await send(alice, 'Who is in for Saturday?');
    await shown(messages(alice).getByText('Who is in for Saturday?'));
    await shown(entry(carol, 'Weekend trip').getByLabel('1 unread'));
    await entry(carol, 'Weekend trip').click();
    await shown(messages(carol).getByText('Who is in for Saturday?'));
    await shown(messages(carol).getByText('Alice', { exact: true }));
    await send(carol, 'Me! 🎉');
    await shown(messages(alice).getByText('Me! 🎉'));

    // Alice adds Dave; the dialog closes on Escape too.
    await alice.getByRole('button', { name: 'Add members' }).click();
    const add = alice.getByRole('dialog', { name: 'Add members to Weekend trip' });
    await shown(add.getByText(/Members: Alice/));
    await alice.keyboard.press('Escape');
    await hidden(add);
    await alice.getByRole('button', { name: 'Add members' }).click();
    await add.getByRole('checkbox', { name: /Dave/ }).check();
    await add.getByRole('button', { name: 'Add members' }).click();
    await hidden(add);
    await shown(alice.getByText('Added Dave to Weekend trip'));
    // The conversation list previews the event as the timeline says it, with no sender prefix.
    await expect.poll(() => entry(alice, 'Weekend trip').textContent(), { timeout: 10_000 }).toContain('Dave joined the group');
    expect(await entry(alice, 'Weekend trip').textContent()).not.toContain(': Dave');
    await docShot(alice, 'demo-group');

    // The network drops: the banner says so; a message written meanwhile goes out once it is back.
    await entry(alice, 'Bob').click();
    await entry(bob, 'Alice').click();
    flaky.cut();
    await shown(banner(alice).getByText(/Reconnecting/));
    await shown(banner(bob).getByText(/Reconnecting/));
    await send(alice, 'Written while offline');
    await shown(messages(alice).getByText('Sending…'));
    await docShot(alice, 'demo-reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    flaky.restore();
    await hidden(banner(alice), 30_000);
    await hidden(banner(bob), 30_000);
    await shown(messages(bob).getByText('Written while offline'));
    await send(bob, 'Back online');
    await shown(messages(alice).getByText('Back online'));

    expect(watch.errors).toEqual([]);
  }, 180_000);

  it('pages back through history when scrolled to the top, keeping the place', async () => {
    // The tenant's backend writes 70 messages from Frank to Grace, as a bot or an import would.
    const state = JSON.parse(readFileSync(join(dir, 'demo-app.json'), 'utf8')) as { appId: string; appSecret: string };
    const api = new ParleyServerApi({ baseUrl: server.url, appId: state.appId, appSecret: state.appSecret });
    await api.getToken({ userId: 'frank', name: 'Frank' });
    await api.getToken({ userId: 'grace', name: 'Grace' });
    for (let i = 1; i <= 70; i++) {
      await api.sendPrivateMessage({ senderUserId: 'frank', targetId: 'grace', messageType: 1, content: { content: `Note number ${i}` } });
    }

    const watch = new PageWatch();
    const grace = await watch.open(await browser.newContext({ viewport: { width: 1280, height: 800 } }), 'grace');
    await grace.goto(demo.url);
    await grace.getByLabel('Or another user id').fill('grace');
    await grace.getByRole('button', { name: 'Log in' }).click();
    await shown(grace.getByText('Signed in as Grace'));
    await entry(grace, 'Frank').click();
    await shown(messages(grace).getByText('Note number 70', { exact: true }));
    expect(await messages(grace).getByText('Note number 40', { exact: true }).count()).toBe(0);

    // Scrolled to the top, the page before arrives above, and the message that was on top stays
    // near the top instead of being pushed down by it.
    const anchor = messages(grace).getByText('Note number 41', { exact: true });
    const fromTop = async () => (await anchor.boundingBox())!.y - (await messages(grace).boundingBox())!.y;
    await messages(grace).evaluate((log) => log.scrollTo({ top: 0 }));
    await shown(messages(grace).getByText('Note number 11', { exact: true }));
    expect(await fromTop()).toBeGreaterThanOrEqual(0);
    expect(await fromTop()).toBeLessThan(200);
    // The button is the way back for a reader who does not scroll. It is pressed without scrolling
    // it into view: a scroll to the top loads the next page by itself and would race the press.
    await messages(grace).getByRole('button', { name: 'Load older messages' }).dispatchEvent('click');
    await shown(messages(grace).getByText('Note number 1', { exact: true }));
    await shown(messages(grace).getByText('Start of the conversation'));
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('can be used with the keyboard alone, every control showing where the focus is', async () => {
    const watch = new PageWatch();
    const erin = await watch.open(await browser.newContext({ viewport: { width: 1280, height: 800 } }), 'erin-keyboard');
    const frank = await watch.open(await browser.newContext({ viewport: { width: 1280, height: 800 } }), 'frank');
    await erin.goto(demo.url);
    await shown(erin.getByRole('button', { name: 'Log in' }));

    // Log in as a user of one's own choosing.
    await tabTo(erin, erin.getByLabel('Or another user id'));
    await erin.keyboard.type('erin');
    await tabTo(erin, erin.getByRole('button', { name: 'Log in' }));
    await erin.keyboard.press('Enter');
    await shown(erin.getByText('Signed in as'));
    await hidden(banner(erin));

    // Start a chat and write in it, an emoji from the picker included.
    await tabTo(erin, conversations(erin).getByLabel('New chat with user id'));
    await erin.keyboard.type('frank');
    await erin.keyboard.press('Enter');
    await shown(erin.getByRole('heading', { name: 'frank' }));
    await tabTo(erin, composer(erin));
    await erin.keyboard.type('Hello from the keyboard ');
    await tabTo(erin, erin.getByRole('button', { name: /emoji/i }));
    await erin.keyboard.press('Enter');
    // The picker takes the focus; arrows move through it, Enter picks one and gives the focus back.
    await erin.keyboard.press('ArrowRight');
    await erin.keyboard.press('Enter');
    await expect.poll(() => composer(erin).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await composer(erin).inputValue()).toMatch(/^Hello from the keyboard \p{Extended_Pictographic}/u);
    await erin.keyboard.press('Enter');
    const sent = messages(erin).getByRole('listitem').filter({ hasText: 'Hello from the keyboard' });
    await shown(sent);

    // A reply arrives in another conversation: reached from the list with the keyboard.
    await frank.goto(demo.url);
    await frank.getByLabel('Or another user id').fill('frank');
    await frank.getByRole('button', { name: 'Log in' }).click();
    await shown(frank.getByText('Signed in as'));
    await entry(frank, 'erin').click();
    await send(frank, 'Got it, Erin');
    await tabTo(erin, entry(erin, 'frank'), true);
    await erin.keyboard.press('Enter');
    await shown(messages(erin).getByText('Got it, Erin'));

    // Recall by keyboard: the message goes on both sides.
    await tabTo(erin, sent.getByRole('button', { name: /^Recall/ }));
    await erin.keyboard.press('Enter');
    await shown(messages(erin).getByText('This message was recalled'));
    await shown(messages(frank).getByText('This message was recalled'));

    // A dialog keeps the focus inside, closes on Escape, and gives the focus back to its opener.
    const newGroup = erin.getByRole('button', { name: 'New group' });
    await tabTo(erin, newGroup, true);
    await erin.keyboard.press('Enter');
    const dialog = erin.getByRole('dialog');
    await shown(dialog);
    // The page behind is inert: Tab goes round the dialog's controls and out to the browser's own
    // (the document then has no focused element), never to a control of the page behind it.
    for (let i = 0; i < 12; i++) {
      await erin.keyboard.press('Tab');
      expect(await dialog.evaluate((element) => element.contains(document.activeElement) || document.activeElement === document.body)).toBe(true);
    }
    await erin.keyboard.press('Escape');
    await hidden(dialog);
    expect(await newGroup.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('offers Recall only inside the recall window the app\'s settings give', async () => {
    const { email, password, appId } = JSON.parse(readFileSync(join(dir, 'demo-app.json'), 'utf8')) as { email: string; password: string; appId: string };
    const consoleCall = async (path: string, init: RequestInit & { token?: string } = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: unknown }).data;
    };
    const { token } = (await consoleCall('/console/login', { method: 'POST', body: JSON.stringify({ email, password }) })) as { token: string };
    const setWindow = (recallWindowSeconds: number) =>
      consoleCall(`/console/apps/${appId}`, { method: 'PATCH', token, body: JSON.stringify({ settings: { recallWindowSeconds } }) });
    const watch = new PageWatch();
    const page = await watch.open(await browser.newContext({ viewport: { width: 1280, height: 800 } }), 'carol-no-recall');
    await setWindow(0);
    try {
      await login(page, demo.url, 'carol');
      await conversations(page).getByLabel('New chat with user id').fill('dave');
      await conversations(page).getByRole('button', { name: 'Start chat' }).click();
      await send(page, 'This one stays');
      const message = messages(page).getByRole('listitem').filter({ hasText: 'This one stays' });
      await shown(message.getByText('Sent', { exact: true }));
      // The default window would still offer it for two minutes; this app allows none.
      expect(await message.getByRole('button', { name: /^Recall/ }).count()).toBe(0);
    } finally {
      await setWindow(120);
    }
    expect(watch.errors).toEqual([]);
  }, 60_000);

  it('works at phone width: list and chat as two screens', async () => {
    const watch = new PageWatch();
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const dave = await watch.open(context, 'dave-phone');
    await dave.goto(demo.url);
    await shown(dave.getByRole('button', { name: 'Log in' }));
    await noHorizontalOverflow(dave);
    await login(dave, demo.url, 'dave');
    await noHorizontalOverflow(dave);

    await conversations(dave).getByLabel('New chat with user id').fill('alice');
    await conversations(dave).getByRole('button', { name: 'Start chat' }).click();
    // One screen at a time: the chat replaces the list.
    await shown(dave.getByRole('heading', { name: 'Alice' }));
    expect(await conversations(dave).isVisible()).toBe(false);
    await send(dave, 'Hi Alice, this is Dave on his phone. A long line that has to wrap inside the bubble instead of widening the page.');
    await shown(messages(dave).getByText('this is Dave on his phone', { exact: false }));
    await shown(messages(dave).getByText('Sent', { exact: true }));
    await noHorizontalOverflow(dave);
    await docShot(dave, 'demo-phone');

    await dave.getByRole('button', { name: 'Back to conversations' }).click();
    await shown(entry(dave, 'Alice'));
    expect(await dave.getByRole('heading', { name: 'Alice' }).isVisible()).toBe(false);
    await noHorizontalOverflow(dave);
    expect(watch.errors).toEqual([]);
  }, 60_000);
});
