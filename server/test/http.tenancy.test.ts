import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, signParams } from './support/signed-request.js';
import { createApp, createUsers, startTestServer, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let appA: TestApp;
let appB: TestApp;

beforeAll(async () => {
  t = await startTestServer();
  appA = await createApp(t);
  appB = await createApp(t);
  await createUsers(appA, 'alice', 'bob');
  await appA.api.createGroup({ groupId: 'secret-group', userIds: ['alice', 'bob'], name: 'A only' });
  await appA.api.sendPrivateMessage({ senderUserId: 'alice', targetId: 'bob', messageType: 1, content: { content: 'for A' } });
  await appA.api.sendGroupMessage({ senderUserId: 'alice', targetId: 'secret-group', messageType: 1, content: { content: 'group A' } });
});
afterAll(() => t.close());

describe("app B's credentials never see app A's data", () => {
  it("B cannot read A's users' sessions", async () => {
    await expect(appB.api.getUserSessions({ userId: 'alice' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("B cannot read A's history, private or group", async () => {
    await createUsers(appB, 'alice', 'bob');
    expect(await appB.api.getSessionMessages({ userId: 'bob', targetId: 'alice', conversationType: 1 })).toEqual([]);
    await expect(appB.api.getSessionMessages({ userId: 'bob', targetId: 'secret-group', conversationType: 2 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await appB.api.getUserSessions({ userId: 'bob' })).toEqual([]);
  });

  it("B cannot see, join, send to or dismiss A's group", async () => {
    await expect(appB.api.getGroupInfo({ groupId: 'secret-group' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(appB.api.getGroupMembers({ groupId: 'secret-group' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(appB.api.joinGroup({ groupId: 'secret-group', userIds: ['alice'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      appB.api.sendGroupMessage({ senderUserId: 'alice', targetId: 'secret-group', messageType: 1, content: { content: 'x' } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(appB.api.dismissGroup({ groupId: 'secret-group' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await appA.api.getGroupInfo({ groupId: 'secret-group' })).memberCount).toBe(2);
  });

  it('the same ids in B are separate records: creating them leaves A untouched', async () => {
    await appB.api.createGroup({ groupId: 'secret-group', userIds: ['bob'], name: 'B copy' });
    await appB.api.getToken({ userId: 'alice', name: 'Impostor' });
    expect((await appA.api.getGroupInfo({ groupId: 'secret-group' })).name).toBe('A only');
    const members = await appA.api.getGroupMembers({ groupId: 'secret-group' });
    expect(members.map((m) => m.name)).toEqual(['ALICE', 'BOB']);
    const history = await appA.api.getSessionMessages({ userId: 'bob', targetId: 'alice', conversationType: 1 });
    expect(history.map((m) => m.content.content)).toEqual(['for A']);
  });

  it("a request signed with B's secret but A's app_id is refused", async () => {
    const res = await sendSigned(
      t.url,
      '/user/sessions',
      signParams({ userId: 'alice' }, { appId: appA.appId, secret: appB.appSecret, now: t.clock.now() }),
      'query',
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGNATURE_INVALID');
  });

  it("A's user token is not valid for B", async () => {
    const { token } = await appA.api.getToken({ userId: 'alice', name: 'ALICE' });
    const appRecordB = await t.server.store.apps.get(appB.appId);
    await expect(
      t.server.services.users.authenticate({ app: appRecordB!, data: t.server.store.forApp(appB.appId) }, token),
    ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
