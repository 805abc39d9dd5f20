import { closeAll, connectAll, type ChatEndpoint, type Peer } from './endpoints.js';
import { settledRss } from '../processes.js';

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

/** Server memory per idle authenticated connection: RSS before and after connecting `peers`. */
export async function runIdle(spec: IdleSpec): Promise<IdleResult> {
  const before = await settledRss(spec.serverPid);
  const sockets = await connectAll(spec.endpoint, spec.peers);
  try {
    const after = await settledRss(spec.serverPid);
    return { connections: sockets.length, kibPerConnection: (after - before) / 1024 / sockets.length };
  } finally {
    closeAll(sockets);
  }
}
