import { ErrorCode, MessagePolicy, ParleyError, type Friend, type FriendRequest } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { changeAppSettings } from '../../server/test/support/test-server.js';
import { startChatWorld, text, type ChatWorld } from '../support/parley.js';

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld(['alice', 'bob']);
});
afterEach(() => world.closeClients());
afterAll(() => world.close());

describe('ParleyClient friends', () => {
  it('bob asks, alice accepts: both hear of it as typed events, see each other with presence, and may then chat under the friends policy', async () => {
    await changeAppSettings(world.t, world.app, { messagePolicy: MessagePolicy.FRIENDS });
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const refusal = await bob.sendPrivateMessage({ targetId: 'alice', ...text('hi?') }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ParleyError);
    expect(refusal).toMatchObject({ code: ErrorCode.NOT_FRIENDS, retryable: false });

    const asked = new Promise<FriendRequest>((resolve) => alice.on('friend-request', resolve));
    const answered = new Promise<FriendRequest>((resolve) => bob.on('friend-request-answered', resolve));
    const added = new Promise<Friend>((resolve) => bob.on('friend-added', resolve));
    const request = await bob.friends.request('alice', "Hi, it's Bob");
    expect((await asked).requestId).toBe(request.requestId);

    const friend = await alice.friends.accept(request.requestId);
    expect(friend).toMatchObject({ userId: 'bob', name: 'BOB' });
    expect(await answered).toMatchObject({ requestId: request.requestId, status: 'accepted' });
    expect(await added).toMatchObject({ userId: 'alice', name: 'ALICE' });

    const list = await bob.friends.list();
    expect(list.friends).toEqual([expect.objectContaining({ userId: 'alice', online: true })]);
    await alice.friends.update('bob', { remark: 'Bobby' });
    expect((await alice.friends.list()).friends.map((contact) => contact.remark)).toEqual(['Bobby']);
    expect((await bob.sendPrivateMessage({ targetId: 'alice', ...text('friends now') })).seq).toBe(1);

    expect(await alice.friends.remove(['bob'])).toEqual(['bob']);
    await expect(bob.sendPrivateMessage({ targetId: 'alice', ...text('again?') })).rejects.toMatchObject({ code: ErrorCode.NOT_FRIENDS });
  });
});
