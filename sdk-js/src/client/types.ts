import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { ParleyError } from '../errors.js';
import type { Platform, SendableMessageType } from '../protocol/constants.js';
import type { SendMessagePayload, ServerEvents, SessionMessageListPayload } from '../protocol/realtime.js';

/**
 * Where a {@link ParleyClient} stands:
 *
 * - `idle`: created, `connect()` not called yet.
 * - `connecting`: `connect()` was called; waiting for the server's `ready`.
 * - `connected`: `ready` arrived; requests and sends go out at once.
 * - `reconnecting`: the connection dropped (or the token is being renewed); socket.io is retrying.
 *   Requests wait, sends stay in the outbox.
 * - `disconnected`: stopped for good — `disconnect()`, a kick, a refused handshake, or a
 *   `connect()` that got no `ready` within `connectTimeoutMs`. Call `connect()` to start again.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Payload of the `state` event. */
export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
}

/**
 * Options of the socket.io connection, passed through to `io()`: `reconnectionDelay`,
 * `reconnectionDelayMax`, `randomizationFactor`, `reconnectionAttempts`, `transports`, `path`, ...
 * The client sets `auth` and `autoConnect` itself, and leaves out socket.io's `retries` and
 * `ackTimeout` (it has its own timeouts and resends).
 */
export type ParleySocketOptions = Omit<Partial<ManagerOptions & SocketOptions>, 'auth' | 'autoConnect' | 'retries' | 'ackTimeout'>;

/** Options of {@link ParleyClient}. Give `token`, `getToken`, or both. */
export interface ParleyClientOptions {
  /** Server base URL, e.g. `https://im.example.com` or `http://127.0.0.1:3000`. */
  url: string;
  /** The app the user belongs to. */
  appId: string;
  /** A user token minted by your backend (`POST /user/getToken`). */
  token?: string;
  /**
   * Fetches a fresh token from your backend. Called by `connect()` when there is no `token`, and
   * when the server refuses the token (`TOKEN_INVALID`) or closes the connection because it
   * expired (kick `TOKEN_EXPIRED`); the client then reconnects with the new token.
   */
  getToken?: () => Promise<string>;
  /** Kind of device, for the login policy and presence. Default `web` in a browser, else `other`. */
  platform?: Platform;
  /**
   * Milliseconds a request may take, waiting for the connection included, before it rejects with
   * `TIMEOUT`. Also the ack timeout after which a send is sent again. Default 10 000.
   */
  requestTimeoutMs?: number;
  /**
   * Milliseconds a {@link ParleyClient.connect} call out of `idle` or `disconnected` may wait for
   * the server's `ready` (token fetch, handshake and socket.io's retries included). Past it the
   * connect() rejects with `TIMEOUT` naming the URL, and the client stops as after
   * `disconnect()`. Reconnects after a `ready` are not bounded by it. 0 waits forever.
   * Default 20 000.
   */
  connectTimeoutMs?: number;
  /**
   * Largest send, in bytes of JSON, the client hands to the server; larger ones reject at once
   * with `INVALID_PARAMS`. The server closes a connection that carries a bigger packet, so an
   * oversized message would otherwise be resent after every reconnect. Default
   * `Limits.PACKET_BYTES_DEFAULT` (1 048 576), the server's default `MAX_BODY_BYTES`; raise both
   * together.
   */
  maxPayloadBytes?: number;
  /** socket.io options; reconnects use socket.io's own jittered backoff (`reconnectionDelay`, `reconnectionDelayMax`, `randomizationFactor`). */
  socketOptions?: ParleySocketOptions;
}

/**
 * Events of {@link ParleyClient}: event name -> payload. Every server push except `ready`
 * ({@link ServerEvents}), plus `state` and `error`. Two pushes mean more through the client than on
 * the wire:
 *
 * - `new-message` is a message you have not seen on this device: each message once, in `seq` order
 *   within its conversation, including messages missed while offline (fetched after a reconnect)
 *   and messages you sent from your other devices. Messages sent from this device are not echoed.
 * - `kicked` is followed by state `disconnected`, except for `TOKEN_EXPIRED` with a `getToken`
 *   option: the client then reconnects with a fresh token.
 */
export interface ParleyClientEvents extends Omit<ServerEvents, 'ready'> {
  /** The connection state changed. */
  state: StateChange;
  /**
   * A failure nobody awaited: a gap fill or session sync that failed, a token renewal that failed,
   * or a reconnect the server refused (the client is then `disconnected`).
   */
  error: ParleyError;
}

/** A message to send: the `send-*-message` payload, with `clientMsgId` optional (the client sets one). */
export type SendMessageInput<T extends SendableMessageType = SendableMessageType> = T extends SendableMessageType ? Omit<SendMessagePayload<T>, 'senderUserId'> : never;

/** Paging of {@link ParleyClient.getMessages}. */
export type GetMessagesOptions = Omit<SessionMessageListPayload, 'sid'>;
