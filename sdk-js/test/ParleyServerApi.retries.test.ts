import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyServerApi, type ParleyServerApiOptions } from '../src/server/index.js';

// How the server API client treats "slow down" answers: RATE_LIMITED (429) and SERVER_BUSY (503)
// mean nothing was done, so it waits as told and tries again, on every route, within maxRetries.
// A scripted fetch stands in for the server; fake timers stand in for the waits.

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Answer = { status: number; body: string; headers?: Record<string, string> };

function scripted(answers: Answer[], options: Partial<ParleyServerApiOptions> = {}) {
  const calls: number[] = [];
  const fetch: typeof globalThis.fetch = async () => {
    calls.push(Date.now());
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  };
  const api = new ParleyServerApi({ baseUrl: 'http://parley.test', appId: 'app1', appSecret: 'secret', fetch, ...options });
  return { api, calls };
}

const ok = (data: unknown): Answer => ({ status: 200, body: JSON.stringify({ status: 1, message: 'ok', data }) });
const limited = (retryAfterMs?: number, headers?: Record<string, string>): Answer => ({
  status: 429,
  body: JSON.stringify({ status: 0, code: 'RATE_LIMITED', message: 'signed requests of this app: at most 500 per 1 s; retry in 1 s', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }),
  ...(headers ? { headers } : {}),
});
const group = { groupId: 'g', userIds: ['a'], name: 'G' };

/** Settles `promise` while moving the fake clock, and returns what it settled with. */
async function run<T>(promise: Promise<T>, ms = 10_000): Promise<{ value?: T; error?: unknown }> {
  const outcome = promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  await vi.advanceTimersByTimeAsync(ms);
  return outcome;
}

describe('ParleyServerApi and RATE_LIMITED', () => {
  it('waits the retryAfterMs of the body and tries again, also on a route that is not retry-safe', async () => {
    const { api, calls } = scripted([limited(700), ok(null)]);
    const { value, error } = await run(api.createGroup(group));
    expect(error).toBeUndefined();
    expect(value).toBeNull();
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(700);
    expect(calls[1]! - calls[0]!).toBeLessThanOrEqual(700 + 700 / 5 + 50);
  });

  it('reads Retry-After when the body has no retryAfterMs, and gives up after maxRetries with the error carrying it', async () => {
    const { api, calls } = scripted([limited(undefined, { 'retry-after': '2' })], { maxRetries: 1 });
    const { error } = await run(api.getGroupMembers({ groupId: 'g' }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true, retryAfterMs: 2000 });
    expect(calls).toHaveLength(2);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('retries SERVER_BUSY the same way', async () => {
    const busy: Answer = { status: 503, body: JSON.stringify({ status: 0, code: 'SERVER_BUSY', message: 'busy', retryAfterMs: 1000 }) };
    const { api, calls } = scripted([busy, ok({ token: 't', userId: 'u', expiresAt: 1 })]);
    expect((await run(api.getToken({ userId: 'u', name: 'U' }))).value).toMatchObject({ token: 't' });
    expect(calls).toHaveLength(2);
  });

  it('with retryRateLimited: false, rejects at once with retryAfterMs', async () => {
    const { api, calls } = scripted([limited(300), ok(null)], { retryRateLimited: false });
    const { error } = await run(api.joinGroup({ groupId: 'g', userIds: ['b'] }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 300 });
    expect(calls).toHaveLength(1);
  });

  it('with maxRetries: 0, never retries', async () => {
    const { api, calls } = scripted([limited(300), ok(null)], { maxRetries: 0 });
    expect((await run(api.joinGroup({ groupId: 'g', userIds: ['b'] }))).error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 300 });
    expect(calls).toHaveLength(1);
  });

  it("reads a proxy's bare 429 as RATE_LIMITED, with an HTTP-date Retry-After", async () => {
    const when = new Date(Date.now() + 5000).toUTCString();
    const { api } = scripted([{ status: 429, body: '<html>Too Many Requests</html>', headers: { 'content-type': 'text/html', 'retry-after': when } }], { maxRetries: 0 });
    const { error } = await run(api.getUserSessions({ userId: 'u' }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3000);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(5000);
  });
});
