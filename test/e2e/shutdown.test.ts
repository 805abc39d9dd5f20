import net from 'node:net';
import { ParleyServerApi } from '@parley/sdk/server';
import { ParleyClient } from '@parley/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, eventually } from '../support/parley.js';
import { signUpWithApp, startProductionServer, type ProductionServer } from './support/processes.js';

/** SIGTERM drains a production process: it finishes what it started and tells devices to come back. */
describe('shutting down on SIGTERM', () => {
  let server: ProductionServer | undefined;
  const clients: ParleyClient[] = [];

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.kill();
  });

  it('answers a request already in flight, sends devices to reconnect rather than stop, and exits 0', async () => {
    server = await startProductionServer(20_000);
    const app = await signUpWithApp(server.url, 'draining');
    const api = new ParleyServerApi({ baseUrl: server.url, appId: app.appId, appSecret: app.appSecret });
    const { token } = await api.getToken({ userId: 'ann', name: 'Ann' });
    const ann = new ParleyClient({ url: server.url, appId: app.appId, token });
    clients.push(ann);
    await ann.connect();
    const states = collect(ann, 'state');

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ email: app.email, password: app.password });
    const { port } = new URL(server.url);
    const raw = net.connect(Number(port), '127.0.0.1');
    let response = '';
    raw.on('data', (chunk: Buffer) => (response += chunk.toString()));
    const ended = new Promise((resolve) => raw.on('close', resolve));
    await new Promise((resolve) => raw.once('connect', resolve));
    // `Expect: 100-continue` makes the server say when it has read the headers: the request is
    // then under way, not a connection that merely opened.
    raw.write(`POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    await eventually(() => response.startsWith('HTTP/1.1 100 Continue'), 10_000, 'the server to read the headers');
    raw.write(body.slice(0, 10));

    const exit = server.stop();
    await eventually(() => server!.output().includes('shutting down'), 10_000, 'the shutdown to begin');
    await eventually(() => ann.state === 'reconnecting', 10_000, 'the device to be told to reconnect');
    raw.write(body.slice(10));
    await ended;

    expect(response).toContain('\r\n\r\nHTTP/1.1 200 OK\r\n');
    expect(response).toContain('"status":1');
    expect(await exit).toBe(0);
    expect(states.map((change) => change.state)).not.toContain('disconnected');
  });
});
