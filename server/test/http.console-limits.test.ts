import { ErrorCode } from '@parley/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { call, postJson, startTestServer, type JsonResponse, type TestServer } from './support/test-server.js';

/**
 * Console sign-up and login are open to anyone and each runs a memory-hard hash: they must not be
 * a way to exhaust the server, and a console token must stop working when its owner says so.
 */

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const password = 'correct horse battery';
const signup = (email: string, headers: Record<string, string> = {}) => postJson(`${t!.url}/console/signup`, { email, password }, headers);
const login = (email: string, pass = password, headers: Record<string, string> = {}) =>
  postJson(`${t!.url}/console/login`, { email, password: pass }, headers);
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** A raw response with its headers, for the rate-limit headers. */
async function postWithHeaders(path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse & { headers: Headers }> {
  const res = await fetch(`${t!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('password hashing under a flood of sign-ups', () => {
  it('runs a bounded number of hashes and answers the rest 503 SERVER_BUSY with Retry-After, then serves a real login', async () => {
    // A cost high enough that hashes overlap while the flood arrives.
    t = await startTestServer({ PASSWORD_SCRYPT_COST: '16384', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' });
    expect((await signup('owner@example.com')).status).toBe(200);

    const flood = await Promise.all(
      Array.from({ length: 24 }, (_, i) => postWithHeaders('/console/signup', { email: `flood${i}@example.com`, password })),
    );
    const busy = flood.filter((res) => res.status === 503);
    expect(flood.every((res) => res.status === 200 || res.status === 503)).toBe(true);
    expect(busy.length).toBeGreaterThan(0);
    expect(flood.filter((res) => res.status === 200).length).toBeGreaterThanOrEqual(3);
    for (const res of busy) {
      expect(res.body).toMatchObject({ status: 0, code: ErrorCode.SERVER_BUSY, retryAfterMs: expect.any(Number) });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // The flood is over: the real owner is served.
    expect((await login('owner@example.com')).status).toBe(200);
  });

  it('refuses a taken email before hashing: 409 even while every hash slot is busy', async () => {
    t = await startTestServer({ PASSWORD_SCRYPT_COST: '65536', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' });
    expect((await signup('taken@example.com')).status).toBe(200);
    const holding = signup('slow@example.com');
    // The slot is taken once a second hash is refused.
    let refused: JsonResponse;
    let probes = 0;
    do refused = await signup(`probe${probes}@example.com`);
    while (refused.status === 200 && ++probes < 20);
    expect(refused.body.code).toBe(ErrorCode.SERVER_BUSY);

    const duplicate = await signup('taken@example.com');
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe(ErrorCode.CONFLICT);
    expect((await holding).status).toBe(200);
  });
});

describe('sign-up and login rate limits', () => {
  it('counts attempts per IP: over the limit is 429 RATE_LIMITED with Retry-After and RateLimit-* headers', async () => {
    t = await startTestServer({ TRUST_PROXY: 'true', CONSOLE_AUTH_PER_IP: '3' });
    for (let i = 0; i < 3; i++) expect((await login(`someone${i}@example.com`, password, from('203.0.113.7'))).status).toBe(401);
    const limited = await postWithHeaders('/console/login', { email: 'owner@example.com', password }, from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 0, code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-policy')).toBe('3;w=600');
    // Another address is not affected.
    expect((await signup('owner@example.com', from('198.51.100.1'))).status).toBe(200);
  });

  it('counts attempts per email across addresses', async () => {
    t = await startTestServer({ TRUST_PROXY: 'true', CONSOLE_AUTH_PER_EMAIL: '2' });
    expect((await signup('target@example.com', from('198.51.100.1'))).status).toBe(200);
    expect((await login('target@example.com', 'wrong guess 1', from('198.51.100.2'))).status).toBe(401);
    const third = await login('target@example.com', password, from('198.51.100.3'));
    expect(third.status).toBe(429);
    expect(third.body.code).toBe(ErrorCode.RATE_LIMITED);
    // Other accounts still log in.
    expect((await signup('other@example.com', from('198.51.100.3'))).status).toBe(200);
  });
});

describe('console sessions', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const apps = (token: string) => call(`${t!.url}/console/apps`, { headers: bearer(token) });

  it('logout revokes that token only', async () => {
    t = await startTestServer();
    const first = (await signup('owner@example.com')).body.data.token as string;
    const second = (await login('owner@example.com')).body.data.token as string;
    const out = await postJson(`${t.url}/console/logout`, undefined, bearer(first));
    expect(out.status).toBe(200);
    expect((await apps(first)).body.code).toBe(ErrorCode.TOKEN_INVALID);
    expect((await apps(second)).status).toBe(200);
  });

  it('changing the password revokes every token and answers a fresh one; the old password stops working', async () => {
    t = await startTestServer();
    const first = (await signup('owner@example.com')).body.data.token as string;
    const second = (await login('owner@example.com')).body.data.token as string;

    const wrong = await postJson(`${t.url}/console/password`, { currentPassword: 'not it at all', newPassword: 'a new passphrase' }, bearer(first));
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe(ErrorCode.CREDENTIALS_INVALID);
    expect((await apps(first)).status).toBe(200);

    const changed = await postJson(`${t.url}/console/password`, { currentPassword: password, newPassword: 'a new passphrase' }, bearer(first));
    expect(changed.status).toBe(200);
    for (const old of [first, second]) expect((await apps(old)).body.code).toBe(ErrorCode.TOKEN_INVALID);
    expect((await apps(changed.body.data.token)).status).toBe(200);
    expect((await login('owner@example.com')).status).toBe(401);
    expect((await login('owner@example.com', 'a new passphrase')).status).toBe(200);
  });
});
