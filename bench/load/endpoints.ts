import { io, type Socket } from 'socket.io-client';
import { pool } from './stats.js';

/**
 * How the load generator talks to either target with the same socket.io client and transport:
 * Parley through its wire protocol (no SDK logic on the load side), or the baseline relay.
 */
export interface ChatEndpoint {
  kind: 'parley' | 'relay';
  url: string;
  /** Parley only. */
  appId?: string;
}

export interface Peer {
  userId: string;
  /** Parley only: a user token minted by the orchestrator. */
  token?: string;
}

/** Connects and resolves on the server's `ready` (both targets send one). */
export function connectPeer(endpoint: ChatEndpoint, peer: Peer, rooms: readonly string[] = []): Promise<Socket> {
  const auth = endpoint.kind === 'parley' ? { appId: endpoint.appId, token: peer.token, platform: 'other' } : { user: peer.userId, rooms };
  const socket = io(endpoint.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  return new Promise((resolve, reject) => {
    // Generous: on a slow store a storm of handshakes queues behind each other's reads.
    const timer = setTimeout(() => reject(new Error(`${peer.userId}: no ready within 120 s`)), 120_000);
    socket.once('ready', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Connects every peer, `concurrency` handshakes at a time. */
export async function connectAll(endpoint: ChatEndpoint, peers: readonly Peer[], rooms: readonly string[] = [], concurrency = 50): Promise<Socket[]> {
  const sockets: Socket[] = new Array(peers.length);
  await pool(peers.length, concurrency, async (i) => {
    sockets[i] = await connectPeer(endpoint, peers[i]!, rooms);
  });
  return sockets;
}

/** Calls `handler` with the text of every message pushed to `socket`. */
export function onMessage(endpoint: ChatEndpoint, socket: Socket, handler: (body: string) => void): void {
  if (endpoint.kind === 'parley') socket.on('new-message', (message: { content: { content?: string } }) => handler(message.content.content ?? ''));
  else socket.on('message', (payload: { body: string }) => handler(payload.body));
}

/** Sends `body` to a user (`private`) or a group/room (`group`); resolves with whether the ack said ok. */
export function send(endpoint: ChatEndpoint, socket: Socket, to: string, body: string, kind: 'private' | 'group'): Promise<boolean> {
  return new Promise((resolve) => {
    const acked = (reply: { status?: number }) => resolve(reply?.status === 1);
    if (endpoint.kind === 'relay') socket.emit('send', { to, body }, acked);
    else socket.emit(kind === 'private' ? 'send-private-message' : 'send-group-message', { targetId: to, messageType: 1, content: { content: body } }, acked);
  });
}

/** A Parley request, resolved with its ack's data; rejects on an error ack. */
export function request<T>(socket: Socket, name: string, payload?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const acked = (reply: { status: number; data?: T; code?: string }) => (reply.status === 1 ? resolve(reply.data as T) : reject(new Error(`${name}: ${reply.code}`)));
    if (payload === undefined) socket.emit(name, acked);
    else socket.emit(name, payload, acked);
  });
}

export function closeAll(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket?.disconnect();
}
