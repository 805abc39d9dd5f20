import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { ParleyError } from '../errors.js';
import type { MessageType, Platform } from '../protocol/constants.js';
import type { Message } from '../protocol/models.js';
import type {
  KickedEvent,
  PresenceState,
  ReadReceiptEvent,
  SendMessagePayload,
  SessionMessageListPayload,
  SessionReadState,
  TypingEvent,
} from '../protocol/realtime.js';

/**
 * Where a {@link ParleyClient} stands:
 *
 * - `idle`: created, `connect()` not called yet.
 * - `connecting`: `connect()` was called; waiting for the server's `ready`.
 * - `connected`: `ready` arrived; requests and sends go out at once.
 * - `reconnecting`: the connection dropped (or the token is being renewed); socket.io is retrying.
 *   Requests wait, sends stay in the outbox.
 * - `disconnected`: stopped for good — `disconnect()`, a kick, or a refused handshake. Call
 *   `connect()` to start again.
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
   * Largest send, in bytes of JSON, the client hands to the server; larger ones reject at once
   * with `INVALID_PARAMS`. The server closes a connection that carries a bigger packet, so an
   * oversized message would otherwise be resent after every reconnect. Default 1 048 576, the
   * server's default `MAX_BODY_BYTES`; raise both together.
   */
  maxPayloadBytes?: number;
  /** socket.io options; reconnects use socket.io's own jittered backoff (`reconnectionDelay`, `reconnectionDelayMax`, `randomizationFactor`). */
  socketOptions?: ParleySocketOptions;
}

/**
 * Events of {@link ParleyClient}: event name -> payload. Every server push except `ready`, plus
 * `state` and `error`.
 */
export interface ParleyClientEvents {
  /**
   * A message you have not seen on this device: each message once, in `seq` order within its
   * conversation, including messages missed while offline (fetched after a reconnect) and messages
   * you sent from your other devices. Messages sent from this device are not echoed.
   */
  'new-message': Message;
  /** A message was recalled; the payload is the message as it now reads (`recall` set, `content` empty). */
  'message-recalled': Message;
  /** One of your other devices marked a session read. */
  'session-read': SessionReadState;
  /** The other user of a private chat read your messages up to `readSeq`. */
  'read-receipt': ReadReceiptEvent;
  /** Someone is composing a message in one of your conversations. */
  typing: TypingEvent;
  /** A contact or subscribed user came online or went offline. */
  presence: PresenceState;
  /**
   * The server is closing this connection on purpose. Followed by state `disconnected`, except for
   * `TOKEN_EXPIRED` with a `getToken` option: the client then reconnects with a fresh token.
   */
  kicked: KickedEvent;
  /** The connection state changed. */
  state: StateChange;
  /**
   * A failure nobody awaited: a gap fill or session sync that failed, a token renewal that failed,
   * or a reconnect the server refused (the client is then `disconnected`).
   */
  error: ParleyError;
}

/** A message to send: the `send-*-message` payload, with `clientMsgId` optional (the client sets one). */
export type SendMessageInput<T extends MessageType = MessageType> = T extends MessageType ? Omit<SendMessagePayload<T>, 'senderUserId'> : never;

/** Paging of {@link ParleyClient.getMessages}. */
export type GetMessagesOptions = Omit<SessionMessageListPayload, 'sid'>;
