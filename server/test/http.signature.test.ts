import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, signParams } from './support/signed-request.js';
import { call, createApp, postJson, startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;

beforeAll(async () => {
  ({ t, app } = await startTestWorld());
});
afterAll(() => t.close());

const user = () => ({ userId: `u${Math.random().toString(36).slice(2, 8)}`, name: 'Alice Liddell (小李)', avatarUri: 'https://cdn.example.com/a.png?s=64&v=4' });
const sign = (fields: Record<string, unknown>, extra: Partial<Parameters<typeof signParams>[1]> = {}) =>
  signParams(fields, { appId: app.appId, secret: app.appSecret, now: t.clock.now(), ...extra });

describe('a correctly signed request', () => {
  it('is accepted as a JSON body', async () => {
    const res = await sendSigned(t.url, '/user/getToken', sign(user()), 'json');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(1);
    expect(res.body.data.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is accepted as a form body, arrays and objects given as JSON text', async () => {
    const alice = user();
    const bob = user();
    await sendSigned(t.url, '/user/getToken', sign(alice), 'form');
    await sendSigned(t.url, '/user/getToken', sign(bob), 'form');
    const group = await sendSigned(t.url, '/group/create', sign({ groupId: 'form-g', userIds: [alice.userId, bob.userId], name: '测试群' }), 'form');
    expect(group.body).toMatchObject({ status: 1 });
    expect(group.body.data.memberCount).toBe(2);
    const sent = await sendSigned(
      t.url,
      '/group/send/message',
      sign({ senderUserId: alice.userId, targetId: 'form-g', messageType: 1, content: { content: 'via form', extra: { b: 1, a: 2 } } }),
      'form',
    );
    expect(sent.status).toBe(200);
    expect(sent.body.data.content).toEqual({ content: 'via form', extra: { b: 1, a: 2 } });
  });

  it('in a form body, signs JSON text as the text sent: reordered keys no longer match', async () => {
    const alice = user();
    const bob = user();
    await sendSigned(t.url, '/user/getToken', sign(alice));
    await sendSigned(t.url, '/user/getToken', sign(bob));
    const params = sign({ senderUserId: alice.userId, targetId: bob.userId, messageType: 1, content: { content: 'x', extra: { b: 1, a: 2 } } });
    const res = await fetch(`${t.url}/private/send/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...(params as Record<string, string>), content: JSON.stringify(params.content) }).toString(),
    });
    expect(res.status).toBe(401);
  });

  it('is accepted as a query string on GET routes, numbers given as text', async () => {
    const alice = user();
    await sendSigned(t.url, '/user/getToken', sign(alice));
    const res = await sendSigned(t.url, '/session/messages', sign({ userId: alice.userId, targetId: alice.userId, conversationType: 1, limit: 5 }), 'query');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it('accepts a 13-digit millisecond time_stamp and a lowercase sign', async () => {
    const params = sign(user(), { timeStamp: String(t.clock.now()) });
    const res = await sendSigned(t.url, '/user/getToken', { ...params, sign: String(params.sign).toLowerCase() });
    expect(res.status).toBe(200);
  });

  it('accepts time_stamp as a JSON number', async () => {
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: Math.floor(t.clock.now() / 1000) }));
    expect(res.status).toBe(200);
  });
});

describe('a request that fails verification', () => {
  it('with a tampered field -> 401 SIGNATURE_INVALID', async () => {
    const params = sign(user());
    const res = await sendSigned(t.url, '/user/getToken', { ...params, name: 'Mallory' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 0, code: 'SIGNATURE_INVALID' });
  });

  it('signed with another secret -> 401 SIGNATURE_INVALID', async () => {
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { secret: 'f'.repeat(40) }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGNATURE_INVALID');
  });

  it('older than 5 minutes -> 401 SIGNATURE_EXPIRED', async () => {
    const stale = Math.floor(t.clock.now() / 1000) - 301;
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: String(stale) }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGNATURE_EXPIRED');
  });

  it('more than 5 minutes in the future -> 401 SIGNATURE_EXPIRED', async () => {
    const ahead = t.clock.now() + 301_000;
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: String(ahead) }));
    expect(res.body.code).toBe('SIGNATURE_EXPIRED');
  });

  it('within the window at 4 minutes either way is still accepted', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    expect((await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: String(now - 240) }))).status).toBe(200);
    expect((await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: String(now + 240) }))).status).toBe(200);
  });

  it('for an unknown app_id -> 401 UNKNOWN_APP', async () => {
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { appId: '0000000000000000' }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNKNOWN_APP');
  });

  // The four parameters are the routes' security scheme: without them a request is unauthenticated.
  it.each(['app_id', 'time_stamp', 'nonce_str', 'sign'])('without %s -> 401 SIGNATURE_INVALID naming it', async (field) => {
    const params = sign(user());
    delete params[field];
    const res = await sendSigned(t.url, '/user/getToken', params);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 0, code: 'SIGNATURE_INVALID' });
    expect(res.body.message).toMatch(new RegExp(`^${field}: is required`));
  });

  it.each(['', null])('with sign %j -> 401 SIGNATURE_INVALID naming sign', async (value) => {
    const res = await sendSigned(t.url, '/user/getToken', { ...sign(user()), sign: value });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(/^sign: is required/) });
  });

  it('with a malformed time_stamp -> 400 naming time_stamp', async () => {
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { timeStamp: 'yesterday' }));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^time_stamp:/);
  });
});

describe('nonces', () => {
  it('a replayed request -> 401 NONCE_REUSED, and nothing is written twice', async () => {
    const alice = user();
    await sendSigned(t.url, '/user/getToken', sign(alice));
    const bob = user();
    await sendSigned(t.url, '/user/getToken', sign(bob));
    const params = sign({ senderUserId: alice.userId, targetId: bob.userId, messageType: 1, content: { content: 'once' } });
    const first = await sendSigned(t.url, '/private/send/message', params);
    const replay = await sendSigned(t.url, '/private/send/message', params);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('NONCE_REUSED');
    const history = await app.api.getSessionMessages({ userId: bob.userId, targetId: alice.userId, conversationType: 1 });
    expect(history).toHaveLength(1);
  });

  it('the same nonce_str with different fields is still a replay', async () => {
    await sendSigned(t.url, '/user/getToken', sign(user(), { nonce: 'fixed-nonce-1' }));
    const res = await sendSigned(t.url, '/user/getToken', sign(user(), { nonce: 'fixed-nonce-1' }));
    expect(res.body.code).toBe('NONCE_REUSED');
  });

  it('is per app: another app may use the same nonce_str', async () => {
    const other = await createApp(t);
    await sendSigned(t.url, '/user/getToken', sign(user(), { nonce: 'shared-nonce' }));
    const res = await sendSigned(
      t.url,
      '/user/getToken',
      signParams(user(), { appId: other.appId, secret: other.appSecret, nonce: 'shared-nonce', now: t.clock.now() }),
    );
    expect(res.status).toBe(200);
  });

  it('is not spent by a request whose signature is wrong', async () => {
    const bad = await sendSigned(t.url, '/user/getToken', sign(user(), { nonce: 'unspent', sign: 'A'.repeat(32) }));
    expect(bad.body.code).toBe('SIGNATURE_INVALID');
    const good = await sendSigned(t.url, '/user/getToken', sign(user(), { nonce: 'unspent' }));
    expect(good.status).toBe(200);
  });
});

describe('secret rotation', () => {
  it('keeps the previous secret valid during the grace period, then refuses it', async () => {
    const rotating = await createApp(t);
    const old = rotating.appSecret;
    const rotated = await postJson(`${t.url}/console/apps/${rotating.appId}/rotate-secret`, { graceSeconds: 600 }, rotating.tenant.auth);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.data.appSecret as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.data.previousSecretValidUntil).toBeGreaterThan(t.clock.now());

    const withSecret = (secret: string) =>
      sendSigned(t.url, '/user/getToken', signParams(user(), { appId: rotating.appId, secret, now: t.clock.now() }));
    expect((await withSecret(old)).status).toBe(200);
    expect((await withSecret(fresh)).status).toBe(200);

    t.clock.advance(601_000);
    const late = await withSecret(old);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('SIGNATURE_INVALID');
    expect((await withSecret(fresh)).status).toBe(200);
  });

  it('with graceSeconds 0 the old secret stops at once', async () => {
    const rotating = await createApp(t);
    await postJson(`${t.url}/console/apps/${rotating.appId}/rotate-secret`, { graceSeconds: 0 }, rotating.tenant.auth);
    const res = await sendSigned(
      t.url,
      '/user/getToken',
      signParams(user(), { appId: rotating.appId, secret: rotating.appSecret, now: t.clock.now() }),
    );
    expect(res.body.code).toBe('SIGNATURE_INVALID');
  });
});

describe('unsigned access', () => {
  it('a plain GET of an open-API route without parameters -> 401 naming app_id', async () => {
    const res = await call(`${t.url}/user/sessions`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(/^app_id:/) });
  });

  it('signature parameters in the query string of a POST, fields in its JSON body, are accepted', async () => {
    const params = sign(user());
    const { app_id, time_stamp, nonce_str, sign: signature, ...fields } = params;
    const query = new URLSearchParams({ app_id: String(app_id), time_stamp: String(time_stamp), nonce_str: String(nonce_str), sign: String(signature) });
    const res = await call(`${t.url}/user/getToken?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
    expect(res.status).toBe(200);
  });
});
