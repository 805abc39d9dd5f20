import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, signParams } from './support/signed-request.js';
import { call, createApp, postJson, signUpTenant, startTestServer, type TestServer } from './support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('tenant accounts', () => {
  it('signs up, logs in with the same password and gets a token each time', async () => {
    const signup = await postJson(`${t.url}/console/signup`, { email: 'Owner@Example.com', password: 'a long passphrase' });
    expect(signup.status).toBe(200);
    expect(signup.body).toMatchObject({ status: 1, data: { token: expect.any(String), expiresAt: expect.any(Number) } });
    // Emails are case-insensitive.
    const login = await postJson(`${t.url}/console/login`, { email: 'owner@example.com', password: 'a long passphrase' });
    expect(login.status).toBe(200);
    expect(login.body.data.token).not.toBe(signup.body.data.token);
  });

  it('refuses a second account with the same email -> 409 CONFLICT', async () => {
    await postJson(`${t.url}/console/signup`, { email: 'dup@example.com', password: 'a long passphrase' });
    const again = await postJson(`${t.url}/console/signup`, { email: 'DUP@example.com', password: 'another passphrase' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('a wrong password and an unknown email get the same 401 CREDENTIALS_INVALID', async () => {
    await postJson(`${t.url}/console/signup`, { email: 'pw@example.com', password: 'a long passphrase' });
    const wrong = await postJson(`${t.url}/console/login`, { email: 'pw@example.com', password: 'not the passphrase' });
    const unknown = await postJson(`${t.url}/console/login`, { email: 'nobody@example.com', password: 'a long passphrase' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 0, code: 'CREDENTIALS_INVALID', message: 'email or password is wrong' });
    }
  });

  it('stores a slow-KDF hash, never the password', async () => {
    await postJson(`${t.url}/console/signup`, { email: 'hash@example.com', password: 'a long passphrase' });
    const tenant = await t.server.store.tenants.getByEmail('hash@example.com');
    expect(tenant?.passwordHash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(tenant?.passwordHash).not.toContain('a long passphrase');
  });

  it.each([
    [{ email: 'not-an-email', password: 'a long passphrase' }, /^email:/],
    // Passes zod's stock email regex but not JSON Schema's `email` format (a host label ends with -): the document says both.
    [{ email: 'x@b-.cc', password: 'a long passphrase' }, /^email: must be an email address/],
    [{ email: `${'a'.repeat(65)}@example.com`, password: 'a long passphrase' }, /^email: the part before @ must be at most 64 characters/],
    [{ email: 'short@example.com', password: 'short' }, /^password: must be at least 8/],
    [{ email: 'x@example.com' }, /^password: is required/],
    [{ email: { $gt: '' }, password: 'a long passphrase' }, /^email:/],
  ])('rejects %j -> 400 INVALID_PARAMS', async (body, message) => {
    const res = await postJson(`${t.url}/console/signup`, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_PARAMS');
    expect(res.body.message).toMatch(message);
  });
});

describe('apps', () => {
  it('creates an app with a random id and a secret of at least 128 bits', async () => {
    const tenant = await signUpTenant(t.url);
    const res = await postJson(`${t.url}/app/create`, { appName: 'Chat', description: 'our chat' }, tenant.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 1, data: { appName: 'Chat', appId: expect.stringMatching(/^[0-9a-f]{16}$/) } });
    expect(res.body.data.appSecret).toMatch(/^[0-9a-f]{40}$/);
    const second = await postJson(`${t.url}/app/create`, { appName: 'Chat', description: '' }, tenant.auth);
    expect(second.body.data.appId).not.toBe(res.body.data.appId);
    expect(second.body.data.appSecret).not.toBe(res.body.data.appSecret);
  });

  it('lists only the signed-in tenant\'s apps', async () => {
    const alice = await signUpTenant(t.url);
    const bob = await signUpTenant(t.url);
    const a1 = await createApp(t, alice);
    const a2 = await createApp(t, alice);
    const b1 = await createApp(t, bob);
    const list = await call(`${t.url}/console/apps`, { headers: alice.auth });
    expect(list.status).toBe(200);
    expect(list.body.data.map((app: { appId: string }) => app.appId)).toEqual([a1.appId, a2.appId]);
    expect(list.body.data[0]).toMatchObject({ secretHint: a1.appSecret.slice(-4), settings: { tokenTtlSeconds: 604800 } });
    expect(list.body.data[0]).not.toHaveProperty('appSecret');
    const bobs = await call(`${t.url}/console/apps`, { headers: bob.auth });
    expect(bobs.body.data.map((app: { appId: string }) => app.appId)).toEqual([b1.appId]);
  });

  it('another tenant\'s app looks like a missing one: 404 on read, change, rotate and delete', async () => {
    const owner = await signUpTenant(t.url);
    const intruder = await signUpTenant(t.url);
    const app = await createApp(t, owner);
    const base = `${t.url}/console/apps/${app.appId}`;
    const attempts = [
      call(base, { headers: intruder.auth }),
      call(base, { method: 'PATCH', headers: { ...intruder.auth, 'content-type': 'application/json' }, body: '{"appName":"mine"}' }),
      postJson(`${base}/rotate-secret`, {}, intruder.auth),
      call(base, { method: 'DELETE', headers: intruder.auth }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const reveal = await postJson(`${base}/secret`, { password: 'correct horse battery' }, intruder.auth);
    expect([reveal.status, reveal.body.code]).toEqual([404, 'NOT_FOUND']);
    const mine = await call(base, { headers: owner.auth });
    expect(mine.body.data).toMatchObject({ appName: 'Test app', secretHint: app.appSecret.slice(-4) });
  });

  it('changes name and settings; new tokens follow the new lifetime', async () => {
    const app = await createApp(t);
    const res = await call(`${t.url}/console/apps/${app.appId}`, {
      method: 'PATCH',
      headers: { ...app.tenant.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ appName: 'Renamed', settings: { tokenTtlSeconds: 3600 } }),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ appName: 'Renamed', settings: { tokenTtlSeconds: 3600, maxGroupMembers: 2000 } });
    const before = t.clock.now();
    const { expiresAt } = await app.api.getToken({ userId: 'u1', name: 'U1' });
    expect(expiresAt - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(expiresAt - before).toBeLessThanOrEqual(3600_000 + 1000);
  });

  it('a change needs a body: PATCH without one -> 400 naming body, and nothing changes', async () => {
    const app = await createApp(t);
    const res = await call(`${t.url}/console/apps/${app.appId}`, { method: 'PATCH', headers: app.tenant.auth });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 0, code: 'INVALID_PARAMS', message: 'body: is required: send the fields as a JSON object' });
    const after = await call(`${t.url}/console/apps/${app.appId}`, { headers: app.tenant.auth });
    expect(after.body.data).toMatchObject({ appName: 'Test app', secretHint: app.appSecret.slice(-4) });
  });

  it('a rotation needs none: rotate-secret without a body rotates with the default grace', async () => {
    const app = await createApp(t);
    const res = await call(`${t.url}/console/apps/${app.appId}/rotate-secret`, { method: 'POST', headers: app.tenant.auth });
    expect(res.status).toBe(200);
    expect(res.body.data.appSecret).not.toBe(app.appSecret);
    expect(res.body.data.previousSecretValidUntil).toBeGreaterThan(t.clock.now() + 24 * 3600 * 1000 - 5000);
  });

  it('shows the secret once: at creation and rotation; afterwards only with the password', async () => {
    const app = await createApp(t);
    const base = `${t.url}/console/apps/${app.appId}`;
    const shown = await call(base, { headers: app.tenant.auth });
    expect(JSON.stringify(shown.body)).not.toContain(app.appSecret);

    const wrong = await postJson(`${base}/secret`, { password: 'not the passphrase' }, app.tenant.auth);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ status: 0, code: 'CREDENTIALS_INVALID', message: 'email or password is wrong' });
    const revealed = await postJson(`${base}/secret`, { password: 'correct horse battery' }, app.tenant.auth);
    expect(revealed.status).toBe(200);
    expect(revealed.body.data).toEqual({ appSecret: app.appSecret, previousSecretValidUntil: null });

    const rotated = await postJson(`${base}/rotate-secret`, { graceSeconds: 600 }, app.tenant.auth);
    expect(rotated.body.data.appSecret).toMatch(/^[0-9a-f]{40}$/);
    expect(rotated.body.data.secretHint).toBe(rotated.body.data.appSecret.slice(-4));
    const after = await postJson(`${base}/secret`, { password: 'correct horse battery' }, app.tenant.auth);
    expect(after.body.data).toEqual({ appSecret: rotated.body.data.appSecret, previousSecretValidUntil: rotated.body.data.previousSecretValidUntil });
    expect(rotated.body.data.previousSecretValidUntil).toBeGreaterThan(t.clock.now() + 590_000);
    expect(JSON.stringify((await call(`${t.url}/console/apps`, { headers: app.tenant.auth })).body)).not.toContain(rotated.body.data.appSecret);
  });

  it('console bodies are JSON: a form body -> 415, and nothing is created', async () => {
    const tenant = await signUpTenant(t.url);
    const res = await call(`${t.url}/app/create`, {
      method: 'POST',
      headers: { ...tenant.auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'appName=Form&description=x',
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' });
    expect((await call(`${t.url}/console/apps`, { headers: tenant.auth })).body.data).toEqual([]);
  });

  it('deleting an app stops its signatures and removes its data', async () => {
    const app = await createApp(t);
    await app.api.getToken({ userId: 'gone', name: 'Gone' });
    const del = await call(`${t.url}/console/apps/${app.appId}`, { method: 'DELETE', headers: app.tenant.auth });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ status: 1, message: 'app deleted', data: null });
    const res = await sendSigned(t.url, '/user/getToken', signParams({ userId: 'x', name: 'X' }, { appId: app.appId, secret: app.appSecret, now: t.clock.now() }));
    expect(res.body.code).toBe('UNKNOWN_APP');
    expect(await t.server.store.forApp(app.appId).users.get('gone')).toBeNull();
  });

  it('rejects a malformed app id in the path -> 400 naming appId', async () => {
    const tenant = await signUpTenant(t.url);
    const res = await call(`${t.url}/console/apps/..%2Fetc`, { headers: tenant.auth });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^appId:/);
  });

  it('without a console token -> 401 TOKEN_INVALID, with a garbage one too', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const res = await postJson(`${t.url}/app/create`, { appName: 'x', description: 'y' }, headers);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TOKEN_INVALID');
    }
  });

  it('a console token stops working when it expires', async () => {
    const tenant = await signUpTenant(t.url);
    t.clock.advance(24 * 3600 * 1000 + 1000);
    const res = await call(`${t.url}/console/apps`, { headers: tenant.auth });
    expect(res.status).toBe(401);
  });

  it('logs one line per request with its id and app, and never a user token or a signature', async () => {
    const tenant = await signUpTenant(t.url);
    const app = await createApp(t, tenant);
    const params = signParams({ userId: 'logged', name: 'Logged' }, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });
    const issued = await sendSigned(t.url, '/user/getToken', params);
    const { token } = (issued.body as { data: { token: string } }).data;
    const usage = await call(`${t.url}/console/apps/${app.appId}/usage`, { headers: { ...tenant.auth, 'x-request-id': 'trace-usage-1' } });
    expect(usage.status).toBe(200);

    const requests = t.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['msg'] === 'request');
    expect(requests.find((line) => line['path'] === '/user/getToken' && line['appId'] === app.appId)).toMatchObject({ requestId: expect.any(String), status: 200 });
    expect(requests.find((line) => line['requestId'] === 'trace-usage-1')).toMatchObject({ path: `/console/apps/${app.appId}/usage`, appId: app.appId, status: 200 });
    for (const secret of [token, String(params['sign']), String(params['nonce_str'])]) expect(t.logs.text).not.toContain(secret);
  });

  it('never writes an app secret or a password to the logs', async () => {
    const tenant = await signUpTenant(t.url);
    const app = await createApp(t, tenant);
    await postJson(`${t.url}/console/apps/${app.appId}/rotate-secret`, {}, tenant.auth);
    const { body } = await postJson(`${t.url}/console/apps/${app.appId}/secret`, { password: 'correct horse battery' }, tenant.auth);
    const secrets = [body.data.appSecret];
    expect(t.logs.lines.length).toBeGreaterThan(0);
    for (const secret of [...secrets, app.appSecret, 'correct horse battery', tenant.token]) {
      expect(t.logs.text).not.toContain(secret);
    }
  });
});
