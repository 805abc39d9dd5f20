import type { ClientRequestName, Platform, ServerEventName, ServerEvents } from '@parley/sdk/protocol';
import type { Server, Socket } from 'socket.io';

/**
 * socket.io's typed-event maps built from the protocol: what devices may send (requests, with an
 * ack as their last argument) and what the server pushes.
 */
export type ListenEvents = { [E in ClientRequestName]: (...args: unknown[]) => void };
export type EmitEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };

/** What the handshake learned about a connection. */
export interface ConnectionData {
  appId: string;
  userId: string;
  platform: Platform;
  /** When the token used to connect expires (ms since epoch). */
  tokenExpiresAt: number;
  /** When the connection was accepted (ms since epoch); older devices are the ones a login policy replaces. */
  connectedAt: number;
}

export type GatewayServer = Server<ListenEvents, EmitEvents, Record<string, never>, ConnectionData>;
export type DeviceSocket = Socket<ListenEvents, EmitEvents, Record<string, never>, ConnectionData>;
