import { ParleyError } from '@parley/sdk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, startTestWorld, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
beforeAll(async () => {
  ({ t, app } = await startTestWorld());
});
afterAll(() => t.close());

/** Who a token belongs to, as the realtime gateway will ask. */
async function tokenOwner(target: TestApp, token: string): Promise<string> {
  const record = await t.server.store.apps.get(target.appId);
  const user = await t.server.services.users.authenticate({ app: record!, data: t.server.store.forApp(target.appId) }, token);
  return user.user.userId;
}

describe('POST /user/getToken', () => {
  it('creates the user and returns an unguessable token valid for 7 days by default', async () => {
    const before = t.clock.now();
    const result = await app.api.getToken({ userId: 'alice', name: 'Alice', avatarUri: 'https://cdn.example.com/a.png' });
    expect(result.userId).toBe('alice');
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.expiresAt - before).toBeGreaterThanOrEqual(7 * 86400_000 - 1000);
    expect(result.expiresAt - before).toBeLessThanOrEqual(7 * 86400_000 + 1000);
    expect(await tokenOwner(app, result.token)).toBe('alice');
  });

  it('updates name and avatar of an existing user, and older tokens keep working', async () => {
    const first = await app.api.getToken({ userId: 'bob', name: 'Bob', avatarUri: 'https://cdn.example.com/b1.png' });
    const second = await app.api.getToken({ userId: 'bob', name: 'Robert', avatarUri: 'https://cdn.example.com/b2.png' });
    expect(second.token).not.toBe(first.token);
    expect(await tokenOwner(app, first.token)).toBe('bob');
    const members = await app.api.createGroup({ groupId: 'bob-group', userIds: ['bob'], name: 'Solo' });
    expect(members.ownerId).toBe('bob');
    expect(await app.api.getGroupMembers({ groupId: 'bob-group' })).toMatchObject([
      { userId: 'bob', name: 'Robert', avatarUri: 'https://cdn.example.com/b2.png', role: 'owner' },
    ]);
  });

  it('stores only a hash of the token', async () => {
    const { token } = await app.api.getToken({ userId: 'carol', name: 'Carol' });
    const scope = t.server.store.forApp(app.appId);
    expect(await scope.tokens.findByHash(token)).toBeNull();
  });

  it('a token expires after the app\'s lifetime', async () => {
    const { token } = await app.api.getToken({ userId: 'dave', name: 'Dave' });
    t.clock.advance(7 * 86400_000 + 1000);
    await expect(tokenOwner(app, token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('a token is scoped to its app', async () => {
    const other = await createApp(t);
    const { token } = await app.api.getToken({ userId: 'erin', name: 'Erin' });
    await other.api.getToken({ userId: 'erin', name: 'Erin elsewhere' });
    await expect(tokenOwner(other, token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});

describe('POST /user/revokeTokens', () => {
  it('revokes every live token of the user', async () => {
    const a = await app.api.getToken({ userId: 'frank', name: 'Frank' });
    const b = await app.api.getToken({ userId: 'frank', name: 'Frank' });
    expect(await app.api.revokeTokens({ userId: 'frank' })).toEqual({ revoked: 2 });
    await expect(tokenOwner(app, a.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(tokenOwner(app, b.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const c = await app.api.getToken({ userId: 'frank', name: 'Frank' });
    expect(await tokenOwner(app, c.token)).toBe('frank');
    expect(await app.api.revokeTokens({ userId: 'frank' })).toEqual({ revoked: 1 });
  });

  it('for an unknown user -> 404 NOT_FOUND', async () => {
    const error = await app.api.revokeTokens({ userId: 'ghost' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});

describe('GET /user/sessions', () => {
  it('for an unknown user -> 404 naming userId', async () => {
    await expect(app.api.getUserSessions({ userId: 'nobody' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'userId: user nobody does not exist; register the user with POST /user/getToken first',
    });
  });

  it('a new user has no sessions', async () => {
    await app.api.getToken({ userId: 'newbie', name: 'Newbie' });
    expect(await app.api.getUserSessions({ userId: 'newbie' })).toEqual([]);
  });
});
