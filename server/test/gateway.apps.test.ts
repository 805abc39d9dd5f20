import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import type { AppRecord } from '../src/store/records.js';
import { connectDevice, GatewayWorld, openDevice, refusalOf, text } from './support/devices.js';
import { signParams, sendSigned } from './support/signed-request.js';
import { changeAppSettings, startTestWorld, type TestWorld } from './support/test-server.js';

/** The embedded store, counting how often the app record is read. */
class CountingStore extends MemoryStore {
  reads = 0;
  constructor() {
    super();
    const get = this.apps.get.bind(this.apps);
    this.apps.get = (appId: string): Promise<AppRecord | null> => {
      this.reads++;
      return get(appId);
    };
  }
}

describe('a connection and its app', () => {
  const store = new CountingStore();
  let world: TestWorld;
  beforeAll(async () => {
    world = await startTestWorld(['ann', 'ben'], {}, { store });
  });
  afterAll(() => world.close());

  it('reads the app once and follows settings changed in the console while it is connected', async () => {
    const { t, app, tokens } = world;
    const ann = await connectDevice(t, app.appId, tokens['ann']!);
    const before = store.reads;
    await ann.ok('session-list');
    const sent = await ann.ok('send-private-message', { targetId: 'ben', ...text('two') });
    expect(store.reads, 'requests on a connection do not read the app').toBe(before);

    // The sender may recall within 120 s by default; a window of 0 turns that off at once.
    await changeAppSettings(t, app, { recallWindowSeconds: 0 });
    t.clock.advance(1000);
    try {
      expect(await ann.request('recall-message', { msgId: sent.msgId })).toMatchObject({ status: 0, code: 'FORBIDDEN' });
    } finally {
      t.clock.advance(-1000);
    }
    ann.close();
  });
});

describe('an app that does not exist', () => {
  let world: GatewayWorld;
  beforeAll(async () => {
    world = await GatewayWorld.start(['zoe']);
  });
  afterAll(() => world.close());

  it('gets UNKNOWN_APP on both transports once deleted', async () => {
    const { t, app } = world;
    const res = await fetch(`${t.url}/console/apps/${app.appId}`, { method: 'DELETE', headers: app.tenant.auth });
    expect(res.status).toBe(200);

    const signed = await sendSigned(t.url, '/user/getToken', signParams({ userId: 'zoe', name: 'Zoe' }, { appId: app.appId, secret: app.appSecret }));
    expect(signed.body.code).toBe('UNKNOWN_APP');
    const refusal = await refusalOf(openDevice(t, app.appId, world.tokens['zoe']!));
    expect(refusal.data?.code).toBe('UNKNOWN_APP');
  });
});
