import type { AppSettings, ClientToServerEvents, Platform, ServerToClientEvents } from '@parley/sdk/protocol';
import type { Server, Socket } from 'socket.io';
import type { DeviceSpans } from '../domain/insights/live-connections.js';

/** What the handshake learned about a connection. */
export interface ConnectionData {
  appId: string;
  userId: string;
  platform: Platform;
  /** When the token used to connect expires (ms since epoch). */
  tokenExpiresAt: number;
  /** The token's hash (never the token), to check it again after a cross-process outage. */
  tokenHash: string;
  /** When the connection was accepted (ms since epoch); older devices are the ones a login policy replaces. */
  connectedAt: number;
}

/**
 * What one server process tells the others through the socket.io adapter (`serverSideEmit`):
 * changes every process must apply to the apps its connections hold.
 */
export interface InterServerEvents {
  'app-updated': (event: { appId: string; settings: AppSettings }) => void;
  'app-deleted': (event: { appId: string }) => void;
  /** How many devices of the app this process holds (the console's "sockets online"). */
  'count-devices': (appId: string, answer: (count: number) => void) => void;
  /** This process's connections of these users, open and ended (the console's "pushed to"). */
  'device-spans': (query: { appId: string; userIds: string[] }, answer: (spans: DeviceSpans) => void) => void;
}

/**
 * socket.io typed with the protocol's event maps, the same ones `ParleyClient`'s socket uses
 * (generics reversed): requests with their ack callbacks in, pushes out.
 */
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, ConnectionData>;
export type DeviceSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, ConnectionData>;
