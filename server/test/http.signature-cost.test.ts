import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ErrorCode } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNED_PARAMS_MAX } from '../src/domain/apps/request-signature.js';
import { sendSigned, signParams } from './support/signed-request.js';
import { call, postJson, startTestWorld, type TestWorld } from './support/test-server.js';

/**
 * A signed route is open to the internet: anyone knows an app's (public) app_id. A forged request
 * must be refused before it costs the server anything that matters.
 */

const SIGNED_BODY_MAX_BYTES = 256 * 1024;
let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld(['alice']);
});
afterAll(() => world.close());

const forged = (fields: Record<string, unknown>) =>
  signParams(fields, { appId: world.app.appId, secret: 'not the secret', now: world.t.clock.now() });

/** A getToken request whose JSON body is close to `bytes`, of text that encodes to 9 bytes per character when signed. */
function largeRequest(bytes: number): Record<string, unknown> {
  const name = '汉'.repeat(Math.floor((bytes - 300) / 3));
  return forged({ userId: 'mallory', name });
}

describe('the body of a signed route', () => {
  it('is refused with 413 above SIGNED_BODY_MAX_BYTES, before its signature is looked at', async () => {
    const res = await sendSigned(world.t.url, '/user/getToken', largeRequest(SIGNED_BODY_MAX_BYTES + 4096));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 0, code: ErrorCode.PAYLOAD_TOO_LARGE });
  });

  it('of the maximum size with a forged sign is refused as SIGNATURE_INVALID', async () => {
    const params = largeRequest(SIGNED_BODY_MAX_BYTES);
    expect(JSON.stringify(params).length * 3).toBeGreaterThan(SIGNED_BODY_MAX_BYTES * 0.9);
    const res = await sendSigned(world.t.url, '/user/getToken', params);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(ErrorCode.SIGNATURE_INVALID);
  });

  it('does not block the event loop while maximum-size forged requests arrive, also with a rotated secret in grace', async () => {
    const rotated = await postJson(`${world.t.url}/console/apps/${world.app.appId}/rotate-secret`, { graceSeconds: 3600 }, world.app.tenant.auth);
    expect(rotated.status).toBe(200);

    // The server runs in this process: the loop's longest stall is the longest time any request
    // (or probe) had to wait for it.
    const requests = Array.from({ length: 16 }, () => largeRequest(SIGNED_BODY_MAX_BYTES));
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    const burst = requests.map((params) => sendSigned(world.t.url, '/user/getToken', params));
    const probe = call(`${world.t.url}/health`);
    const refused = await Promise.all(burst);
    stalls.disable();

    expect((await probe).status).toBe(200);
    expect(refused.map((res) => res.body.code)).toEqual(Array(16).fill(ErrorCode.SIGNATURE_INVALID));
    // Building the string to sign byte by byte (for each live secret) blocked the loop for about
    // 440 ms per megabyte, and a dozen requests held a probe for seconds; on whole strings, and
    // with the body bounded, a request costs milliseconds. The bound leaves room for a slow machine.
    const longestStallMs = stalls.max / 1e6;
    expect(longestStallMs).toBeLessThan(250);
  });
});

describe('cheap refusals come before the string to sign is built', () => {
  it('a sign that is not 32 hex characters is SIGNATURE_INVALID', async () => {
    const params = { ...forged({ userId: 'mallory', name: 'M' }), sign: 'x'.repeat(1000) };
    const res = await sendSigned(world.t.url, '/user/getToken', params);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: ErrorCode.SIGNATURE_INVALID, message: expect.stringContaining('32 hex') });
  });

  it('an app_id that cannot be an app id is UNKNOWN_APP, without echoing it back', async () => {
    const params = signParams({ userId: 'mallory', name: 'M' }, { appId: 'z'.repeat(5000), secret: 's', now: world.t.clock.now() });
    const res = await sendSigned(world.t.url, '/user/getToken', params);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(ErrorCode.UNKNOWN_APP);
    expect(res.body.message.length).toBeLessThan(200);
  });

  it(`more than ${SIGNED_PARAMS_MAX} parameters are refused`, async () => {
    const extra = Object.fromEntries(Array.from({ length: SIGNED_PARAMS_MAX }, (_, i) => [`f${i}`, 'x']));
    const res = await sendSigned(world.t.url, '/user/getToken', forged({ userId: 'mallory', name: 'M', ...extra }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: ErrorCode.INVALID_PARAMS, message: expect.stringContaining(`at most ${SIGNED_PARAMS_MAX}`) });
  });

  it('a stale time_stamp is SIGNATURE_EXPIRED even for an app that does not exist', async () => {
    const params = signParams({ userId: 'mallory', name: 'M' }, { appId: '0123456789abcdef', secret: 's', timeStamp: '1000000000' });
    const res = await sendSigned(world.t.url, '/user/getToken', params);
    expect(res.body.code).toBe(ErrorCode.SIGNATURE_EXPIRED);
  });
});
