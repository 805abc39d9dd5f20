import { ErrorCode, type AppSettings } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signParams } from './support/signed-request.js';
import { changeAppSettings, createApp, postJson, signUpTenant, startTestWorld, type TestWorld } from './support/test-server.js';

/** Limits of the signed API per app, and the quotas of apps, users and groups. */

let world: TestWorld;
beforeAll(async () => {
  world = await startTestWorld(['alice', 'bob'], { MAX_APPS_PER_TENANT: '2' });
});
afterAll(() => world.close());

const settings = (patch: Partial<AppSettings>) => changeAppSettings(world.t, world.app, patch);

/** A signed getToken with its response headers. */
async function getToken(userId: string, secret = world.app.appSecret) {
  const params = signParams({ userId, name: userId }, { appId: world.app.appId, secret, now: world.t.clock.now() });
  const res = await fetch(`${world.t.url}/user/getToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return { status: res.status, body: (await res.json()) as { code?: string; retryAfterMs?: number }, headers: res.headers };
}

describe('the signed API rate limit (apiRequestsPerSecond)', () => {
  it('answers 429 RATE_LIMITED with Retry-After and RateLimit-* headers over the limit, and the headers on every answer', async () => {
    await settings({ apiRequestsPerSecond: 5 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => getToken('alice')));
    const ok = answers.filter((res) => res.status === 200);
    const limited = answers.filter((res) => res.status === 429);
    // A window may end mid-burst; never more than two windows' worth get through.
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.length).toBeLessThanOrEqual(10);
    expect(ok.length + limited.length).toBe(12);
    for (const res of ok) {
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(5);
    }
    for (const res of limited) {
      expect(res.body).toMatchObject({ status: 0, code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) });
      expect(res.body.retryAfterMs).toBeGreaterThan(0);
      expect(res.body.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(res.headers.get('ratelimit-policy')).toBe('5;w=1');
    }
    await settings({ apiRequestsPerSecond: 500 });
  });

  it('does not count forged requests, so nobody else can spend an app budget', async () => {
    await settings({ apiRequestsPerSecond: 3 });
    const forged = await Promise.all(Array.from({ length: 10 }, () => getToken('alice', 'not the secret')));
    expect(forged.every((res) => res.body.code === ErrorCode.SIGNATURE_INVALID)).toBe(true);
    const real = await Promise.all(Array.from({ length: 3 }, () => getToken('bob')));
    // The window may turn over between the two bursts; either way the real requests fit in it.
    expect(real.map((res) => res.status)).toEqual([200, 200, 200]);
    await settings({ apiRequestsPerSecond: 500 });
  });
});

describe('quotas', () => {
  it('maxUsers refuses a new user with 403 QUOTA_EXCEEDED; existing users still get tokens', async () => {
    const other = await createApp(world.t, world.app.tenant);
    await changeAppSettings(world.t, other, { maxUsers: 2, maxGroups: 1 });
    await other.api.getToken({ userId: 'u1', name: 'U1' });
    await other.api.getToken({ userId: 'u2', name: 'U2' });
    await expect(other.api.getToken({ userId: 'u3', name: 'U3' })).rejects.toMatchObject({ code: ErrorCode.QUOTA_EXCEEDED, status: 403 });
    await expect(other.api.getToken({ userId: 'u1', name: 'U1 again' })).resolves.toMatchObject({ userId: 'u1' });

    await other.api.createGroup({ groupId: 'g1', userIds: ['u1', 'u2'], name: 'one' });
    await expect(other.api.createGroup({ groupId: 'g2', userIds: ['u1'], name: 'two' })).rejects.toMatchObject({ code: ErrorCode.QUOTA_EXCEEDED });
    await other.api.dismissGroup({ groupId: 'g1' });
    await expect(other.api.createGroup({ groupId: 'g2', userIds: ['u1'], name: 'two' })).resolves.toMatchObject({ groupId: 'g2' });
  });

  it('MAX_APPS_PER_TENANT refuses one app more', async () => {
    const tenant = await signUpTenant(world.t.url);
    await createApp(world.t, tenant);
    await createApp(world.t, tenant);
    const third = await postJson(`${world.t.url}/app/create`, { appName: 'third', description: '' }, tenant.auth);
    expect(third.status).toBe(403);
    expect(third.body.code).toBe(ErrorCode.QUOTA_EXCEEDED);
  });
});
