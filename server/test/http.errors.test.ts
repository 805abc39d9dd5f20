import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import type { AppRecord } from '../src/store/records.js';
import { call, createApp, createUsers, startTestServer, type TestServer } from './support/test-server.js';

/** A real memory store whose app lookup fails when told to, standing in for a database outage. */
class FlakyStore extends MemoryStore {
  failAppLookups = false;
  constructor() {
    super();
    const get = this.apps.get.bind(this.apps);
    this.apps.get = async (appId: string): Promise<AppRecord | null> => {
      if (this.failAppLookups) throw new Error('connection reset by peer (secret detail)');
      return get(appId);
    };
  }
}

let t: TestServer;
const store = new FlakyStore();
beforeAll(async () => {
  t = await startTestServer({}, { store });
});
afterAll(() => t.close());

describe('routing errors', () => {
  it('an unknown path -> 404 NOT_FOUND envelope', async () => {
    const res = await call(`${t.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 0, code: 'NOT_FOUND', message: 'no route GET /no/such/route' });
  });

  it('a known path with the wrong method -> 405 METHOD_NOT_ALLOWED', async () => {
    const res = await call(`${t.url}/user/getToken`);
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ status: 0, code: 'METHOD_NOT_ALLOWED' });
  });

  it.each([
    ['GET', '/user/getToken', 'POST'],
    ['PUT', '/console/apps/0123456789abcdef', 'HEAD, GET, PATCH, DELETE'],
    ['DELETE', '/session/messages', 'HEAD, GET'],
    ['PATCH', '/openapi.json', 'HEAD, GET'],
  ])('%s %s -> 405 with Allow: %s, in the envelope', async (method, path, allow) => {
    const res = await fetch(`${t.url}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toEqual({ status: 0, code: 'METHOD_NOT_ALLOWED', message: `${path} does not take ${method}; it takes ${allow}` });
  });

  it('OPTIONS lists the methods of a path in Allow', async () => {
    const res = await fetch(`${t.url}/console/apps/0123456789abcdef`, { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toBe('HEAD, GET, PATCH, DELETE');
  });
});

describe('unexpected failures', () => {
  it('answer 500 INTERNAL with a request id and no internals, and log the details', async () => {
    const app = await createApp(t);
    await createUsers(app, 'u1');
    store.failAppLookups = true;
    try {
      // Well-formed and in time, so that the signature check reaches the (failing) app lookup.
      const timeStamp = Math.floor(t.clock.now() / 1000);
      const res = await fetch(`${t.url}/user/sessions?app_id=${app.appId}&time_stamp=${timeStamp}&nonce_str=n&sign=${'0'.repeat(32)}&userId=u1`, {
        headers: { 'x-request-id': 'trace-123' },
      });
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBe('trace-123');
      const body = await res.json();
      expect(body).toEqual({ status: 0, code: 'INTERNAL', message: 'internal error; quote request id trace-123 when reporting it' });
      expect(JSON.stringify(body)).not.toContain('secret detail');
      const logged = t.logs.lines.find((line) => line.includes('trace-123') && line.includes('unhandled error'));
      expect(logged).toContain('connection reset by peer');
    } finally {
      store.failAppLookups = false;
    }
  });

  it('every response carries an X-Request-Id', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('meta routes', () => {
  it('GET /health answers ok', async () => {
    const res = await call(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 1, data: { uptimeSeconds: expect.any(Number) } });
  });
});
