import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSignedFields } from '@parley/sdk/server';
import { sendSigned, signParams } from './support/signed-request.js';
import { call, startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  ({ t, app } = await startTestWorld(['a', 'b']));
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
  ['file size as text', '/private/send/message', { ...text, messageType: 4, content: { url: 'https://cdn.example.com/n', name: 'n', size: '1' } }, 'content.size'],
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

/**
 * What the boundary says for each kind of problem zod can report, on real routes: the field, what
 * it must be and what was received. Each case is a well-signed request (JSON body, or query for GET).
 */
const messages: [kind: string, path: string, fields: Record<string, unknown>, message: string][] = [
  ['an absent field', '/user/getToken', { name: 'A' }, 'userId: is required'],
  ['a wrong type in an array element', '/group/create', { groupId: 'g3', userIds: ['a', 2], name: 'G' }, 'userIds[1]: must be a string, got the number 2'],
  ['a string where an array is expected', '/group/join', { groupId: 'g', userIds: 'a' }, 'userIds: must be an array, got the string "a"'],
  [
    'a JSON string where the content object is expected, in a JSON body',
    '/private/send/message',
    { ...text, content: '{"content":"hi"}' },
    'content: must be an object, got a string of JSON text: send the object itself in a JSON body (JSON text is for form fields and query strings)',
  ],
  ['null where a string is expected (null is not "absent")', '/private/send/message', { ...text, clientMsgId: null }, 'clientMsgId: must be a string, got null'],
  ['a fraction where an integer is expected', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, limit: 2.5 }, 'limit: must be an integer, got the number 2.5 (not a whole number)'],
  ['a number too small', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, limit: 0 }, 'limit: must be at least 1, got the number 0'],
  ['a number too big', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, limit: 101 }, 'limit: must be at most 100, got the number 101'],
  ['an array too short (own wording)', '/group/create', { groupId: 'g3', userIds: [], name: 'G' }, 'userIds: must name at least one user'],
  ['a string too long', '/user/getToken', { userId: 'c', name: 'x'.repeat(101) }, 'name: must be at most 100 characters long, got 101'],
  ['a string too short', '/private/send/message', { ...text, messageType: 4, content: { url: 'https://cdn.example.com/n', name: '', size: 1 } }, 'content.name: must be at least 1 character long, got 0'],
  ['a bad format', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 1, lastmsgId: 'zzz' }, 'lastmsgId: must be a 24-character hex id'],
  ['a literal out of its set', '/session/messages', { userId: 'a', targetId: 'b', conversationType: 3 }, 'conversationType: must be 1 (private) or 2 (group)'],
  ['a union without a matching option', '/private/send/message', { ...text, messageType: 99 }, 'messageType: must be one of 1 text, 2 voice, 3 image, 4 file, 5 location, 6 custom, 7 video'],
  [
    'a union of JSON values, wrong deep inside',
    '/private/send/message',
    { ...text, content: { content: 'x', extra: { a: { b: [{ $where: 1 }] } } } },
    'content.extra.a.b[0].$where: keys must not start with $',
  ],
  ['an unknown field', '/user/getToken', { userId: 'c', name: 'A', nickname: 'x' }, 'nickname: is not a field of this request (names are case-sensitive)'],
  ['an unknown field of a content', '/private/send/message', { ...text, content: { content: 'x', $set: 1 } }, 'content.$set: is not a field of this request (names are case-sensitive)'],
  ['a custom rule (the size of extra)', '/private/send/message', { ...text, content: { content: 'x', extra: { note: 'x'.repeat(5000) } } }, 'content.extra: must be at most 4096 bytes as JSON'],
  ['control characters in a name', '/user/getToken', { userId: 'c', name: 'A\u0007B' }, 'name: must not be blank or contain control characters'],
];

describe('each kind of problem is worded with the field, what it must be and what came', () => {
  const sign = (fields: Record<string, unknown>) => signParams(fields, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });

  it.each(messages)('%s (%s)', async (_kind, path, fields, message) => {
    const res = await sendSigned(t.url, path, sign(fields), path === '/session/messages' ? 'query' : 'json');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 0, code: 'INVALID_PARAMS', message });
  });

  it('counts characters as the document does: 100 emoji are a name of 100 characters', async () => {
    const emoji = '\u{1F600}'.repeat(100);
    expect((await sendSigned(t.url, '/user/getToken', sign({ userId: 'emoji', name: emoji }))).status).toBe(200);
    const res = await sendSigned(t.url, '/user/getToken', sign({ userId: 'emoji', name: `${emoji}!` }));
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: 'name: must be at most 100 characters long, got 101' });
  });

  it('an empty optional field is absent, as the signature leaves it out: an empty userId recalls as the backend', async () => {
    const sent = await app.api.sendPrivateMessage({ senderUserId: 'a', targetId: 'b', messageType: 1, content: { content: 'take back' } });
    const res = await sendSigned(t.url, '/message/recall', sign({ msgId: sent.msgId, userId: '' }));
    expect(res.status).toBe(200);
    expect(res.body.data.recall).toMatchObject({ by: null });
  });

  it('a null optional field is refused, not read as absent, and changes nothing', async () => {
    const sent = await app.api.sendPrivateMessage({ senderUserId: 'a', targetId: 'b', messageType: 1, content: { content: 'keep' } });
    const res = await sendSigned(t.url, '/message/recall', sign({ msgId: sent.msgId, userId: null }));
    expect(res.body).toEqual({ status: 0, code: 'INVALID_PARAMS', message: 'userId: must be a string, got null' });
    const [latest] = await app.api.getSessionMessages({ userId: 'a', targetId: 'b', conversationType: 1, limit: 1 });
    expect(latest).toMatchObject({ msgId: sent.msgId, recall: null, content: { content: 'keep' } });
  });
});

describe('PHP-style array fields (http_build_query)', () => {
  const form = (entries: [string, string][]) => new URLSearchParams(entries).toString();
  const post = (path: string, body: string, query = '') =>
    call(`${t.url}${path}${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const hint = (field: string, where: string, json: string) =>
    `${field}: send arrays and objects as JSON text in ${where}: ${field}=${json} (PHP: json_encode the array before signing and http_build_query)`;
  // Signed as PHP would sign it: not the text the server reads, so verification would fail too.
  const credentials: [string, string][] = [['app_id', ''], ['time_stamp', ''], ['nonce_str', 'php'], ['sign', 'A'.repeat(32)]];
  const signed = () => credentials.map(([key, value]): [string, string] => [key, value || (key === 'app_id' ? app.appId : String(Math.floor(t.clock.now() / 1000)))]);

  it.each([
    ['userIds[]=a&userIds[]=b', [['userIds[]', 'a'], ['userIds[]', 'b']], '["a","b"]'],
    ['userIds[0]=a&userIds[1]=b', [['userIds[0]', 'a'], ['userIds[1]', 'b']], '["a","b"]'],
  ] as [string, [string, string][], string][])('in a form body, %s -> 400 saying what to send, before the signature is checked', async (_name, fields, json) => {
    const res = await post('/group/join', form([['groupId', 'g'], ...fields, ...signed()]));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 0, code: 'INVALID_PARAMS', message: hint('userIds', 'form fields', json) });
  });

  it('an object in brackets (content[content]=hi) is answered with its JSON text', async () => {
    const res = await post('/private/send/message', form([['senderUserId', 'a'], ['targetId', 'b'], ['messageType', '1'], ['content[content]', 'hi'], ['content[extra][k]', 'v'], ...signed()]));
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: hint('content', 'form fields', '{"content":"hi","extra":{"k":"v"}}') });
  });

  it('in a query string too, even without any signature', async () => {
    const res = await call(`${t.url}/group/info?groupId[]=g`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: hint('groupId', 'the query string', '["g"]') });
  });

  it('a bracket path as deep as the signed body limit allows is still a 400', async () => {
    const res = await post('/group/join', `groupId=g&userIds${'[]'.repeat(120_000)}=a`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/^userIds: send arrays and objects as JSON text in form fields: userIds=\[\[\[/) });
  });

  it('the same fields as JSON text, signed as sent, are accepted', async () => {
    await app.api.createGroup({ groupId: 'php', userIds: ['a'], name: 'PHP' });
    const params = signParams({ groupId: 'php', userIds: ['b'] }, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });
    const res = await post('/group/join', toSignedFields(params).toString());
    expect(res.body).toMatchObject({ status: 1, data: { changed: ['b'] } });
  });
});

describe('URLs', () => {
  const sign = (fields: Record<string, unknown>) => signParams(fields, { appId: app.appId, secret: app.appSecret, now: t.clock.now() });

  it.each(['https://cdn.example.com/a b.png', 'https://cdn.example.com/头像.png', '//cdn.example.com/a.png', '/avatars/a.png?size=64&v=2'])(
    'an avatar a browser accepts (%s) is stored exactly as sent',
    async (avatarUri) => {
      const res = await sendSigned(t.url, '/user/getToken', sign({ userId: 'pic', name: 'Pic', avatarUri }));
      expect(res.status).toBe(200);
      await app.api.createGroup({ groupId: `pic-${Math.random().toString(36).slice(2, 8)}`, userIds: ['pic'], name: 'Pics', avatarUri }).then(async (group) => {
        expect(group.avatarUri).toBe(avatarUri);
        expect((await app.api.getGroupMembers({ groupId: group.groupId }))[0]!.avatarUri).toBe(avatarUri);
      });
    },
  );

  it.each([
    ['a control character', 'https://cdn.example.com/a\u0000.png', 'avatarUri: must not contain control characters'],
    ['a newline', 'https://cdn.example.com/a\n.png', 'avatarUri: must not contain control characters'],
    ['2049 characters', `https://cdn.example.com/${'a'.repeat(2049 - 24)}`, 'avatarUri: must be at most 2048 characters long, got 2049'],
  ])('an avatar with %s is refused', async (_what, avatarUri, message) => {
    const res = await sendSigned(t.url, '/user/getToken', sign({ userId: 'pic2', name: 'Pic', avatarUri }));
    expect(res.body).toEqual({ status: 0, code: 'INVALID_PARAMS', message });
  });

  it('an avatar of exactly 2048 characters is accepted', async () => {
    const avatarUri = `https://cdn.example.com/${'a'.repeat(2048 - 24)}`;
    expect(avatarUri).toHaveLength(2048);
    expect((await sendSigned(t.url, '/user/getToken', sign({ userId: 'pic3', name: 'Pic', avatarUri }))).status).toBe(200);
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
