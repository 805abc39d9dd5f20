import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError, ParleyServerApi, computeSign } from '../src/server/index.js';

/** A plain HTTP server that answers with whatever the test scripts, and records what it got. */
interface Recorded {
  method: string;
  url: URL;
  body: Record<string, unknown> | null;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(answer: (request: Recorded, index: number) => { status: number; body: string } | 'hang'): Promise<{ api: ParleyServerApi; seen: Recorded[]; baseUrl: string }> {
  const seen: Recorded[] = [];
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const request = { method: req.method!, url: new URL(req.url!, 'http://x'), body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    seen.push(request);
    const reply = answer(request, seen.length - 1);
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/`;
  const api = new ParleyServerApi({ baseUrl, appId: 'app1', appSecret: 'secret', timeoutMs: 300 });
  return { api, seen, baseUrl };
}

const ok = (data: unknown) => ({ status: 200, body: JSON.stringify({ status: 1, message: 'ok', data }) });
const fail = (status: number, code: string) => ({ status, body: JSON.stringify({ status: 0, code, message: `${code} happened` }) });

describe('ParleyServerApi', () => {
  it('POSTs JSON with a valid signature over every field and returns data', async () => {
    const { api, seen } = await serve(() => ok({ token: 't', userId: 'u1', expiresAt: 1 }));
    expect(await api.getToken({ userId: 'u1', name: 'A b' })).toEqual({ token: 't', userId: 'u1', expiresAt: 1 });
    const body = seen[0]!.body!;
    expect(seen[0]!.url.pathname).toBe('/user/getToken');
    expect(body).toMatchObject({ app_id: 'app1', userId: 'u1', name: 'A b', nonce_str: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(Math.abs(Number(body.time_stamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(body.sign).toBe(computeSign(body, 'secret'));
  });

  it('sends GET fields in the query string, arrays and objects as JSON', async () => {
    const { api, seen } = await serve(() => ok([]));
    await api.getSessionMessages({ userId: 'u1', targetId: 'u2', conversationType: 1, limit: 5 });
    const query = Object.fromEntries(seen[0]!.url.searchParams);
    expect(seen[0]!.method).toBe('GET');
    expect(query).toMatchObject({ userId: 'u1', targetId: 'u2', conversationType: '1', limit: '5' });
    expect(query.sign).toBe(computeSign(query, 'secret'));
  });

  it('gives every send a clientMsgId, and keeps it across retries', async () => {
    const { api, seen } = await serve((_req, i) => (i === 0 ? fail(500, 'INTERNAL') : ok({ msgId: 'm' })));
    await api.sendPrivateMessage({ senderUserId: 'a', targetId: 'b', messageType: 1, content: { content: 'hi' } });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.body!.clientMsgId).toEqual(expect.any(String));
    expect(seen[1]!.body!.clientMsgId).toBe(seen[0]!.body!.clientMsgId);
    expect(seen[1]!.body!.nonce_str).not.toBe(seen[0]!.body!.nonce_str);
  });

  it('rejects with the server code and status, without retrying client errors', async () => {
    const { api, seen } = await serve(() => fail(404, 'NOT_FOUND'));
    const error = await api.getUserSessions({ userId: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false, message: 'NOT_FOUND happened' });
    expect(seen).toHaveLength(1);
  });

  it('retries 429 and 500 on retry-safe routes up to maxRetries, then gives up', async () => {
    const { api, seen } = await serve(() => fail(429, 'RATE_LIMITED'));
    await expect(api.getGroupMembers({ groupId: 'g' })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(seen).toHaveLength(3);
  });

  it('does not retry group creation, which is not safe to repeat', async () => {
    const { api, seen } = await serve(() => fail(500, 'INTERNAL'));
    await expect(api.createGroup({ groupId: 'g', userIds: ['a'], name: 'G' })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(seen).toHaveLength(1);
  });

  it('reports a timeout as TIMEOUT', async () => {
    const { baseUrl } = await serve(() => 'hang');
    const api = new ParleyServerApi({ baseUrl, appId: 'a', appSecret: 's', timeoutMs: 100, maxRetries: 0 });
    await expect(api.getUserSessions({ userId: 'x' })).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('reports a refused connection as NETWORK_ERROR', async () => {
    const api = new ParleyServerApi({ baseUrl: 'http://127.0.0.1:9', appId: 'a', appSecret: 's', maxRetries: 0 });
    await expect(api.getUserSessions({ userId: 'x' })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('reports a non-envelope answer as BAD_RESPONSE', async () => {
    const { api } = await serve(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    await expect(api.createGroup({ groupId: 'g', userIds: ['a'], name: 'G' })).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 502 });
  });
});
