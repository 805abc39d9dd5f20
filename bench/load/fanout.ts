import { closeAll, connectAll, connectPeer, onMessage, send, type ChatEndpoint, type Peer } from './endpoints.js';
import { percentiles, until } from './stats.js';

export interface FanOutSpec {
  endpoint: ChatEndpoint;
  /** The group (Parley) or room (relay) every member is in. */
  groupId: string;
  sender: Peer;
  /** Everyone who receives (the sender excluded). */
  members: Peer[];
  /** Where the members connect, when not to `endpoint` (a second server process). */
  memberEndpoint?: ChatEndpoint;
  messages: number;
  /** Messages per second, sent on schedule. */
  rate: number;
  drainMs: number;
}

export interface FanOutResult {
  /** Pushes that reached a member, per second, from the first scheduled send to the last arrival. */
  deliveriesPerSecond: number;
  /** Per message: from its scheduled send until the last member had it. */
  lastMember: { p50: number; p99: number; max: number };
  deliveredShare: number;
}

/** One sender posts to a group on schedule; every member's arrivals are timed. */
export async function runFanOut(spec: FanOutSpec): Promise<FanOutResult> {
  const members = await connectAll(spec.memberEndpoint ?? spec.endpoint, spec.members, [spec.groupId]);
  const sender = await connectPeer(spec.endpoint, spec.sender, [spec.groupId]);
  const scheduledAt = new Float64Array(spec.messages);
  const lastArrival = new Float64Array(spec.messages);
  const arrivals = new Uint32Array(spec.messages);
  let delivered = 0;
  for (const socket of members) {
    onMessage(spec.endpoint, socket, (body) => {
      const index = Number(body.split('|', 1)[0]);
      if (!(index >= 0 && index < spec.messages)) return;
      arrivals[index]!++;
      lastArrival[index] = performance.now();
      delivered++;
    });
  }
  try {
    const started = performance.now();
    for (let i = 0; i < spec.messages; i++) {
      scheduledAt[i] = started + (i * 1000) / spec.rate;
      const wait = scheduledAt[i]! - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      void send(spec.endpoint, sender, spec.groupId, `${i}|group message`, 'group');
    }
    const expected = spec.messages * members.length;
    await until(() => delivered >= expected, spec.drainMs);
    const complete: number[] = [];
    let end = started;
    for (let i = 0; i < spec.messages; i++) {
      if (arrivals[i] === members.length) complete.push(lastArrival[i]! - scheduledAt[i]!);
      end = Math.max(end, lastArrival[i]!);
    }
    return {
      deliveriesPerSecond: delivered / ((end - started) / 1000),
      lastMember: percentiles(complete),
      deliveredShare: delivered / expected,
    };
  } finally {
    closeAll(members);
    sender.disconnect();
  }
}
