/**
 * Realtime part of `npm run bench`: end-to-end latency (send on one device -> `new-message` on
 * another) and sustained socket sends, through `ParleyClient`, next to a plain socket.io relay
 * started the same way (the floor any socket.io-based service sits on).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ParleyClient, type TextContent } from '@parley/sdk';
import type { ParleyServerApi } from '@parley/sdk/server';
import { io } from 'socket.io-client';
import { summary, throughput } from './bench-stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const socketOptions = { transports: ['websocket'] };

/** Sequential sends; each sample ends when the receiver's push arrives. */
async function endToEnd(count: number, send: (i: number) => Promise<unknown>, arrived: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const received = arrived(i);
    await send(i);
    await received;
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Resolves when `count` more `new-message` events reached `client`. */
function waitForMessages(client: ParleyClient, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = client.on('new-message', () => {
      if (++seen === count) {
        off();
        resolve();
      }
    });
  });
}

export async function benchRealtime(url: string, appId: string, api: ParleyServerApi): Promise<void> {
  const connect = async (userId: string) => {
    const client = new ParleyClient({ url, appId, token: (await api.getToken({ userId, name: userId })).token, platform: 'other', socketOptions });
    await client.connect();
    return client;
  };
  const clients: ParleyClient[] = [];
  try {
    const [alice, bob] = [await connect('rt-alice'), await connect('rt-bob')];
    clients.push(alice, bob);
    console.log('');
    console.log('Realtime gateway (ParleyClient over websocket, server stores every message first)');

    const oneToOne = await endToEnd(2000, (i) => alice.sendPrivateMessage({ targetId: 'rt-bob', messageType: 1, content: text(i) }), () => waitForMessages(bob, 1));
    console.log(`1:1 send -> new-message, 2000 sequential      ${summary(oneToOne)}`);

    const sustainedDone = waitForMessages(bob, 20_000);
    const rate = await throughput(20_000, 64, (i) => alice.sendPrivateMessage({ targetId: 'rt-bob', messageType: 1, content: text(i) }));
    await sustainedDone;
    console.log(`1:1 sends, 64 in flight, 20000 messages       ${rate.toFixed(0)} messages/s acked (all delivered)`);

    const members = Array.from({ length: 50 }, (_, i) => `rt-m${i}`);
    for (const userId of members) clients.push(await connect(userId));
    await api.createGroup({ groupId: 'rt-fifty', userIds: members, name: 'Fifty' });
    const [sender, ...receivers] = clients.slice(2);
    const fanOut = await endToEnd(
      500,
      (i) => sender!.sendGroupMessage({ targetId: 'rt-fifty', messageType: 1, content: text(i) }),
      () => Promise.all(receivers.map((r) => waitForMessages(r, 1))),
    );
    console.log(`group of 50: send -> last of 49 devices, 500  ${summary(fanOut)}`);
  } finally {
    for (const client of clients) client.disconnect();
  }
  await benchRelay();
}

async function benchRelay(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-relay.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error('relay exited')));
  });
  const a = io(url, { ...socketOptions, auth: { user: 'a' }, forceNew: true });
  const b = io(url, { ...socketOptions, auth: { user: 'b' }, forceNew: true });
  try {
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.once('connect', () => resolve(null)))));
    const samples = await endToEnd(
      2000,
      (i) => a.emitWithAck('send', { to: 'b', body: text(i) }),
      () => new Promise((resolve) => b.once('message', resolve)),
    );
    const rate = await throughput(20_000, 64, (i) => a.emitWithAck('send', { to: 'b', body: text(i) }));
    console.log('');
    console.log('Baseline: plain socket.io relay (no auth, validation or storage)');
    console.log(`1:1 send -> message, 2000 sequential          ${summary(samples)}`);
    console.log(`1:1 sends, 64 in flight, 20000 messages       ${rate.toFixed(0)} messages/s acked`);
  } finally {
    a.close();
    b.close();
    child.kill('SIGTERM');
  }
}

/** The same small text message in every scenario. */
function text(i: number): TextContent {
  return { content: `realtime ${i} with a little text in it` };
}
