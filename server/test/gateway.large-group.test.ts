import { ErrorCode, Limits, MessageType } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { connectDevice, text } from './support/devices.js';
import { serverOnAdapter, storeAdapters } from './support/stores.js';
import { changeAppSettings, createApp } from './support/test-server.js';

/**
 * 5,000 members in requests of 500, but 300 in requests of 100 on the MongoDB adapter: CI runs it
 * on FerretDB v1, whose SQLite backend filters most queries by scanning the collection, so every
 * read and write there grows with the number of documents, and a request adding 500 members can
 * pass the client's 10 s while the rest of the suite runs. On MongoDB itself the group's reads and
 * writes use indexes (store.mongo.plans.test.ts checks the plans).
 */
const shapeOn = (store: string) => (store === 'mongodb' ? { SIZE: 300, step: 100 } : { SIZE: 5_000, step: Limits.USER_IDS_PER_REQUEST_MAX });
/** Registrations in flight at once (the app's API rate limit is raised for this suite). */
const PARALLEL = 50;

/**
 * A group of 5,000 members (see `shapeOn`) on every store adapter: created and filled in requests of at most
 * `USER_IDS_PER_REQUEST_MAX`, paged, joined past, messaged and administered, with the size limit
 * the app's setting. Speed is the benchmark's business; this checks that it works.
 */
describe.each(storeAdapters())('a large group on the $name store', (adapter) => {
  const { server, track } = serverOnAdapter(adapter, { API_REQUESTS_PER_SECOND: '100000' });

  it('is created, joined up to the app limit, paged, messaged and muted', { timeout: 120_000 }, async () => {
    const { SIZE, step } = shapeOn(adapter.name);
    const app = await createApp(server());
    await changeAppSettings(server(), app, { maxGroupMembers: SIZE });
    const userIds = Array.from({ length: SIZE + 1 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    const tokens = new Map<string, string>();
    for (let i = 0; i < userIds.length; i += PARALLEL) {
      const batch = userIds.slice(i, i + PARALLEL);
      const minted = await Promise.all(batch.map((userId) => app.api.getToken({ userId, name: userId })));
      minted.forEach((result) => tokens.set(result.userId, result.token));
    }

    await app.api.createGroup({ groupId: 'town', userIds: userIds.slice(0, step), name: 'Town' });
    let joins = 0;
    for (let i = step; i < SIZE; i += step, joins++) {
      expect((await app.api.joinGroup({ groupId: 'town', userIds: userIds.slice(i, Math.min(i + step, SIZE)) })).changed).toHaveLength(Math.min(step, SIZE - i));
    }
    expect((await app.api.getGroupInfo({ groupId: 'town' })).memberCount).toBe(SIZE);
    // The limit is the app's setting: one more is refused, and nobody is added.
    await expect(app.api.joinGroup({ groupId: 'town', userIds: [userIds[SIZE]!] })).rejects.toMatchObject({ code: ErrorCode.CONFLICT });

    // Pages come in join order, whatever the size.
    const last = await app.api.getGroupMembers({ groupId: 'town', offset: SIZE - 10, limit: 100 });
    expect(last.map((member) => member.userId)).toEqual(userIds.slice(SIZE - 10, SIZE));

    // The last member to join writes, and a member connected far down the list receives it.
    const listener = track(await connectDevice(server(), app.appId, tokens.get(userIds[SIZE - 2]!)!));
    const writer = track(await connectDevice(server(), app.appId, tokens.get(userIds[SIZE - 1]!)!));
    const sent = await writer.ok('send-group-message', { targetId: 'town', ...text('hello, town') });
    const received = await listener.next('new-message');
    // The joins wrote their events first: the message comes after them.
    expect(received).toMatchObject({ msgId: sent.msgId, messageType: MessageType.TEXT, seq: joins + 1 });

    await app.api.muteGroupMembers({ groupId: 'town', userIds: [userIds[SIZE - 1]!], duration: 60 });
    expect(await writer.request('send-group-message', { targetId: 'town', ...text('again') })).toMatchObject({ status: 0, code: ErrorCode.MUTED });
    expect((await app.api.getUserSessions({ userId: userIds[0]! })).find((s) => s.targetId === 'town')).toMatchObject({ lastSeq: joins + 2 });
  });
});
