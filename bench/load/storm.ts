import type { Socket } from 'socket.io-client';
import { closeAll, connectAll, connectPeer, request, type ChatEndpoint, type Peer } from './endpoints.js';
import { percentiles, pool, until } from './stats.js';

export interface StormSpec {
  endpoint: ChatEndpoint;
  devices: Peer[];
  /** Where the devices connect, when not to `endpoint` (a second server process). */
  deviceEndpoint?: ChatEndpoint;
  /** Parley only: the user who writes to every device, and stays connected throughout. */
  sender?: Peer;
  /** Messages each device gets while it is away (Parley only). */
  whileAway: number;
  /** Messages each device gets while the storm is on, as pushes or in its sync (Parley only). */
  duringStorm: number;
  /** How long, at most, until every device has caught up. */
  timeoutMs: number;
}

export interface StormResult {
  devices: number;
  /** From the moment every device reconnects at once until the last one is ready (relay) or has caught up (Parley). */
  allCaughtUpMs: number;
  /** Per device, the same time. */
  perDevice: { p50: number; p99: number; max: number };
  /** Parley: messages fetched with `sync-messages` during the storm. */
  synced: number;
  /** Parley: messages acked to the sender that some device never received. */
  lost: number;
  /** Parley: messages a device holds twice under different ids (one send stored twice). */
  duplicated: number;
}

interface WireMessage {
  msgId: string;
  seq: number;
  clientMsgId: string | null;
  senderUserId: string;
}

/**
 * What one device holds of its conversation with the sender, kept as the socket reference says a
 * device should: the highest seq it has, messages deduplicated by id, a gap in seq filled by sync.
 */
class DeviceState {
  readonly byClientMsgId = new Map<string, Set<string>>();
  readonly msgIds = new Set<string>();
  held = 0;
  caughtUpAt = NaN;
  synced = 0;
  #syncing: Promise<void> | null = null;

  constructor(
    readonly peer: Peer,
    readonly senderUserId: string,
  ) {}

  hold(message: WireMessage): void {
    if (message.senderUserId !== this.senderUserId || this.msgIds.has(message.msgId)) return;
    this.msgIds.add(message.msgId);
    const key = message.clientMsgId ?? message.msgId;
    const ids = this.byClientMsgId.get(key) ?? new Set();
    ids.add(message.msgId);
    this.byClientMsgId.set(key, ids);
  }

  /** Everything after `held`, page by page, until a page comes back short. */
  sync(socket: Socket): Promise<void> {
    this.#syncing ??= (async () => {
      for (;;) {
        const page = await request<WireMessage[]>(socket, 'sync-messages', { conversationType: 1, targetId: this.senderUserId, afterSeq: this.held, limit: 100 });
        for (const message of page) this.hold(message);
        this.synced += page.length;
        if (page.length > 0) this.held = Math.max(this.held, page[page.length - 1]!.seq);
        if (page.length < 100) break;
      }
    })().finally(() => (this.#syncing = null));
    return this.#syncing;
  }

  /** A push: the next seq is kept, a seq past a gap starts a sync from what is held. */
  push(socket: Socket, message: WireMessage): void {
    if (message.senderUserId !== this.senderUserId) return;
    if (message.seq === this.held + 1) {
      this.hold(message);
      this.held = message.seq;
    } else if (message.seq > this.held + 1) {
      void this.sync(socket).catch(() => undefined);
    }
  }
}

/**
 * A reconnect storm: every device drops at once and comes back at once. On Parley each device
 * then catches up as the socket reference says (session list, then `sync-messages` from the seq
 * it holds) while the sender keeps writing; a device has caught up when it holds every message
 * acked to the sender before the storm. On the relay, a device has caught up when it is
 * connected again (there is nothing to fetch). Finally every Parley device must hold every acked
 * message exactly once.
 */
export async function runStorm(spec: StormSpec): Promise<StormResult> {
  const parley = spec.endpoint.kind === 'parley';
  const sender = parley ? await connectPeer(spec.endpoint, spec.sender!) : null;
  const states = spec.devices.map((peer) => new DeviceState(peer, spec.sender?.userId ?? ''));
  const acked = new Map<string, number>();
  let sendCount = 0;
  const send = async (i: number) => {
    const to = spec.devices[i % spec.devices.length]!.userId;
    const message = await request<WireMessage>(sender!, 'send-private-message', { targetId: to, messageType: 1, content: { content: `storm ${i}` }, clientMsgId: `storm-${sendCount++}` });
    acked.set(to, Math.max(acked.get(to) ?? 0, message.seq));
  };
  const follow = (socket: Socket, state: DeviceState) => socket.on('new-message', (message: WireMessage) => state.push(socket, message));

  // Everyone online (with one message each).
  const deviceEndpoint = spec.deviceEndpoint ?? spec.endpoint;
  let sockets = await connectAll(deviceEndpoint, spec.devices);
  sockets.forEach((socket, i) => follow(socket, states[i]!));
  if (parley) {
    await pool(spec.devices.length, 64, send);
    await until(() => states.every((state) => state.held >= (acked.get(state.peer.userId) ?? 0)), spec.timeoutMs);
  }

  // Everyone drops; the sender writes to them while they are away.
  closeAll(sockets);
  if (parley) await pool(spec.devices.length * spec.whileAway, 64, send);
  const expected = new Map(acked);

  // Everyone comes back at once.
  const started = performance.now();
  const during = parley ? pool(spec.devices.length * spec.duringStorm, 16, send) : Promise.resolve(0);
  sockets = new Array(spec.devices.length);
  await Promise.all(
    spec.devices.map(async (peer, i) => {
      const state = states[i]!;
      const socket = await connectPeer(deviceEndpoint, peer);
      sockets[i] = socket;
      if (!parley) {
        state.caughtUpAt = performance.now();
        return;
      }
      follow(socket, state);
      const sessions = await request<{ conversationType: number; targetId: string; lastSeq: number }[]>(socket, 'session-list');
      const session = sessions.find((s) => s.conversationType === 1 && s.targetId === state.senderUserId);
      if (session && session.lastSeq > state.held) await state.sync(socket);
      await until(() => state.held >= (expected.get(peer.userId) ?? 0), spec.timeoutMs);
      state.caughtUpAt = performance.now();
    }),
  );
  const allCaughtUpMs = performance.now() - started;
  await during;
  try {
    let lost = 0;
    let duplicated = 0;
    if (parley) {
      // Whatever was sent during the storm arrives too, by push or by filling a gap.
      const complete = () => states.every((state) => state.held >= (acked.get(state.peer.userId) ?? 0));
      if (!(await until(complete, spec.timeoutMs))) {
        await Promise.all(states.map((state, i) => state.sync(sockets[i]!).catch(() => undefined)));
      }
      for (const state of states) {
        lost += Math.max(0, (acked.get(state.peer.userId) ?? 0) - state.msgIds.size);
        for (const ids of state.byClientMsgId.values()) duplicated += ids.size - 1;
      }
    }
    return {
      devices: spec.devices.length,
      allCaughtUpMs,
      perDevice: percentiles(states.map((state) => state.caughtUpAt - started)),
      synced: states.reduce((sum, state) => sum + state.synced, 0),
      lost,
      duplicated,
    };
  } finally {
    closeAll(sockets);
    sender?.disconnect();
  }
}
