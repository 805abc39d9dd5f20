import { readFileSync } from 'node:fs';
import { closeAll, connectAll, type ChatEndpoint, type Peer } from './endpoints.js';
import { sleep } from './stats.js';

export interface IdleSpec {
  endpoint: ChatEndpoint;
  peers: Peer[];
  /** The server process whose memory is read (same machine). */
  serverPid: number;
}

export interface IdleResult {
  connections: number;
  /** Server RSS growth per connected idle device, in KiB. */
  kibPerConnection: number;
}

function rssKib(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** RSS once it has stopped moving by more than 1 % between samples a second apart (at most 10 s). */
async function settled(pid: number): Promise<number> {
  let previous = rssKib(pid);
  for (let i = 0; i < 10; i++) {
    await sleep(1_000);
    const now = rssKib(pid);
    if (Math.abs(now - previous) <= previous * 0.01) return now;
    previous = now;
  }
  return previous;
}

/** Server memory per idle authenticated connection: RSS before and after connecting `peers`. */
export async function runIdle(spec: IdleSpec): Promise<IdleResult> {
  const before = await settled(spec.serverPid);
  const sockets = await connectAll(spec.endpoint, spec.peers);
  try {
    const after = await settled(spec.serverPid);
    return { connections: sockets.length, kibPerConnection: (after - before) / sockets.length };
  } finally {
    closeAll(sockets);
  }
}
