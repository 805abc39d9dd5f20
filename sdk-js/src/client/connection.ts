import { io, type Socket } from 'socket.io-client';
import { ClientErrorCode, ParleyError, toParleyError } from '../errors.js';
import type { Platform } from '../protocol/constants.js';
import { ErrorCode } from '../protocol/errors.js';
import { KickReason, RecallWindow, type HandshakeAuth, type HandshakeErrorData, type KickedEvent, type ReadyEvent, type RecallWindows } from '../protocol/realtime.js';
import { ConnectionGate } from './connection-gate.js';
import type { TypedEmitter } from './emitter.js';
import type { RequestLink } from './requests.js';
import type { ParleySocket } from './socket.js';
import { isRefusedForNow, retryAfterDelay } from '../retry-after.js';
import type { UploadTarget } from './upload.js';
import { TokenSource } from './token-source.js';
import type { ConnectionState, ParleyClientEvents, ParleyClientOptions, ParleySocketOptions } from './types.js';

/** Default of `connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/** setTimeout fires at once beyond this; longer waits are waited as this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the rest of the client does at each step of the connection's life. */
export interface ConnectionHooks {
  /** The socket was just created: listen to the server's pushes on it. Called once. */
  attach(socket: ParleySocket): void;
  /** A connection became ready (requests may go out); the state is not `connected` yet. */
  ready(ready: ReadyEvent): void;
  /** The state turned `connected` after `ready`, and no listener stopped the client meanwhile. */
  connected(): void;
  /** The connection dropped or is being replaced; pending work waits for the next one. */
  dropped(): void;
  /** The client stopped for good: fail everything pending with `error` (code `DISCONNECTED`). */
  stopped(error: ParleyError): void;
}

interface ConnectWaiter {
  resolve: () => void;
  reject: (error: ParleyError) => void;
}

/**
 * One user's connection to Parley, and its recovery.
 *
 * Owns the socket, the token, the {@link ConnectionState} machine and its `state` events, and
 * the gate requests wait at. socket.io reconnects with its jittered backoff; this class renews the
 * token with `getToken` when the server refuses it (`TOKEN_INVALID`, once per connection) or kicks
 * for `TOKEN_EXPIRED`, and stops for good on any other refusal or kick, when socket.io gives up,
 * on {@link disconnect}, or when a {@link connect} finds no `ready` within `connectTimeoutMs`.
 */
export class Connection implements RequestLink {
  readonly #url: string;
  readonly #appId: string;
  readonly #platform: Platform;
  readonly #socketOptions: ParleySocketOptions;
  readonly #connectTimeoutMs: number;
  readonly #tokens: TokenSource;
  readonly #events: TypedEmitter<ParleyClientEvents>;
  readonly #hooks: ConnectionHooks;
  readonly #gate = new ConnectionGate();

  #socket: ParleySocket | undefined;
  #state: ConnectionState = 'idle';
  #userId: string | null = null;
  #recallWindows: RecallWindows = { senderSeconds: RecallWindow.SENDER_SECONDS, groupAdminSeconds: RecallWindow.GROUP_ADMIN_SECONDS };
  /** Counts `ready`s: names the current connection. */
  #connectionId = 0;
  /** Counts stops: async work started before a stop sees the change and gives up. */
  #lifetime = 0;
  /** Set once a `TOKEN_INVALID` refusal made the client fetch a new token; cleared by `ready`. */
  #tokenRetried = false;
  #connectWaiters: ConnectWaiter[] = [];
  /** Runs from a connect() out of `idle` or `disconnected` until its first `ready`. */
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The latest `connect_error` of the pending connect(), to say why it timed out. */
  #lastError: Error | undefined;
  /** Set while waiting to repeat a handshake the server refused for now (`UNAVAILABLE`, `SERVER_BUSY`). */
  #handshakeRetry: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ParleyClientOptions, events: TypedEmitter<ParleyClientEvents>, hooks: ConnectionHooks) {
    this.#url = options.url;
    this.#appId = options.appId;
    this.#platform = options.platform ?? ('document' in globalThis ? 'web' : 'other');
    this.#socketOptions = options.socketOptions ?? {};
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#tokens = new TokenSource(options.token, options.getToken);
    this.#events = events;
    this.#hooks = hooks;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The user of the latest `ready`; null before the first. */
  get userId(): string | null {
    return this.#userId;
  }

  /** The app's recall windows from the latest `ready`; the defaults before the first. */
  get recallWindows(): RecallWindows {
    return this.#recallWindows;
  }

  /**
   * Where and as whom to upload: the server, the app and the current token (fetched with
   * `getToken` when there is none yet, or when `renew` says the last one was refused).
   */
  async uploadTarget(renew = false): Promise<UploadTarget> {
    if (renew || this.#tokens.current === undefined) await this.#tokens.renew();
    return { url: this.#url, appId: this.#appId, token: this.#tokens.current ?? '' };
  }

  /** Whether a refused token can be replaced with `getToken`. */
  get tokenRenewable(): boolean {
    return this.#tokens.renewable;
  }

  get connectionId(): number {
    return this.#connectionId;
  }

  get stopped(): boolean {
    return this.#state === 'disconnected';
  }

  /** Whether a connection is ready (between `ready` and the next drop). */
  get isOpen(): boolean {
    return this.#gate.isOpen;
  }

  get readySocket(): ParleySocket | undefined {
    return this.#gate.isOpen ? this.#socket : undefined;
  }

  whenReady(timeoutMs: number, timeoutError: () => ParleyError): Promise<void> {
    return this.#gate.wait(timeoutMs, timeoutError);
  }

  /** See {@link ParleyClient.connect}. */
  connect(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    const connected = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === 'idle' || this.#state === 'disconnected') {
      const lifetime = this.#lifetime;
      this.#tokenRetried = false;
      this.#lastError = undefined;
      this.#setState('connecting');
      if (lifetime !== this.#lifetime) return connected; // a `state` listener called disconnect()
      this.#startConnectTimer();
      void this.#open(false);
    }
    return connected;
  }

  /** See {@link ParleyClient.disconnect}. */
  disconnect(): void {
    if (this.#state === 'disconnected') return;
    this.#stop(new ParleyError(ClientErrorCode.DISCONNECTED, 'disconnect() was called'));
  }

  /** Connects the socket, fetching a token first when there is none or `renewToken` is set. */
  async #open(renewToken: boolean): Promise<void> {
    const lifetime = this.#lifetime;
    if (renewToken || this.#tokens.current === undefined) {
      try {
        await this.#tokens.renew();
      } catch (error) {
        if (lifetime === this.#lifetime) this.#stop(toParleyError(error, ErrorCode.TOKEN_INVALID, 'getToken() failed: '));
        return;
      }
      if (lifetime !== this.#lifetime) return;
    }
    (this.#socket ??= this.#createSocket()).connect();
  }

  #createSocket(): ParleySocket {
    const socket: ParleySocket = io(this.#url, {
      forceNew: true,
      ...this.#socketOptions,
      autoConnect: false,
      // A function, so every reconnect sends the current token.
      auth: (send) => {
        const auth: HandshakeAuth = { appId: this.#appId, token: this.#tokens.current ?? '', platform: this.#platform };
        send(auth);
      },
    });
    socket.on('ready', (ready) => this.#onReady(ready));
    socket.on('kicked', (event) => this.#onKicked(event));
    socket.on('disconnect', (reason) => this.#onDisconnect(reason));
    socket.on('connect_error', (error) => this.#onConnectError(error));
    socket.io.on('reconnect_failed', () => {
      if (this.#state !== 'disconnected') this.#stop(new ParleyError(ClientErrorCode.NETWORK_ERROR, 'could not reconnect: socket.io gave up'));
    });
    this.#hooks.attach(socket);
    return socket;
  }

  /**
   * Bounds the wait of a connect() for its first `ready`: a server that does not answer, or a port
   * where nothing listens, would otherwise keep it pending while socket.io retries forever.
   * Reconnects after a `ready` are not bounded: the app saw `connected` and waits on `state`.
   */
  #startConnectTimer(): void {
    const timeoutMs = this.#connectTimeoutMs;
    clearTimeout(this.#connectTimer);
    if (!(timeoutMs > 0) || timeoutMs === Infinity) return;
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      const why = this.#lastError ? ` (last error: ${this.#lastError.message})` : '';
      this.#stop(new ParleyError(ClientErrorCode.TIMEOUT, `could not connect to ${this.#url} within ${timeoutMs} ms${why}`, { cause: this.#lastError }));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
  }

  #onReady(ready: ReadyEvent): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#userId = ready.userId;
    // A server from before recall windows were announced leaves the ones already known.
    if (ready.recallWindows !== undefined) this.#recallWindows = { ...ready.recallWindows };
    this.#tokenRetried = false;
    this.#connectionId++;
    const lifetime = this.#lifetime;
    this.#gate.open();
    this.#hooks.ready(ready);
    const connectWaiters = this.#connectWaiters.splice(0);
    this.#setState('connected');
    for (const waiter of connectWaiters) waiter.resolve();
    if (lifetime === this.#lifetime) this.#hooks.connected();
  }

  #onKicked(event: KickedEvent): void {
    const lifetime = this.#lifetime;
    this.#events.emit('kicked', event);
    if (lifetime !== this.#lifetime) return; // a listener called disconnect()
    if (event.reason === KickReason.TOKEN_EXPIRED && this.#tokens.renewable) {
      // Close this connection ourselves, keep every pending request and send, come back with a new token.
      this.#suspend();
      void this.#open(true);
      return;
    }
    this.#stop(new ParleyError(ClientErrorCode.DISCONNECTED, `kicked (${event.reason}): ${event.message}`));
  }

  #onDisconnect(reason: Socket.DisconnectReason): void {
    // 'io client disconnect': this client closed it and already set its state.
    if (reason === 'io client disconnect' || this.#state === 'disconnected') return;
    this.#gate.close();
    this.#hooks.dropped();
    if (reason === 'io server disconnect' || !this.#socket?.active || this.#socketOptions.reconnection === false) {
      this.#stop(new ParleyError(ClientErrorCode.DISCONNECTED, `the server closed the connection (${reason})`));
      return;
    }
    this.#setState('reconnecting');
  }

  #onConnectError(error: Error): void {
    if (this.#state === 'disconnected') return;
    this.#lastError = error;
    const refusal = handshakeRefusal(error);
    if (refusal) {
      // The server refused this handshake; socket.io will not retry on its own.
      const forNow = new ParleyError(refusal.code, refusal.message, refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs });
      if (isRefusedForNow(forNow) || forNow.code === ErrorCode.UNAVAILABLE) {
        // The server could not check the connection now (its database or Redis is away, or it is
        // busy): ask again after its wait; connect() stays bounded by connectTimeoutMs.
        if (this.#state !== 'connecting') this.#setState('reconnecting');
        const lifetime = this.#lifetime;
        clearTimeout(this.#handshakeRetry);
        this.#handshakeRetry = setTimeout(() => {
          this.#handshakeRetry = undefined;
          if (lifetime === this.#lifetime) this.#socket?.connect();
        }, retryAfterDelay(forNow));
        return;
      }
      if (refusal.code === ErrorCode.TOKEN_INVALID && this.#tokens.renewable && !this.#tokenRetried) {
        this.#tokenRetried = true;
        if (this.#state !== 'connecting') this.#setState('reconnecting');
        void this.#open(true);
        return;
      }
      this.#stop(new ParleyError(refusal.code, refusal.message));
      return;
    }
    if (!this.#socket?.active || this.#socketOptions.reconnection === false) {
      this.#stop(new ParleyError(ClientErrorCode.NETWORK_ERROR, `could not connect to ${this.#url}: ${error.message}`, { cause: error }));
      return;
    }
    this.#setState('reconnecting');
  }

  /** Drops the connection but keeps pending work, to reconnect (token renewal). */
  #suspend(): void {
    this.#gate.close();
    this.#hooks.dropped();
    this.#setState('reconnecting');
    this.#socket?.disconnect();
  }

  /**
   * Stops for good: state `disconnected`, everything pending rejected with `DISCONNECTED`, and a
   * pending connect() with `reason`.
   */
  #stop(reason: ParleyError): void {
    this.#lifetime++;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    clearTimeout(this.#handshakeRetry);
    this.#handshakeRetry = undefined;
    const connectWaiters = this.#connectWaiters.splice(0);
    const pending = reason.code === ClientErrorCode.DISCONNECTED ? reason : new ParleyError(ClientErrorCode.DISCONNECTED, reason.message, { cause: reason });
    this.#gate.fail(pending);
    const socket = this.#socket;
    if (socket) {
      socket.disconnect();
      // Emits buffered by socket.io while offline must not go out on a later connect().
      socket.sendBuffer = [];
    }
    this.#hooks.stopped(pending);
    this.#setState('disconnected');
    for (const waiter of connectWaiters) waiter.reject(reason);
    // Nobody awaits connect(): a refused reconnect or a failed token renewal is told as an `error`.
    if (connectWaiters.length === 0 && reason.code !== ClientErrorCode.DISCONNECTED) this.#events.emit('error', reason);
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#events.emit('state', { state, previous });
  }
}

/** The `{code, message, retryAfterMs}` a server puts in `connect_error` when it refuses a handshake; null for transport errors. */
function handshakeRefusal(error: Error): Pick<HandshakeErrorData, 'code' | 'message' | 'retryAfterMs'> | null {
  const data: unknown = 'data' in error ? error.data : undefined;
  if (typeof data !== 'object' || data === null || !('code' in data) || typeof data.code !== 'string') return null;
  const message = 'message' in data && typeof data.message === 'string' ? data.message : data.code;
  const retryAfterMs = 'retryAfterMs' in data && typeof data.retryAfterMs === 'number' ? data.retryAfterMs : undefined;
  // The code is the server's word; one this SDK version does not know yet is passed on as it is.
  return { code: data.code as HandshakeErrorData['code'], message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}
