/**
 * What the bench and the probe both do around a server: run a load job in a process of its own on
 * the load core, and make a tenant, an app and users with tokens on a Parley server.
 */
import { fork } from 'node:child_process';
import { ParleyServerApi } from '@parley/sdk/server';
import { signUpWithApp } from '../test/e2e/support/processes.js';
import type { ChatEndpoint, Peer } from './load/endpoints.js';
import { pool } from './load/stats.js';
import type { Job } from './load/worker.js';
import { pin, root, type Placement, type ServerProcess } from './processes.js';

/** Runs one job in a fresh load-generator process on the load core. */
export function runJob<T>(job: Job, where: Placement): Promise<T> {
  const child = fork(`${root}bench/load/worker.ts`, [], {
    execArgv: ['--import', 'tsx', '--conditions=@parley/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pin(child.pid!, where.loadCpu);
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => (reply.ok ? resolve(reply.result!) : reject(new Error(reply.error))));
    child.once('exit', (code) => code !== 0 && reject(new Error(`the ${job.scenario} load generator exited with ${code}`)));
    child.send(job);
  });
}

/** A tenant, an app and `count` users with tokens on a running Parley server (signed up as the e2e tests do). */
export async function parleyApp(server: ServerProcess, count: number): Promise<{ endpoint: ChatEndpoint; api: ParleyServerApi; appSecret: string; peers: Peer[] }> {
  const { appId, appSecret } = await signUpWithApp(server.url, 'bench');
  // A slow backend may take long over a group of a thousand; the bench waits rather than retries.
  const api = new ParleyServerApi({ baseUrl: server.url, appId, appSecret, maxRetries: 0, timeoutMs: 120_000 });
  const peers: Peer[] = new Array(count);
  await pool(count, 16, async (i) => {
    const userId = `u${i}`;
    peers[i] = { userId, token: (await api.getToken({ userId, name: userId })).token };
  });
  return { endpoint: { kind: 'parley', url: server.url, appId }, api, appSecret, peers };
}

