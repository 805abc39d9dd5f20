import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { DeviceSocket } from './types.js';

/** The reason a slow-consumer drop is logged with. */
export const SLOW_CONSUMER = 'slow-consumer';

/** engine.io's connection under a socket.io socket, and the transport it currently writes to. */
type EngineConnection = DeviceSocket['conn'];
type EngineTransport = EngineConnection['transport'];

/**
 * Bounds the memory one connection may hold for a device that stops reading (a frozen tab, a
 * phone that went to sleep with its socket open, a client that does not keep up with the pushes).
 *
 * Without it, everything the server pushes to such a device stays in memory until the heartbeat
 * gives up (`SOCKET_PING_INTERVAL_MS` + `SOCKET_PING_TIMEOUT_MS`, 45 s by default): the TCP send
 * buffer fills, then the websocket's socket buffers the frame it was writing, and engine.io queues
 * every later packet in its write buffer until that write completes; on HTTP long-polling packets
 * wait in the same write buffer until the next poll. A busy group can put hundreds of MB there.
 *
 * The guard counts what is pending on the connection: the packets engine.io has not handed to the
 * transport yet (counted as they are queued, reset when engine.io flushes them) plus what the
 * websocket holds unsent (`ws`'s `bufferedAmount`), in encoded bytes as they go on the wire. When
 * a packet is queued while the connection already holds more than `maxBytes`, the connection is
 * dropped at once: the websocket is terminated (its socket destroyed, its buffers freed, no closing
 * handshake that would wait behind the backlog) and the engine.io connection closed with its queue
 * discarded. No socket.io `disconnect` packet is sent (the SDK would take it as final): the device
 * sees a lost transport, reconnects with its usual backoff and fills the gap by `seq`, as after any
 * network loss.
 *
 * Limits: the check runs as packets are queued, so the pending bytes reach at most `maxBytes` plus
 * one packet, and a single answer larger than `maxBytes` still goes to a device that reads. The
 * process holds about three times the counted bytes for them (socket.io keeps each packet as text
 * and as a ready websocket frame), plus what the kernel's TCP buffers took. On long-polling the
 * answer to the last poll, already written to the HTTP socket, is not counted (one batch, itself
 * under the limit). `maxBytes` should hold the largest answer a device may ask for (a history page
 * of 100 large messages), or a device on a slow link would be dropped while it reads one;
 * `loadConfig` checks it against `MAX_MESSAGE_BYTES`.
 */
export function guardSendBuffer(socket: DeviceSocket, maxBytes: number, logger: Logger, metrics: Metrics): void {
  const conn = socket.conn;
  /** Bytes of the packets in engine.io's write buffer: queued, not yet flushed to the transport. */
  let queued = 0;
  let dropped = false;

  // `packetCreate` comes just before a packet joins the write buffer, `flush` just before the
  // buffer is handed to the transport (both documented engine.io Socket events).
  const onPacket = (packet: { type?: string; data?: unknown }): void => {
    // What the connection holds before this packet: one large answer to a device that reads is fine.
    const pending = queued + (websocketOf(conn.transport)?.bufferedAmount ?? 0);
    queued += packetBytes(packet.data);
    // Heartbeats are engine packets too; only messages (pushes and acks) are deliveries.
    if (packet.type === 'message') metrics.packetsSent.inc();
    if (dropped || pending <= maxBytes) return;
    dropped = true;
    metrics.slowConsumerDrops.inc();
    const { appId, userId } = socket.data;
    logger.warn(
      { reason: SLOW_CONSUMER, appId, userId, transport: conn.transport.name, pendingBytes: pending, limitBytes: maxBytes },
      'dropped a device that stopped reading: its unsent data passed SOCKET_SEND_BUFFER_MAX_BYTES',
    );
    // Destroy the socket first: a websocket close handshake would wait behind the backlog.
    websocketOf(conn.transport)?.terminate();
    // Closes now, without waiting for a drain that will not come; engine.io empties its queue.
    conn.close(true);
  };
  const onFlush = (): void => {
    queued = 0;
  };
  conn.on('packetCreate', onPacket);
  conn.on('flush', onFlush);
  conn.once('close', () => {
    conn.off('packetCreate', onPacket);
    conn.off('flush', onFlush);
  });
}

/** What a packet weighs in memory: its encoded string as UTF-8, or its binary payload. */
function packetBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** The part of a `ws` WebSocket the guard uses; both members are public `ws` API. */
interface WebSocketLike {
  /** Bytes queued on the socket and not yet handed to the kernel, plus frames waiting to be compressed. */
  readonly bufferedAmount: number;
  /** Destroys the underlying socket at once. */
  terminate(): void;
}

/**
 * The `ws` WebSocket under engine.io's websocket transport; undefined on long-polling.
 *
 * The one place that reaches into engine.io: its websocket transport keeps the `ws` instance in a
 * field its typings mark private (`socket`), and no public engine.io API tells how much a
 * connection holds unsent or destroys it without a closing handshake. Checked by shape, so if a
 * later engine.io moves it the guard still counts the write buffer (where a stalled connection's
 * packets pile up) and still drops, only with a graceful close.
 */
function websocketOf(transport: EngineTransport): WebSocketLike | undefined {
  if (transport.name !== 'websocket') return undefined;
  const ws: unknown = Reflect.get(transport, 'socket');
  if (typeof ws !== 'object' || ws === null) return undefined;
  const candidate = ws as Partial<WebSocketLike>;
  return typeof candidate.bufferedAmount === 'number' && typeof candidate.terminate === 'function' ? (candidate as WebSocketLike) : undefined;
}
