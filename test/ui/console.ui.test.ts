import { createHash } from 'node:crypto';
import { ParleyClient } from '@parley/sdk';
import { MessageType } from '@parley/sdk/protocol';
import { computeSign, ParleyServerApi } from '@parley/sdk/server';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpWithApp, startProductionServer, type ProductionServer } from '../e2e/support/processes.js';
import { browserAvailable, docShot, launchChromium, PageWatch } from './support/ui.js';

/**
 * The tenant console, built as `npm start` serves it at /console, driven in Chromium against the
 * production server: accounts, apps and their secrets, usage, message search, settings, the
 * signature debugger, deletion, and the phone layout. Signed API calls are made from Node with
 * the SDK, as a tenant's backend makes them.
 */

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };
const PASSWORD = 'a long passphrase';

let server: ProductionServer;
let browser: Browser;
let tenants = 0;

const api = (appId: string, appSecret: string) => new ParleyServerApi({ baseUrl: server.url, appId, appSecret, maxRetries: 0 });

/** Resolves with the error code of a signed call expected to fail. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('the call was accepted');
}

async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

async function newContext(viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  return context;
}

async function openConsole(watch: PageWatch, context: BrowserContext, label: string, hash = ''): Promise<Page> {
  const page = await watch.open(context, label);
  await page.goto(`${server.url}/console/${hash}`);
  return page;
}

/** Logs in on the console's form, as a returning tenant does. */
async function logIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** A tenant with one app, made over the API (the sign-up flow itself is tested in the UI below). */
async function tenantWithApp(appName: string) {
  return signUpWithApp(server.url, appName);
}

/** A console API read with the token the page holds, to compare what the page shows with the data. */
async function consoleGet<T>(page: Page, path: string): Promise<T> {
  const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('parley.console.session') ?? '{}') as { token?: string }).token);
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { data: T }).data;
}

async function openApp(page: Page, appId: string, tab: string, heading: string): Promise<void> {
  await page.goto(`${server.url}/console/#/apps/${appId}${tab === '' ? '' : `/${tab}`}`);
  await page.getByRole('heading', { level: 2, name: heading }).waitFor();
}

describe.skipIf(!browserAvailable())('tenant console', () => {
  beforeAll(async () => {
    server = await startProductionServer(15_000, { STORE: 'memory' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a tenant signs up, creates an app, copies its secret once, rotates it with a grace period and reveals it with the password', async () => {
    const watch = new PageWatch();
    const context = await newContext();
    const page = await openConsole(watch, context, 'console');
    const email = `ui-owner-${++tenants}-${Date.now()}@example.com`;

    await page.getByRole('heading', { name: 'Log in to the Parley console' }).waitFor();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: '8 to 128 characters' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Your apps' }).waitFor();

    // Create an app: its secret is shown once, with a copy button.
    await page.getByRole('button', { name: 'Create app' }).click();
    const create = page.getByRole('dialog', { name: 'Create an app' });
    await create.getByLabel('Description').fill('Chat for the web shop');
    await create.getByLabel('App name').fill('Shop chat');
    await create.getByLabel('App name').press('Enter');
    const created = page.getByRole('dialog', { name: 'App “Shop chat” created' });
    const panel = created.getByRole('region', { name: 'App secret' });
    await panel.waitFor();
    const secret = (await text(panel.locator('[data-secret]'))).trim();
    expect(secret).toMatch(/^[0-9a-f]{40}$/);
    const appId = /App ID: ([0-9a-f]{16})/.exec(await text(created))?.[1] ?? '';
    expect(appId).toMatch(/^[0-9a-f]{16}$/);
    expect(await text(panel)).toContain('You will not see this secret again');
    await panel.getByRole('button', { name: 'Copy secret' }).click();
    await panel.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await docShot(page, 'console-secret-once');

    // The copied secret signs.
    const original = api(appId, secret);
    expect((await original.getToken({ userId: 'u1', name: 'U1' })).token).toBeTruthy();

    // Escape closes the dialog; the app is listed, its secret only as a hint.
    await page.keyboard.press('Escape');
    await created.waitFor({ state: 'hidden' });
    const row = page.getByRole('listitem').filter({ hasText: 'Shop chat' });
    await row.waitFor();
    expect(await text(row)).toContain(`…${secret.slice(-4)}`);
    expect(await text(page.locator('main'))).not.toContain(secret);
    await docShot(page, 'console-apps');

    // Rotate with one hour of grace: the new secret is shown once, with the old one's end.
    await row.getByRole('link', { name: 'Shop chat' }).click();
    await page.getByRole('heading', { level: 1, name: 'Shop chat' }).waitFor();
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the app secret' });
    expect(await rotate.getByLabel('Old secret keeps working for').inputValue()).toBe('86400');
    await rotate.getByLabel('Old secret keeps working for').selectOption({ label: '1 hour' });
    const before = Date.now();
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = page.getByRole('dialog', { name: 'Secret rotated' });
    const newPanel = rotated.getByRole('region', { name: 'New app secret' });
    await newPanel.waitFor();
    const newSecret = (await text(newPanel.locator('[data-secret]'))).trim();
    expect(newSecret).toMatch(/^[0-9a-f]{40}$/);
    expect(newSecret).not.toBe(secret);
    const graceText = await text(newPanel.locator('[data-grace]'));
    expect(graceText).toContain('The old secret works until');
    // The time shown is the browser's rendering of the app's previousSecretValidUntil, an hour from now.
    const consoleApp = await consoleGet<{ previousSecretValidUntil: number | null }>(page, `/console/apps/${appId}`);
    expect(consoleApp.previousSecretValidUntil! - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(consoleApp.previousSecretValidUntil! - Date.now()).toBeLessThanOrEqual(3600_000);
    const shownUntil = await page.evaluate(
      (at) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(at),
      consoleApp.previousSecretValidUntil!,
    );
    expect(graceText).toContain(shownUntil);
    await newPanel.getByRole('button', { name: 'Copy secret' }).click();
    await newPanel.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(newSecret);

    // Both secrets sign during the grace period.
    expect((await api(appId, newSecret).getToken({ userId: 'u2', name: 'U2' })).token).toBeTruthy();
    expect((await original.getToken({ userId: 'u1', name: 'U1' })).token).toBeTruthy();

    await rotated.getByRole('button', { name: 'Close' }).click();
    await rotated.waitFor({ state: 'hidden' });
    expect(await text(page.locator('main'))).toContain('The previous secret still works until');
    expect(await text(page.locator('main'))).toContain(`…${newSecret.slice(-4)}`);

    // Reveal: a wrong password is refused; the right one shows the new secret.
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const reveal = page.getByRole('dialog', { name: 'Reveal the app secret' });
    await reveal.getByLabel('Your console password').fill('not my password');
    await reveal.getByRole('button', { name: 'Reveal secret' }).click();
    await reveal.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    await reveal.getByLabel('Your console password').fill(PASSWORD);
    await reveal.getByLabel('Your console password').press('Enter');
    await reveal.waitFor({ state: 'hidden' });
    const revealed = page.getByRole('region', { name: 'Revealed app secret' });
    expect((await text(revealed.locator('[data-secret]'))).trim()).toBe(newSecret);

    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('the signature debugger names a planted mistake: spaces as %20, and lowercase hex', async () => {
    const { appId, appSecret, email } = await tenantWithApp('Debugged');
    const watch = new PageWatch();
    const context = await newContext();
    const page = await openConsole(watch, context, 'debugger');
    await logIn(page, email);
    await openApp(page, appId, 'signature', 'Signature debugger');

    // The secret, revealed once with the password, stays in the page.
    await page.getByLabel('Your console password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.getByText(`ending in …${appSecret.slice(-4)}`).waitFor();

    // A backend that encodes with encodeURIComponent: "Alice Smith" becomes Alice%20Smith.
    const params = { app_id: appId, time_stamp: String(Math.floor(Date.now() / 1000)), nonce_str: 'n0nce', userId: 'u1', name: 'Alice Smith' };
    const wrong = Object.keys(params)
      .sort()
      .map((key) => `${key}=${encodeURIComponent(params[key as keyof typeof params])}`)
      .join('&');
    const plantedSign = createHash('md5').update(`${wrong}&app_key=${appSecret}`).digest('hex').toUpperCase();
    await page.getByLabel('Request parameters').fill(new URLSearchParams({ ...params, sign: plantedSign }).toString());
    await page.getByRole('button', { name: 'Check signature' }).click();
    const verdict = page.locator('[data-verdict][role="status"]');
    await verdict.filter({ hasText: 'does not match' }).waitFor();
    expect(await text(verdict)).toMatch(/Spaces were encoded as %20 instead of \+/);
    const expected = computeSign(params, appSecret);
    expect(await text(page.locator('[data-expected-sign]'))).toBe(expected);
    // The string to sign is shown with the secret masked, until asked for.
    const shownString = await text(page.locator('[data-string-to-sign]'));
    expect(shownString).toContain('name=Alice+Smith');
    expect(shownString).not.toContain(appSecret);
    expect(shownString.endsWith(appSecret.slice(-4))).toBe(true);
    await page.getByRole('heading', { name: '2. The request' }).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await docShot(page, 'console-signature-debugger');
    await page.getByLabel('Show the secret in the strings').check();
    expect(await text(page.locator('[data-string-to-sign]'))).toContain(`&app_key=${appSecret}`);

    // A JSON body signed right but written in lowercase hex: accepted, and named.
    await page.getByLabel('JSON body').check();
    await page.getByLabel('Request parameters').fill(JSON.stringify(params));
    await page.getByLabel('Your sign').fill(expected.toLowerCase());
    await page.getByRole('button', { name: 'Check signature' }).click();
    await verdict.filter({ hasText: 'lowercase hex' }).waitFor();
    expect(await text(verdict)).toContain('Your sign matches, but in lowercase hex');

    // And the right sign with a stale time stamp: the match is reported with the clock problem.
    const stale = { ...params, time_stamp: String(Math.floor(Date.now() / 1000) - 3600) };
    await page.getByLabel('Request parameters').fill(JSON.stringify(stale));
    await page.getByLabel('Your sign').fill(computeSign(stale, appSecret));
    await page.getByRole('button', { name: 'Check signature' }).click();
    await verdict.filter({ hasText: 'Your sign matches.' }).waitFor();
    expect(await text(verdict)).toContain('time_stamp is 60 minutes in the past');

    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('usage counts users and today’s messages; search finds a message, and its detail shows who read it', async () => {
    const { appId, appSecret, email } = await tenantWithApp('Busy');
    const backend = api(appId, appSecret);
    await backend.getToken({ userId: 'alice', name: 'Alice' });
    const { token: bobToken } = await backend.getToken({ userId: 'bob', name: 'Bob' });
    await backend.getToken({ userId: 'carol', name: 'Carol' });
    await backend.sendPrivateMessage({ senderUserId: 'alice', targetId: 'bob', messageType: MessageType.TEXT, content: { content: 'Where is invoice 1042?' } });
    await backend.sendPrivateMessage({ senderUserId: 'bob', targetId: 'carol', messageType: MessageType.TEXT, content: { content: 'lunch?' } });

    const watch = new PageWatch();
    const context = await newContext();
    const page = await openConsole(watch, context, 'usage');
    await logIn(page, email);
    await openApp(page, appId, '', 'Overview');
    await page.locator('[data-stat="users"]').filter({ hasText: '3' }).waitFor();
    expect(await text(page.locator('[data-stat="messages-today"]'))).toBe('2');
    expect(await text(page.locator('[data-stat="sockets-online"]'))).toBe('0');
    const chart = page.getByRole('img', { name: /Messages per day, last 30 days/ });
    await chart.waitFor();
    expect(await page.getByRole('table', { name: 'Messages per UTC day' }).getByRole('row').count()).toBe(31);
    expect(await text(page.locator('main'))).toMatch(/of 10 GiB used/);
    await docShot(page, 'console-usage');

    // Bob comes online and reads the chat; the usage page sees his socket on refresh.
    const bob = new ParleyClient({ url: server.url, appId, token: bobToken, platform: 'web', socketOptions: { transports: ['websocket'] } });
    try {
      await bob.connect();
      const sessions = await bob.getSessions();
      const withAlice = sessions.find((session) => session.targetId === 'alice');
      expect(withAlice).toBeDefined();
      await bob.markRead(withAlice!.sid);
      // Presence is shared through the bus, so the count may lag the connection by a moment.
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Refresh usage' }).click();
          return text(page.locator('[data-stat="sockets-online"]'));
        })
        .toBe('1');

      await page.getByRole('link', { name: 'Messages' }).click();
      await page.getByRole('heading', { level: 2, name: 'Messages' }).waitFor();
      await page.getByLabel('Text contains').fill('INVOICE 1042');
      await page.getByRole('button', { name: 'Search messages' }).click();
      await page.getByRole('status').filter({ hasText: '1 message found' }).waitFor();
      await page.getByRole('button', { name: 'Where is invoice 1042?' }).click();
      const detail = page.getByRole('dialog', { name: 'Message detail' });
      const bobRow = detail.locator('[data-recipient="bob"]');
      await bobRow.waitFor();
      expect(await text(bobRow)).toContain('Read');
      expect(await text(bobRow)).toContain('Online (web)');
      // Bob connected after the message was stored: it reached him from history, not by a push.
      expect(await text(bobRow.locator('[data-column="pushed-to"]'))).toBe('No device connected: gets it from history');
      expect(await text(detail)).toContain('seq 1 of the conversation (its latest is 1)');
      await docShot(page, 'console-messages');
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'hidden' });

      // A private chat is searched by its two users, in either order. (Cleared until it reads
      // empty: a field behind the closing dialog can miss the first fill on a busy machine.)
      const textField = page.getByLabel('Text contains');
      await expect.poll(async () => (await textField.fill(''), textField.inputValue())).toBe('');
      await page.getByLabel('Conversation').selectOption({ label: 'A private chat' });
      await page.getByLabel('First user ID').fill('carol');
      await page.getByLabel('Second user ID').fill('bob');
      await page.getByRole('button', { name: 'Search messages' }).click();
      await page.getByRole('button', { name: 'lunch?' }).waitFor();
      expect(await page.getByRole('button', { name: 'Where is invoice 1042?' }).count()).toBe(0);

      // Nothing was sent after tomorrow (the date inputs are local time, like the browser's).
      const tomorrow = new Date(Date.now() + 86400_000);
      const local = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}T00:00`;
      await page.getByLabel('Sent from').fill(local(tomorrow));
      await page.getByRole('button', { name: 'Search messages' }).click();
      await page.getByRole('status').filter({ hasText: '0 messages found' }).waitFor();

      // By sender, a page at a time: 25 of Carol's, 20 per page, then the older ones.
      for (let i = 1; i <= 25; i++) {
        await backend.sendPrivateMessage({ senderUserId: 'carol', targetId: 'alice', messageType: MessageType.TEXT, content: { content: `note ${i}` } });
      }
      await page.getByLabel('Sent from').fill('');
      await page.getByLabel('Conversation').selectOption({ label: 'Any conversation' });
      await page.getByLabel('Sender user ID').fill('carol');
      await page.getByRole('button', { name: 'Search messages' }).click();
      await page.getByRole('button', { name: 'note 25', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: /^note \d+$/ }).count()).toBe(20);
      await page.getByRole('button', { name: 'Load older messages' }).click();
      await page.getByRole('button', { name: 'note 1', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: /^note \d+$/ }).count()).toBe(25);
      // Bob's message is not Carol's.
      expect(await page.getByRole('button', { name: 'lunch?' }).count()).toBe(0);
    } finally {
      bob.disconnect();
    }

    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('settings: an out-of-range value is refused on the page, a valid change is saved and survives a reload', async () => {
    const { appId, email } = await tenantWithApp('Configured');
    const watch = new PageWatch();
    const context = await newContext();
    const page = await openConsole(watch, context, 'settings');
    await logIn(page, email);
    await openApp(page, appId, 'settings', 'Settings');

    const ttl = page.getByLabel('User token lifetime (seconds)');
    const ttlBefore = await ttl.inputValue();
    await ttl.fill('5');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'User token lifetime must be between 60 and' });
    await alert.waitFor();
    expect(await ttl.getAttribute('aria-invalid')).toBe('true');
    await docShot(page, 'console-settings');

    await ttl.fill(ttlBefore);
    await page.getByLabel('Sender recall window (seconds)').fill('300');
    await page.getByLabel('Login policy').selectOption('one-per-platform');
    await page.getByLabel('Video').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: 3 settings changed.' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
    expect(await page.getByLabel('Sender recall window (seconds)').inputValue()).toBe('300');
    expect(await page.getByLabel('Login policy').inputValue()).toBe('one-per-platform');
    expect(await page.getByLabel('Video').isChecked()).toBe(false);
    expect(await page.getByLabel('Images').isChecked()).toBe(true);
    expect(await page.getByLabel('User token lifetime (seconds)').inputValue()).toBe(ttlBefore);

    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('deleting an app takes its name typed in; the app disappears and its secret stops signing', async () => {
    const { appId, appSecret, email } = await tenantWithApp('Doomed app');
    const backend = api(appId, appSecret);
    await backend.getToken({ userId: 'u1', name: 'U1' });
    const watch = new PageWatch();
    const context = await newContext();
    const page = await openConsole(watch, context, 'delete');
    await logIn(page, email);
    await openApp(page, appId, 'credentials', 'Credentials');

    await page.getByRole('button', { name: 'Delete app…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this app' });
    const confirm = dialog.getByRole('button', { name: 'Delete app' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the app name').fill('doomed app');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the app name').fill('Doomed app');
    expect(await confirm.isEnabled()).toBe(true);
    await confirm.click();
    await page.getByRole('heading', { name: 'Your apps' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'The app “Doomed app” was deleted.' }).waitFor();
    expect(await page.getByRole('link', { name: 'Doomed app' }).count()).toBe(0);

    expect(await refusal(backend.getToken({ userId: 'u1', name: 'U1' }))).toBe('UNKNOWN_APP');

    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('on a phone every tab of an app fits the width, the login works from the keyboard, and an ended session leads back to it', async () => {
    const { appId, email, consoleToken } = await tenantWithApp('Pocket');
    const watch = new PageWatch();
    const context = await newContext(PHONE);
    const page = await openConsole(watch, context, 'phone', `#/apps/${appId}/settings`);

    // Keyboard only: type, Tab to the next field, Tab to the button, Enter.
    await page.getByLabel('Email').focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Log in');
    await page.keyboard.press('Enter');
    // The deep link opened while logged out is where the login leads.
    await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();

    for (const [tab, heading] of [
      ['', 'Overview'],
      ['messages', 'Messages'],
      ['settings', 'Settings'],
      ['signature', 'Signature debugger'],
      ['credentials', 'Credentials'],
    ] as const) {
      await openApp(page, appId, tab, heading);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      expect(scrollWidth, `#/apps/…/${tab} overflows`).toBeLessThanOrEqual(clientWidth);
    }
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    const dialogBox = await page.getByRole('dialog', { name: 'Rotate the app secret' }).boundingBox();
    expect(dialogBox!.x + dialogBox!.width).toBeLessThanOrEqual(PHONE.width);
    await page.keyboard.press('Escape');

    // The token this browser holds is revoked elsewhere: the next request leads to the login form.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('parley.console.session') ?? '{}') as { token?: string }).token);
    expect(token).toBeTruthy();
    expect(token).not.toBe(consoleToken);
    const logout = await fetch(`${server.url}/console/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(logout.status).toBe(200);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Log in to the Parley console' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Log in again' }).waitFor();

    // Logging in again, then out with the button: the token this browser held no longer works.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const held = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('parley.console.session') ?? '{}') as { token?: string }).token);
    expect(held).toBeTruthy();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('status').filter({ hasText: 'You are logged out.' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('parley.console.session'))).toBeNull();
    expect((await fetch(`${server.url}/console/apps`, { headers: { authorization: `Bearer ${held}` } })).status).toBe(401);

    expect(watch.errors).toEqual([]);
    await context.close();
  });
});
