import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, disconnection, openDevice, refusalOf } from './support/devices.js';
import { createApp, startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
let tokens: Record<string, string>;

beforeAll(async () => {
  ({ t, app, tokens } = await startTestWorld(['alice', 'bob']));
});
afterAll(() => t.close());

describe('socket handshake', () => {
  it('accepts auth {appId, token} and says who the device is', async () => {
    const device = openDevice(t, app.appId, tokens['alice']!);
    const ready = await device.next('ready');
    expect(ready).toMatchObject({ appId: app.appId, userId: 'alice', platform: 'web' });
    expect(Math.abs(ready.serverTime - t.clock.now())).toBeLessThan(5000);
    device.close();
  });

  it('accepts the credentials in the query string too, with a platform', async () => {
    const device = await connectDevice(t, app.appId, tokens['bob']!, { viaQuery: true, platform: 'ios' });
    expect(device.all('ready')[0]).toMatchObject({ userId: 'bob', platform: 'ios' });
    device.close();
  });

  it.each([
    ['an unknown token', () => 'not-a-token', 'TOKEN_INVALID'],
    ['an empty token', () => '', 'INVALID_PARAMS'],
  ])('refuses %s with a clear code', async (_name, token, code) => {
    const refusal = await refusalOf(openDevice(t, app.appId, token()));
    expect(refusal.data?.code).toBe(code);
    expect(refusal.message).toBe(refusal.data?.message);
  });

  it('refuses an unknown app', async () => {
    const refusal = await refusalOf(openDevice(t, 'ffffffffffffffff', tokens['alice']!));
    expect(refusal.data).toEqual({
      code: 'UNKNOWN_APP',
      message: 'app ffffffffffffffff does not exist (it may have been deleted); check the appId in the console',
    });
  });

  it("refuses another app's token", async () => {
    const other = await createApp(t);
    const refusal = await refusalOf(openDevice(t, other.appId, tokens['alice']!));
    expect(refusal.data?.code).toBe('TOKEN_INVALID');
  });

  it('refuses an unknown platform', async () => {
    const refusal = await refusalOf(openDevice(t, app.appId, tokens['alice']!, { platform: 'toaster' }));
    expect(refusal.data?.code).toBe('INVALID_PARAMS');
    expect(refusal.data?.message).toMatch(/^platform: /);
  });

  it('refuses an expired token', async () => {
    const { token } = await app.api.getToken({ userId: 'carol', name: 'Carol' });
    t.clock.advance(8 * 24 * 3600 * 1000);
    try {
      const refusal = await refusalOf(openDevice(t, app.appId, token));
      expect(refusal.data).toMatchObject({ code: 'TOKEN_INVALID', reason: 'expired' });
      expect(refusal.data?.message).toMatch(/^token expired at \d{4}-\d\d-\d\dT[\d:.]+Z; fetch a new one from the backend \(POST \/user\/getToken\)$/);
    } finally {
      t.clock.advance(-8 * 24 * 3600 * 1000);
    }
  });

  it('refuses a revoked token, and disconnects devices connected with it', async () => {
    const { token } = await app.api.getToken({ userId: 'dave', name: 'Dave' });
    const phone = await connectDevice(t, app.appId, token, { platform: 'ios' });
    const laptop = await connectDevice(t, app.appId, token, { platform: 'web' });
    const ended = [disconnection(phone), disconnection(laptop)];
    await app.api.revokeTokens({ userId: 'dave' });

    expect(await phone.next('kicked')).toEqual({ reason: 'TOKEN_REVOKED', message: 'your tokens were revoked; sign in again' });
    expect(await laptop.next('kicked')).toMatchObject({ reason: 'TOKEN_REVOKED' });
    // "io server disconnect": socket.io clients do not reconnect by themselves after it.
    expect(await Promise.all(ended)).toEqual(['io server disconnect', 'io server disconnect']);
    const refusal = await refusalOf(openDevice(t, app.appId, token));
    expect(refusal.data).toMatchObject({ code: 'TOKEN_INVALID', reason: 'revoked' });
    expect(refusal.data?.message).toMatch(/^token was revoked at .+; the backend must mint a new one with POST \/user\/getToken$/);
  });

  it('says a token is unknown when it was never minted for this app', async () => {
    const refusal = await refusalOf(openDevice(t, app.appId, 'not-a-token'));
    expect(refusal.data).toEqual({
      code: 'TOKEN_INVALID',
      reason: 'unknown',
      message: `token is not a token of app ${app.appId} (mistyped, minted for another app, or its user was deleted); mint one with POST /user/getToken`,
    });
  });

  it("disconnects an app's devices when the app is deleted", async () => {
    const doomed = await createApp(t);
    const { token } = await doomed.api.getToken({ userId: 'erin', name: 'Erin' });
    const device = await connectDevice(t, doomed.appId, token);
    const ended = disconnection(device);
    const res = await fetch(`${t.url}/console/apps/${doomed.appId}`, { method: 'DELETE', headers: doomed.tenant.auth });
    expect(res.status).toBe(200);
    expect(await device.next('kicked')).toMatchObject({ reason: 'APP_DELETED' });
    expect(await ended).toBe('io server disconnect');
  });
});
