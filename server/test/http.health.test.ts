import { LOCAL_FILES_NOTE } from '../src/http/routes/meta-routes.js';
import { ErrorCode } from '@parley/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/bus/memory/memory-bus.js';
import { systemClock } from '../src/clock.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { call, startTestServer, type TestServer } from './support/test-server.js';

/** The probes a load balancer or an orchestrator polls. */

class UnreachableStore extends MemoryStore {
  override async ping(): Promise<void> {
    throw new Error('connection refused');
  }
}

class SilentBus extends MemoryBus {
  /** A bus that never answers: the probe must not wait for it forever. */
  override ping(): Promise<void> {
    return new Promise(() => {});
  }
}

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('/healthz and /readyz', () => {
  it('are 200 while the process, its store and its bus answer', async () => {
    t = await startTestServer();
    expect((await call(`${t.url}/healthz`)).body).toMatchObject({ status: 1, message: 'alive' });
    expect((await call(`${t.url}/readyz`)).body).toEqual({ status: 1, message: 'ready', data: { store: true, bus: true, files: true, fileStorage: 'local', draining: false, note: LOCAL_FILES_NOTE } });
  });

  it('/readyz is 503 UNAVAILABLE naming what does not answer, while /healthz stays 200', async () => {
    t = await startTestServer({}, { store: new UnreachableStore(), bus: new SilentBus(systemClock) });
    const ready = await call(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 0, code: ErrorCode.UNAVAILABLE, message: 'not ready: store and bus not answering' });
    expect((await call(`${t.url}/healthz`)).status).toBe(200);
  });
});
