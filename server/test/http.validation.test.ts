import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, signParams } from './support/signed-request.js';
import { createApp, createUsers, startTestServer, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  t = await startTestServer();
  app = await createApp(t);
  await createUsers(app, 'a', 'b');
  await app.api.createGroup({ groupId: 'g', userIds: ['a', 'b'], name: 'G' });
});
afterAll(() => t.close());

type Case = [description: string, path: string, fields: Record<string, unknown>, field: string];

const text = { senderUserId: 'a', targetId: 'b', messageType: 1, content: { content: 'hi' } };
const manyIds = Array.from({ length: 501 }, (_, i) => `u${i}`);

/** Each case is a well-signed request whose fields are wrong in one way; the error must name `field`. */
const cases: Case[] = [
  ['missing userId', '/user/getToken', { name: 'A' }, 'userId'],
  ['userId as a number', '/user/getToken', { userId: 42, name: 'A' }, 'userId'],
  ['userId as an operator object', '/user/getToken', { userId: { $gt: '' }, name: 'A' }, 'userId'],
  ['userId with a colon', '/user/getToken', { userId: 'a:b', name: 'A' }, 'userId'],
  ['userId longer than 64', '/user/getToken', { userId: 'x'.repeat(65), name: 'A' }, 'userId'],
  ['name with a newline', '/user/getToken', { userId: 'c', name: 'A\nB' }, 'name'],
  ['name as an array', '/user/getToken', { userId: 'c', name: ['A'] }, 'name'],
  ['an unknown field', '/user/getToken', { userId: 'c', name: 'A', nickname: 'x' }, 'nickname'],
  ['a field named like a prototype', '/user/revokeTokens', { userId: 'a', constructor: 'x' }, 'constructor'],
  ['userId as an operator object', '/user/sessions', { userId: { $ne: null } }, 'userId'],
  ['userIds not an array', '/group/create', { groupId: 'g2', userIds: 'a', name: 'G' }, 'userIds'],
  ['userIds empty', '/group/create', { groupId: 'g2', userIds: [], name: 'G' }, 'userIds'],
  ['userIds with a number', '/group/create', { groupId: 'g2', userIds: ['a', 2], name: 'G' }, 'userIds[1]'],
  ['too many userIds', '/group/create', { groupId: 'g2', userIds: manyIds, name: 'G' }, 'userIds'],
  ['groupId as an object', '/group/join', { groupId: { $exists: true }, userIds: ['a'] }, 'groupId'],
  ['too many userIds', '/group/join', { groupId: 'g', userIds: manyIds }, 'userIds'],
  ['missing userIds', '/group/remove', { groupId: 'g' }, 'userIds'],
  ['missing groupId', '/group/dismiss', {}, 'groupId'],
  ['missing groupId', '/group/members', {}, 'groupId'],
  ['unknown messageType', '/private/send/message', { ...text, messageType: 99 }, 'messageType'],
  ['messageType as text', '/private/send/message', { ...text, messageType: 'text' }, 'messageType'],
  ['missing messageType', '/private/send/message', { senderUserId: 'a', targetId: 'b', content: { content: 'x' } }, 'messageType'],
  ['content as a string', '/private/send/message', { ...text, content: 'hi' }, 'content'],
  ['text without text', '/private/send/message', { ...text, content: {} }, 'content.content'],
  ['empty text', '/private/send/message', { ...text, content: { content: '' } }, 'content.content'],
  ['image without url', '/private/send/message', { ...text, messageType: 3, content: { width: 1 } }, 'content.url'],
  ['file size as text', '/private/send/message', { ...text, messageType: 4, content: { url: 'u', name: 'n', size: '1' } }, 'content.size'],
  ['latitude out of range', '/private/send/message', { ...text, messageType: 5, content: { latitude: 91, longitude: 0 } }, 'content.latitude'],
  ['operator key inside content', '/private/send/message', { ...text, content: { content: 'x', extra: { $set: { a: 1 } } } }, 'content.extra.$set'],
  ['senderUserId as an object', '/private/send/message', { ...text, senderUserId: { $gt: '' } }, 'senderUserId'],
  ['clientMsgId with a space', '/private/send/message', { ...text, clientMsgId: 'a b' }, 'clientMsgId'],
  ['unknown field', '/group/send/message', { ...text, targetId: 'g', priority: 1 }, 'priority'],
  ['conversationType 3', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 3 }, 'conversationType'],
  ['limit as a fraction', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, limit: 2.5 }, 'limit'],
  ['lastmsgId not an id', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, lastmsgId: 'zzz' }, 'lastmsgId'],
];

describe('every open-API route refuses malformed fields with 400 INVALID_PARAMS naming the field', () => {
  const sign = (fields: Record<string, unknown>) => signParams(fields, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });

  it.each(cases)('%s on %s', async (_description, path, fields, field) => {
    const isGet = ['/user/sessions', '/group/members', '/group/info', '/session/messages'].includes(path);
    const res = await sendSigned(t.url, path, sign(fields), isGet ? 'query' : 'json');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 0, code: 'INVALID_PARAMS' });
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
  });

  it('writes nothing when a request is refused', async () => {
    const before = await app.api.getUserSessions({ userId: 'a' });
    for (const [, path, fields] of cases) {
      if (path.includes('send') || path.startsWith('/group/')) await sendSigned(t.url, path, sign(fields));
    }
    expect(await app.api.getUserSessions({ userId: 'a' })).toEqual(before);
    expect((await app.api.getGroupMembers({ groupId: 'g' })).map((m) => m.userId)).toEqual(['a', 'b']);
    await expect(app.api.getGroupInfo({ groupId: 'g2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('malformed bodies', () => {
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('broken JSON -> 400 naming body', async () => {
    const res = await post('/user/getToken', '{"userId": "a",');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_PARAMS', message: 'body: is not valid JSON' });
  });

  it.each(['[]', '"text"', '42', 'null'])('JSON %s instead of an object -> 400', async (body) => {
    const res = await post('/user/getToken', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_PARAMS', message: 'body: must be a JSON object' });
  });

  it('a body that is neither JSON nor a form -> 415', async () => {
    const res = await post('/user/getToken', '<xml/>', 'application/xml');
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('a body over the limit -> 413', async () => {
    const res = await post('/user/getToken', JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('a query field given twice -> 400 naming it', async () => {
    const params = signParams({ userId: 'a' }, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });
    const query = new URLSearchParams(params as Record<string, string>);
    query.append('userId', 'b');
    const res = await fetch(`${t.url}/user/sessions?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'userId: is given more than once' });
  });

  it('absurdly nested JSON -> 400 naming the field, in a JSON body or a form field', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const now = String(Math.floor(t.clock.now() / 1000));
    const json = await post('/private/send/message', `{"app_id":"${app.appId}","time_stamp":"${now}","nonce_str":"deep1","sign":"x","content":${deep}}`);
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: 'INVALID_PARAMS', message: 'content: nests deeper than 32 levels' });

    const params = signParams({ ...text, content: 'placeholder' }, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });
    const form = new URLSearchParams({ ...(params as Record<string, string>), content: deep });
    form.set('sign', String(signParams({ ...text, content: deep }, { appId: app.appId, secret: app.appSecret, now: t.clock.now(), nonce: String(params.nonce_str), timeStamp: String(params.time_stamp) }).sign));
    const res = await post('/private/send/message', form.toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_PARAMS', message: 'content: nests deeper than 32 levels' });
  });

  it('junk never causes a 500', async () => {
    const junk = ['', '{}', '{"a":', '\u0000', '{"__proto__":{"x":1}}', '{"userId":{"toString":1}}', 'a=1&a=2', '%%%'];
    for (const path of ['/user/getToken', '/group/create', '/private/send/message', '/console/signup', '/app/create']) {
      for (const body of junk) {
        for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
          const res = await post(path, body, type);
          expect(res.status, `${path} ${type} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${path} ${type} ${JSON.stringify(body)}`).toBeLessThan(500);
          expect(await res.json()).toMatchObject({ status: 0, code: expect.any(String), message: expect.any(String) });
        }
      }
    }
  });
});
