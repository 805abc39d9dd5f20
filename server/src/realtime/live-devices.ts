import type { Clock } from '../clock.js';
import type { DeviceSpan, DeviceSpans } from '../domain/insights/live-connections.js';
import { appRoom, userRoom } from './rooms.js';
import type { ConnectionData, GatewayServer } from './types.js';

/** How long a question waits for the other processes; one that has not answered by then is left out. */
const ASK_TIMEOUT_MS = 2000;
/** Ended connections each process remembers for the console's "pushed to" (about 1 MB). */
export const ENDED_CONNECTIONS_KEPT = 10_000;
/** Most users one question about device connections may name (a message detail lists 200). */
const SPAN_USERS_MAX = 500;

/**
 * What every process knows of its devices, for the console: how many of an app's devices are
 * connected, and which connections a user had over time (to tell which devices a message's push
 * was written to).
 *
 * Each process answers for its own devices from memory: the sizes and members of its rooms, and a
 * ring of the connections that ended here. Nothing is written per message or per push: whether a
 * device got a push follows from its connection having been open when the message was stored
 * (socket.io writes a push to every open connection of the user's room, in order; a connection
 * that cannot keep up is closed by the send-buffer guard, so it ends rather than skips).
 *
 * With the in-process adapter there is nobody to ask. `stop` stops answering the other processes.
 */
export class LiveDevices {
  readonly #ended: DeviceSpan[] = [];
  /** Where the next ended connection goes once the ring is full. */
  #next = 0;
  /** An ended connection has been forgotten to make room. */
  #forgot = false;
  readonly #startedAt: number;
  readonly #answerCount = (appId: string, reply: (count: number) => void) => reply(this.#localCount(appId));
  readonly #answerSpans = (query: { appId: string; userIds: string[] }, reply: (spans: DeviceSpans) => void) =>
    reply(this.#localSpans(query.appId, Array.isArray(query.userIds) ? query.userIds.slice(0, SPAN_USERS_MAX) : []));

  constructor(
    private readonly io: GatewayServer,
    private readonly clock: Clock,
    private readonly crossProcess: boolean,
    private readonly keep = ENDED_CONNECTIONS_KEPT,
  ) {
    this.#startedAt = clock.now();
    if (crossProcess) {
      io.on('count-devices', this.#answerCount);
      io.on('device-spans', this.#answerSpans);
    }
  }

  /** Remembers a connection that just ended, forgetting the oldest one past the bound. */
  ended(data: ConnectionData): void {
    const span: DeviceSpan = { userId: data.userId, appId: data.appId, platform: data.platform, connectedAt: data.connectedAt, disconnectedAt: this.clock.now() };
    if (this.#ended.length < this.keep) this.#ended.push(span);
    else {
      this.#ended[this.#next] = span;
      this.#next = (this.#next + 1) % this.keep;
      this.#forgot = true;
    }
  }

  /** Devices of `appId` connected now, over every process. */
  async countDevices(appId: string): Promise<number> {
    const here = this.#localCount(appId);
    if (!this.crossProcess) return here;
    const counts = await this.#askOthers(() => this.io.serverSideEmitWithAck('count-devices', appId));
    if (counts === null) return here;
    return here + counts.filter((count) => Number.isInteger(count) && count >= 0).reduce((sum, count) => sum + count, 0);
  }

  /**
   * The connections of `userIds` over every process, open and ended, oldest first. A process
   * that does not answer in time leaves `knownSince` at now: nothing about the past is certain.
   */
  async deviceSpans(appId: string, userIds: readonly string[]): Promise<DeviceSpans> {
    const here = this.#localSpans(appId, userIds);
    if (!this.crossProcess) return here;
    const answers = await this.#askOthers(() => this.io.serverSideEmitWithAck('device-spans', { appId, userIds: [...userIds] }));
    if (answers === null) return { spans: here.spans, knownSince: this.clock.now() };
    const spans = [...here.spans];
    let knownSince = here.knownSince;
    for (const answer of answers) {
      spans.push(...answer.spans);
      knownSince = Math.max(knownSince, answer.knownSince);
    }
    return { spans: spans.sort((a, b) => a.connectedAt - b.connectedAt), knownSince };
  }

  stop(): void {
    if (!this.crossProcess) return;
    this.io.off('count-devices', this.#answerCount);
    this.io.off('device-spans', this.#answerSpans);
  }

  /** The size of the app's room here. A number, not the sockets: `fetchSockets` would ship every handshake to count them. */
  #localCount(appId: string): number {
    return this.io.of('/').adapter.rooms.get(appRoom(appId))?.size ?? 0;
  }

  #localSpans(appId: string, userIds: readonly string[]): DeviceSpans {
    const wanted = new Set(userIds.filter((userId): userId is string => typeof userId === 'string'));
    const spans: DeviceSpan[] = this.#ended.filter((span) => span.appId === appId && wanted.has(span.userId));
    const { adapter, sockets } = this.io.of('/');
    for (const userId of wanted) {
      for (const id of adapter.rooms.get(userRoom(appId, userId)) ?? []) {
        const data = sockets.get(id)?.data;
        if (data) spans.push({ userId, appId, platform: data.platform, connectedAt: data.connectedAt, disconnectedAt: null });
      }
    }
    // Once the ring has wrapped, connections that ended before its oldest one may have been forgotten.
    const knownSince = this.#forgot ? (this.#ended[this.#next]?.disconnectedAt ?? this.#startedAt) : this.#startedAt;
    return { spans: spans.sort((a, b) => a.connectedAt - b.connectedAt), knownSince };
  }

  /** The other processes' answers, or null when one did not answer in time (or the adapter failed). */
  async #askOthers<T>(ask: () => Promise<T[]>): Promise<T[] | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ASK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([ask(), late]).catch(() => null);
    } finally {
      clearTimeout(timer);
    }
  }
}
