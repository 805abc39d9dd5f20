import { connect } from 'node:net';
import { ErrorCode, ErrorStatus } from '@parley/sdk/protocol';
import { toSignedFields } from '@parley/sdk/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../src/http/app.js';
import type { Route } from '../src/http/route.js';
import { fieldsArbitrary, keyArbitrary, ownRecord, PROTOTYPE_NAMES } from './support/hostile-values.js';
import { sendSigned, signParams } from './support/signed-request.js';
import { call, createApp, signUpTenant, startTestWorld, type JsonResponse, type Tenant, type TestApp, type TestServer } from './support/test-server.js';

/**
 * No input a client can send gets a 5xx or an answer outside the envelope: field names that are
 * also names of `Object.prototype`, `__proto__`, numbers that overflow, foreign charsets,
 * oversized or malformed request heads, and (by property) any mix of names, types and nesting
 * on every route.
 */

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  // Limits high enough that the properties below reach validation instead of a 429.
  ({ t, app } = await startTestWorld(['a', 'b'], {
    API_REQUESTS_PER_SECOND: '100000',
    CONSOLE_AUTH_PER_IP: '100000',
    CONSOLE_AUTH_PER_EMAIL: '100000',
  }));
  await app.api.createGroup({ groupId: 'g', userIds: ['a', 'b'], name: 'G' });
});
afterAll(() => t.close());

/** `fields` plus an own property `name` (an object literal would set the prototype for `__proto__`). */
const withField = (fields: Record<string, unknown>, name: string, value: unknown) => ownRecord([...Object.entries(fields), [name, value]]);

const sign = (fields: Record<string, unknown>) => signParams(fields, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });
const unknownField = (name: string) => ({ status: 0, code: 'INVALID_PARAMS', message: `${name}: is not a field of this request (names are case-sensitive)` });
let emails = 0;
const freshEmail = () => `hostile${++emails}-${Date.now()}@example.com`;

describe('a field named like an Object.prototype member (or __proto__) is an unknown field, never a 500 or dropped', () => {
  it.each(PROTOTYPE_NAMES)('%s in a signed form body', async (name) => {
    const res = await sendSigned(t.url, '/user/getToken', sign(withField({ userId: 'a', name: 'A' }, name, 'x')), 'form');
    expect(res).toEqual({ status: 400, body: unknownField(name) });
  });

  it.each(PROTOTYPE_NAMES)('%s in a signed query string', async (name) => {
    const res = await sendSigned(t.url, '/user/sessions', sign(withField({ userId: 'a' }, name, 'x')), 'query');
    expect(res).toEqual({ status: 400, body: unknownField(name) });
  });

  it.each(PROTOTYPE_NAMES)('%s in a signed JSON body', async (name) => {
    const res = await sendSigned(t.url, '/user/getToken', sign(withField({ userId: 'a', name: 'A' }, name, 1)), 'json');
    expect(res).toEqual({ status: 400, body: unknownField(name) });
  });

  it.each(PROTOTYPE_NAMES)('%s in the query string of an unauthenticated /console/signup', async (name) => {
    const res = await call(`${t.url}/console/signup?${new URLSearchParams([[name, '1']])}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: freshEmail(), password: 'correct horse battery' }),
    });
    expect(res).toEqual({ status: 400, body: unknownField(name) });
  });

  it.each(PROTOTYPE_NAMES)('%s in the JSON body of /console/signup, which creates no account', async (name) => {
    const email = freshEmail();
    const body = JSON.stringify(withField({ email, password: 'correct horse battery' }, name, 1));
    const res = await call(`${t.url}/console/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res).toEqual({ status: 400, body: unknownField(name) });
    const again = await call(`${t.url}/console/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
    expect(again.status).toBe(200);
  });

  it.each(PROTOTYPE_NAMES)('%s in the query string of a console route with a token', async (name) => {
    const res = await call(`${t.url}/app/create?${new URLSearchParams([[name, '1']])}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...app.tenant.auth },
      body: JSON.stringify({ appName: 'Proto' }),
    });
    expect(res).toEqual({ status: 400, body: unknownField(name) });
  });

  it('__proto__ in a form body with a bracket name is still answered with what to send', async () => {
    const res = await call(`${t.url}/user/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '__proto__[isAdmin]=1&userId=a',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^__proto__: send arrays and objects as JSON text/) });
  });

  it('a form field named toString that arrives twice is refused as given twice', async () => {
    const res = await call(`${t.url}/user/sessions?toString=1&toString=2`);
    expect(res).toEqual({ status: 400, body: { status: 0, code: 'INVALID_PARAMS', message: 'toString: is given more than once' } });
  });
});

/** A JSON body with signature parameters that pass every check before the string to sign is built. */
function signedLookingJson(fieldsJson: string): string {
  const time = Math.floor(t.clock.now() / 1000);
  return `{${fieldsJson},"app_id":"${app.appId}","time_stamp":"${time}","nonce_str":"n${Math.random().toString(36).slice(2)}","sign":"${'0'.repeat(32)}"}`;
}
const postJsonText = (path: string, body: string, headers: Record<string, string> = {}) =>
  call(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('a number that overflows to Infinity is refused where the body is read, naming the field', () => {
  it.each([
    ['nested in an object', '"userId":"a","name":"A","avatarUri":{"x":1e400}', 'avatarUri.x'],
    ['negative, in an array', '"userId":"a","name":"A","avatarUri":[1,-1e400]', 'avatarUri[1]'],
    ['at the top level', '"userId":"a","name":1e999', 'name'],
  ])('%s on a signed route, before the signature is computed over it', async (_where, fields, field) => {
    const res = await postJsonText('/user/getToken', signedLookingJson(fields));
    expect(res).toEqual({ status: 400, body: { status: 0, code: 'INVALID_PARAMS', message: `${field}: must be a finite number (this one is beyond ±1.8e308)` } });
  });

  it('in a console body', async () => {
    const res = await postJsonText('/console/signup', `{"email":"${freshEmail()}","password":"correct horse battery","x":{"y":[1e400]}}`);
    expect(res).toEqual({ status: 400, body: { status: 0, code: 'INVALID_PARAMS', message: 'x.y[0]: must be a finite number (this one is beyond ±1.8e308)' } });
  });

  it('in JSON text of a signed form field', async () => {
    const content = '{"content":"hi","extra":{"n":1e400}}';
    const params = sign({ senderUserId: 'a', targetId: 'b', messageType: '1', content });
    const res = await call(`${t.url}/private/send/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: toSignedFields(params).toString(),
    });
    expect(res).toEqual({ status: 400, body: { status: 0, code: 'INVALID_PARAMS', message: 'content.extra.n: must be a finite number (this one is beyond ±1.8e308)' } });
  });

  it('as 400 digits in a signed query string', async () => {
    const res = await sendSigned(t.url, '/session/messages', sign({ userId: 'a', targetId: 'b', conversationType: 1, limit: `1${'0'.repeat(400)}` }), 'query');
    expect(res).toEqual({ status: 400, body: { status: 0, code: 'INVALID_PARAMS', message: 'limit: must be a finite number (this one is beyond ±1.8e308)' } });
  });

  it('a large but finite number is not refused by this rule', async () => {
    const res = await sendSigned(t.url, '/session/messages', sign({ userId: 'a', targetId: 'b', conversationType: 1, limit: `1${'0'.repeat(300)}` }), 'query');
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^limit: must be at most \d+, got the number 1e\+300$/) });
  });
});

describe('a body declared in a charset other than UTF-8 is refused with 415', () => {
  const credentials = () => JSON.stringify({ email: freshEmail(), password: 'correct horse battery' });

  it.each(['latin1', 'ISO-8859-1', 'utf-16', 'UTF-16LE', 'windows-1252', 'gbk', 'x-unknown'])('application/json; charset=%s', async (charset) => {
    const body = credentials();
    const res = await postJsonText('/console/signup', body, { 'content-type': `application/json; charset=${charset}` });
    expect(res).toEqual({ status: 415, body: { status: 0, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the body must be UTF-8' } });
    // Nothing was created: the same account can still sign up.
    expect((await postJsonText('/console/signup', body)).status).toBe(200);
  });

  it('a form body in latin1 on a signed route', async () => {
    const res = await call(`${t.url}/user/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' },
      body: toSignedFields(sign({ userId: 'a', name: 'A' })).toString(),
    });
    expect(res).toEqual({ status: 415, body: { status: 0, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the body must be UTF-8' } });
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json; charset=utf8'])(
    '%s is read as UTF-8',
    async (type) => {
      const res = await postJsonText('/console/signup', credentials(), { 'content-type': type });
      expect(res.status).toBe(200);
    },
  );

  it('a UTF-8 form body keeps its non-ASCII text', async () => {
    const res = await call(`${t.url}/user/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: toSignedFields(sign({ userId: 'zoe', name: 'Zoë 张' })).toString(),
    });
    expect(res.status).toBe(200);
    const members = await app.api.createGroup({ groupId: 'utf8', userIds: ['zoe'], name: 'U' }).then(() => app.api.getGroupMembers({ groupId: 'utf8' }));
    expect(members).toMatchObject([{ userId: 'zoe', name: 'Zoë 张' }]);
  });
});

/** One response read off a raw connection: status, headers (lower-case names), body (parsed when JSON). */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The responses in `bytes`, in order; each is delimited by its Content-Length. */
function parseResponses(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? rest.length - end - 4);
    const text = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    rest = rest.subarray(end + 4 + length);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
  }
  return answers;
}

/** Writes `request` on a plain TCP connection and reads every response until the server closes it. */
function rawExchange(request: string): Promise<RawAnswer[]> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseResponses(Buffer.concat(chunks))));
    socket.write(request);
  });
}

/** The one response a raw request got. */
async function rawAnswer(request: string): Promise<RawAnswer> {
  const answers = await rawExchange(request);
  expect(answers).toHaveLength(1);
  return answers[0]!;
}

describe('a request head the HTTP parser refuses is answered in the envelope, with Connection: close', () => {
  it('headers over 16 KiB -> 431 HEADERS_TOO_LARGE', async () => {
    const res = await rawAnswer(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json; charset=utf-8' });
    expect(res.body).toEqual({ status: 0, code: 'HEADERS_TOO_LARGE', message: 'the request line and headers must fit in 16 KiB' });
  });

  it('a request line over 16 KiB -> 431 HEADERS_TOO_LARGE', async () => {
    const res = await rawAnswer(`GET /user/sessions?userId=${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.body).toMatchObject({ status: 0, code: 'HEADERS_TOO_LARGE' });
  });

  it.each([
    ['a header line without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n'],
    ['a method with a stray character', 'G(T /health HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an unknown HTTP version', 'GET /health HTTP/9.7\r\nHost: x\r\n\r\n'],
    ['both Content-Length and chunked', 'POST /console/login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a malformed chunk size', 'POST /console/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ])('%s -> 400 INVALID_PARAMS', async (_what, request) => {
    const res = await rawAnswer(request);
    expect(res.status).toBe(400);
    expect(res.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json; charset=utf-8' });
    expect(res.body).toMatchObject({ status: 0, code: 'INVALID_PARAMS', message: expect.stringMatching(/^request: /) });
  });

  it('garbage pipelined after a good request: the good request keeps its answer, then the error follows', async () => {
    const answers = await rawExchange('GET /health HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    expect(answers.map((answer) => answer.status)).toEqual([200, 400]);
    expect(answers[0]!.body).toMatchObject({ status: 1 });
    expect(answers[1]!.body).toMatchObject({ status: 0, code: 'INVALID_PARAMS' });
  });

  it('a client that resets mid-request leaves the server answering', async () => {
    const { hostname, port } = new URL(t.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /console/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em');
        socket.resetAndDestroy();
      });
      socket.on('close', () => resolve());
    });
    expect((await call(`${t.url}/health`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: random field names, value types and nesting at every route's input.

/** The answer is the envelope (DESIGN §3.1) and never a 5xx. */
function expectEnvelope(res: JsonResponse, what: string): void {
  expect(res.status, what).toBeLessThan(500);
  if (res.status === 200) {
    expect(res.body, what).toMatchObject({ status: 1, message: expect.any(String) });
    expect(res.body, what).toHaveProperty('data');
    return;
  }
  expect(res.body, what).toEqual({ status: 0, code: expect.any(String), message: expect.any(String), ...(res.body?.retryAfterMs === undefined ? {} : { retryAfterMs: expect.any(Number) }) });
  expect(Object.values(ErrorCode), what).toContain(res.body.code);
  expect(ErrorStatus[res.body.code as ErrorCode], what).toBe(res.status);
}

/** Form and query text of a parameter set: JSON text for arrays and objects, as a signer sends them. */
function asText(params: Record<string, unknown>): URLSearchParams {
  return toSignedFields(params);
}

const RUNS_PER_ROUTE = 40;

describe('property: no mix of field names, value types and nesting gets a 5xx or leaves the envelope', () => {
  const routes = () => allRoutes(t.server.services);

  it('on every signed route, signed (so validation is reached) and unsigned, as JSON, form or query', async () => {
    const signed = routes().filter((route): route is Extract<Route, { auth: 'signature' }> => route.auth === 'signature');
    expect(signed.length).toBeGreaterThan(10);
    const answered = new Set<string>();
    for (const route of signed) {
      // The harness signs as a backend does: the route's own example gets past the signature.
      const example = await sendSigned(t.url, route.path, sign(route.example as Record<string, unknown>), route.method === 'GET' ? 'query' : 'json');
      expect(example.status, `${route.path} example: ${JSON.stringify(example.body)}`).not.toBe(401);
      await fc.assert(
        fc.asyncProperty(
          fieldsArbitrary(route.example),
          fc.constantFrom('signed', 'signed', 'signed', 'unsigned', 'wrong sign'),
          fc.constantFrom('json', 'form', 'query'),
          async (fields, signing, transport) => {
            const params =
              signing === 'unsigned' ? fields : signing === 'wrong sign' ? { ...sign(fields), sign: 'A'.repeat(32) } : sign(fields);
            const as = route.method === 'GET' ? 'query' : transport;
            const url = `${t.url}${route.path}`;
            const res =
              as === 'query'
                ? await call(`${url}?${asText(params)}`, { method: route.method })
                : as === 'form'
                  ? await call(url, { method: route.method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: asText(params).toString() })
                  : await call(url, { method: route.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
            expectEnvelope(res, `${route.method} ${route.path} ${signing} ${as}: ${JSON.stringify(fields)}`);
            answered.add(res.status === 200 ? 'OK' : res.body.code);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect([...answered]).toEqual(expect.arrayContaining(['INVALID_PARAMS', 'SIGNATURE_INVALID']));
  }, 60_000);

  it('on every console and public route, with and without a token, as JSON body or query', async () => {
    // A tenant of its own, so that logout, secret rotation and deletion here touch nothing else.
    let tenant: Tenant = await signUpTenant(t.url);
    const target = await createApp(t, tenant);
    const console = routes().filter((route) => route.auth !== 'signature');
    expect(console.length).toBeGreaterThan(5);
    for (const route of console) {
      await fc.assert(
        fc.asyncProperty(
          fieldsArbitrary(route.example),
          fc.array(fc.tuple(keyArbitrary([]), fc.string({ maxLength: 8 })), { maxLength: 2 }),
          fc.constantFrom('token', 'token', 'no token', 'bad token'),
          fc.constantFrom(target.appId, 'nope', '__proto__', 'constructor'),
          async (fields, query, auth, appId) => {
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (auth === 'token') Object.assign(headers, tenant.auth);
            if (auth === 'bad token') headers.authorization = 'Bearer nope';
            const path = route.path.replace(':appId', encodeURIComponent(appId));
            const search = query.length > 0 ? `?${new URLSearchParams(query)}` : '';
            const init: RequestInit = { method: route.method, headers };
            if (route.method !== 'GET' && route.method !== 'DELETE') init.body = JSON.stringify(fields);
            const res = await call(`${t.url}${path}${search}`, init);
            expectEnvelope(res, `${route.method} ${path}${search} ${auth}: ${JSON.stringify(fields)}`);
            // A logout or password change ends the session: carry on with a fresh one.
            if (res.status === 200 && (route.path === '/console/logout' || route.path === '/console/password')) tenant = await signUpTenant(t.url);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  }, 60_000);
});
