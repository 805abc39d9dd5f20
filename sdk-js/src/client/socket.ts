import type { Socket } from 'socket.io-client';
import type { ClientRequestArgs, ClientRequestName, ClientRequests, ClientToServerEvents, ServerToClientEvents } from '../protocol/realtime.js';

/**
 * The socket.io socket of a {@link ParleyClient}, typed by the protocol's event maps: what the
 * server pushes, and every request with its payload and its ack.
 */
export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What request `K` carries after its name: its payload, or nothing for a `payload: void` request. */
export type RequestArgs<K extends ClientRequestName> = ClientRequestArgs<K>;

/** The `data` of request `K`'s successful ack. */
export type RequestResult<K extends ClientRequestName> = ClientRequests[K]['result'];
