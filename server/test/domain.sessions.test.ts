import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, MessageType } from '@parley/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../src/files/local/local-files.js';
import { libraryMediaInspector } from '../src/files/media/media-probe.js';
import { MemoryBus } from '../src/bus/memory/memory-bus.js';
import type { AppContext } from '../src/domain/app-context.js';
import { systemClock } from '../src/clock.js';
import { createServices, type Services } from '../src/domain/services.js';
import { domainSettings } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';

let services: Services;
let ctx: AppContext;
let filesDir: string;

afterEach(() => rmSync(filesDir, { recursive: true, force: true }));

beforeEach(async () => {
  filesDir = mkdtempSync(join(tmpdir(), 'parley-files-'));
  const store = new MemoryStore();
  const config = loadConfig({ PASSWORD_SCRYPT_COST: '1024', MAX_GROUP_MEMBERS: '100', TOKEN_TTL_SECONDS: '3600' });
  services = createServices(store, new MemoryBus(systemClock), { storage: new LocalFileStorage(filesDir), media: libraryMediaInspector }, systemClock, domainSettings(config), { countDevices: async () => 0, deviceSpans: async () => ({ spans: [], knownSince: 0 }) });
  const { appId } = await services.apps.create('tenant', { appName: 'a', description: '' });
  ctx = { app: (await store.apps.get(appId))!, data: store.forApp(appId) };
  for (const userId of ['a', 'b', 'c']) await services.users.getToken(ctx, { userId, name: userId });
});

const say = (senderUserId: string, targetId: string, content: string) =>
  services.messages.sendPrivate(ctx, { senderUserId, targetId, messageType: MessageType.TEXT, content: { content } });

const sessionOf = async (userId: string, targetId: string) =>
  (await services.sessions.list(ctx, userId)).find((s) => s.targetId === targetId)!;

describe('SessionService.markRead', () => {
  it('reads up to the newest message and clears unread', async () => {
    await say('a', 'b', '1');
    await say('a', 'b', '2');
    const before = await sessionOf('b', 'a');
    expect(before.unread).toBe(2);
    const read = await services.sessions.markRead(ctx, 'b', before.sid);
    expect(read.readSeq).toBe(2);
    expect((await sessionOf('b', 'a')).unread).toBe(0);
    await say('a', 'b', '3');
    expect((await sessionOf('b', 'a')).unread).toBe(1);
  });

  it('reads up to a given seq, never backwards and never past the newest', async () => {
    for (const n of ['1', '2', '3', '4']) await say('a', 'b', n);
    const { sid } = await sessionOf('b', 'a');
    expect((await services.sessions.markRead(ctx, 'b', sid, 3)).readSeq).toBe(3);
    expect((await services.sessions.markRead(ctx, 'b', sid, 1)).readSeq).toBe(3);
    expect((await services.sessions.markRead(ctx, 'b', sid, 99)).readSeq).toBe(4);
    expect((await sessionOf('b', 'a')).unread).toBe(0);
  });

  it("refuses another user's session id -> NOT_FOUND", async () => {
    await say('a', 'b', 'hi');
    const { sid } = await sessionOf('b', 'a');
    await expect(services.sessions.markRead(ctx, 'c', sid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('concurrent reads and sends: unread matches the messages history shows after the read mark', async () => {
    await say('a', 'b', 'first');
    const { sid } = await sessionOf('b', 'a');
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => say('a', 'b', `m${i}`)),
      ...Array.from({ length: 5 }, () => services.sessions.markRead(ctx, 'b', sid)),
    ]);
    const session = await sessionOf('b', 'a');
    const history = await services.messages.history(ctx, { userId: 'b', targetId: 'a', conversationType: ConversationType.PRIVATE, limit: 100 });
    expect(session.lastSeq).toBe(11);
    expect(session.readSeq).toBeLessThanOrEqual(11);
    expect(session.unread).toBe(history.filter((m) => m.seq > session.readSeq).length);
    await services.sessions.markRead(ctx, 'b', sid);
    expect((await sessionOf('b', 'a')).unread).toBe(0);
  });
});

describe('MessageService.history', () => {
  it('serves group history to a member', async () => {
    await services.groups.create(ctx, { groupId: 'g', userIds: ['a', 'b'], name: 'G' });
    await services.messages.sendGroup(ctx, { senderUserId: 'b', targetId: 'g', messageType: MessageType.TEXT, content: { content: 'x' } });
    const history = await services.messages.history(ctx, { userId: 'a', targetId: 'g', conversationType: ConversationType.GROUP });
    expect(history.map((m) => m.content.content)).toEqual(['x']);
  });
});
