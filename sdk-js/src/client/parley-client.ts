import { io, type Socket } from 'socket.io-client';
import { ClientErrorCode, ParleyError } from '../errors.js';
import { Limits, type MessageType, type Platform } from '../protocol/constants.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Message, Session } from '../protocol/models.js';
import {
  KickReason,
  type ClientRequestName,
  type ClientRequests,
  type HandshakeErrorData,
  type KickedEvent,
  type PresenceState,
  type ReadyEvent,
  type ServerEventName,
  type ServerEvents,
  type SessionReadState,
  type SyncMessagesPayload,
  type TypingPayload,
} from '../protocol/realtime.js';
import { emitWithAck } from './ack.js';
import { ConnectionGate } from './connection-gate.js';
import { conversationKey, conversationRefOf } from './conversation.js';
import { TypedEmitter } from './emitter.js';
import { GapFiller } from './gap-filler.js';
import { Outbox, type SendEvent } from './outbox.js';
import { Sequencer } from './sequencer.js';
import { reconcileSessions } from './session-sync.js';
import type {
  ConnectionState,
  GetMessagesOptions,
  ParleyClientEvents,
  ParleyClientOptions,
  ParleySocketOptions,
  SendMessageInput,
  StateChange,
} from './types.js';
import { TypingThrottle } from './typing-throttle.js';

type PushListeners = { [K in ServerEventName]: (payload: ServerEvents[K]) => void };
type ClientSocket = Socket<PushListeners>;

/** Pushes handed to the app as they arrive. */
const RELAYED = {
  'message-recalled': true,
  'session-read': true,
  'read-receipt': true,
  typing: true,
  presence: true,
} as const satisfies Record<Exclude<ServerEventName, 'ready' | 'new-message' | 'kicked'>, true>;
type RelayedEvent = keyof typeof RELAYED;

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The server's default packet limit (`MAX_BODY_BYTES`). */
const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/**
 * Which `new-message` pushes wait instead of going through the sequencer: `all` before `ready`
 * (the user is not known yet); `unknown` on a reconnect until the session list is in (a
 * conversation that appeared while offline must start at its read mark, not at the push); `none`.
 */
type Holding = 'all' | 'unknown' | 'none';

/**
 * The end-user realtime client: one user's connection to Parley, from a browser or Node 18+.
 *
 * - **Requests** (`getSessions`, `markRead`, ...) wait for the connection when it is down and
 *   reject with a {@link ParleyError} carrying the server's code, `TIMEOUT` after
 *   `requestTimeoutMs`, or `DISCONNECTED` once the client is stopped.
 * - **Sends** go through an outbox: queued while offline, sent in order, resent with the same
 *   `clientMsgId` until acknowledged, so each is stored exactly once.
 * - **`new-message`** delivers every message once, in `seq` order per conversation: duplicates are
 *   dropped, holes are filled with `sync-messages`, and messages missed while offline are fetched
 *   after each reconnect.
 * - **Reconnects** use socket.io's jittered backoff; an expired or refused token is renewed with
 *   `getToken` when you give one.
 *
 * A listener that throws does not disturb the client: the exception is rethrown from a microtask,
 * so it shows up as an unhandled error (browser console, `uncaughtException` in Node) with its
 * original stack, and the remaining listeners still run.
 *
 * @example
 * ```ts
 * import { ParleyClient, MessageType } from '@parley/sdk';
 *
 * const client = new ParleyClient({
 *   url: 'https://im.example.com',
 *   appId: 'my-app',
 *   getToken: () => fetch('/api/parley-token').then((r) => r.text()),
 * });
 * client.on('new-message', (message) => render(message));
 * client.on('state', ({ state }) => showBanner(state));
 * await client.connect();
 * await client.sendPrivateMessage({ targetId: 'bob', messageType: MessageType.TEXT, content: { content: 'hi' } });
 * ```
 */
export class ParleyClient {
  readonly #url: string;
  readonly #appId: string;
  readonly #platform: Platform;
  readonly #getToken: (() => Promise<string>) | undefined;
  readonly #timeoutMs: number;
  readonly #maxPayloadBytes: number;
  readonly #socketOptions: ParleySocketOptions;

  readonly #events = new TypedEmitter<ParleyClientEvents>();
  readonly #gate = new ConnectionGate();
  readonly #sequencer = new Sequencer();
  readonly #typing = new TypingThrottle();
  readonly #outbox: Outbox;
  readonly #gaps: GapFiller;
  /** Users watched with subscribePresence(); subscriptions belong to a connection, so they are renewed after each reconnect. */
  readonly #watched = new Set<string>();
  /** Rejecters of requests awaiting their ack, to fail them when the client stops. */
  readonly #inflight = new Set<(error: ParleyError) => void>();
  #connectWaiters: Array<{ resolve: () => void; reject: (error: ParleyError) => void }> = [];

  #socket: ClientSocket | undefined;
  #token: string | undefined;
  #tokenRequest: Promise<string> | undefined;
  /** Set once a `TOKEN_INVALID` refusal made the client fetch a new token; cleared by `ready`. */
  #tokenRetried = false;
  #state: ConnectionState = 'idle';
  #userId: string | null = null;
  /** Counts `ready`s: names the current connection. */
  #connectionId = 0;
  /** Counts stops: async work started before a stop sees the change and gives up. */
  #lifetime = 0;
  /** Server time of this client's first `ready`; undefined before it. Messages older than it are history. */
  #firstReadyAt: number | undefined;
  #holding: Holding = 'all';
  #held: Message[] = [];

  /**
   * Creates a client; nothing happens on the network until {@link connect}.
   *
   * @throws {@link ParleyError} `INVALID_PARAMS` when neither `token` nor `getToken` is given.
   */
  constructor(options: ParleyClientOptions) {
    if (!options.token && !options.getToken) {
      throw new ParleyError(ErrorCode.INVALID_PARAMS, 'ParleyClient: give a token or a getToken function');
    }
    this.#url = options.url;
    this.#appId = options.appId;
    this.#token = options.token || undefined;
    this.#getToken = options.getToken;
    this.#platform = options.platform ?? ((globalThis as { document?: unknown }).document === undefined ? 'other' : 'web');
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#socketOptions = options.socketOptions ?? {};

    this.#outbox = new Outbox({
      send: (event, payload) => emitWithAck<Message>(this.#socket!, event, payload, this.#timeoutMs),
      connection: () => (this.#gate.isOpen ? this.#connectionId : null),
      acked: (message) => this.#ingest(message, false),
    });
    this.#gaps = new GapFiller({
      fetch: (ref, afterSeq, limit) => this.syncMessages({ ...ref, afterSeq, limit }),
      ingest: (messages, silentBefore) => messages.forEach((m) => this.#ingest(m, silentBefore === undefined || m.timestamp >= silentBefore)),
      known: (key) => this.#sequencer.known(key),
      hasHole: (key) => this.#sequencer.hasHole(key),
      skipHole: (key) => this.#deliver(this.#sequencer.skipHole(key)),
      online: () => this.#gate.isOpen,
      report: (error) => this.#events.emit('error', error),
    });
  }

  /** Where the connection stands; see {@link ConnectionState}. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The connected user, from the server's `ready`; null until the first connection. */
  get userId(): string | null {
    return this.#userId;
  }

  /**
   * Opens the connection. Resolves once the server said `ready` (state `connected`); while the
   * server cannot be reached it keeps waiting, as socket.io retries (call {@link disconnect} to give
   * up). Calling it while connecting or connected returns the same outcome.
   *
   * Rejects with a {@link ParleyError} when the server refuses the handshake and `getToken` cannot
   * help: the server's code (`TOKEN_INVALID`, `UNKNOWN_APP`, `INVALID_PARAMS`, ...), or
   * `DISCONNECTED` when {@link disconnect} was called first.
   *
   * @example
   * ```ts
   * try {
   *   await client.connect();
   *   console.log('signed in as', client.userId);
   * } catch (err) {
   *   if (err instanceof ParleyError && err.code === 'TOKEN_INVALID') redirectToLogin();
   * }
   * ```
   */
  connect(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    const connected = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === 'idle' || this.#state === 'disconnected') {
      this.#tokenRetried = false;
      this.#setState('connecting');
      void this.#open(false);
    }
    return connected;
  }

  /**
   * Closes the connection for good (state `disconnected`). Pending requests, sends still in the
   * outbox and a pending {@link connect} reject with `DISCONNECTED`. The client remembers what it
   * delivered: a later {@link connect} fetches only what was missed.
   *
   * @example
   * ```ts
   * window.addEventListener('pagehide', () => client.disconnect());
   * ```
   */
  disconnect(): void {
    if (this.#state === 'disconnected') return;
    this.#stop(new ParleyError(ClientErrorCode.DISCONNECTED, 'disconnect() was called'));
  }

  /**
   * Listens to an event; returns a function that stops listening.
   *
   * @example
   * ```ts
   * const off = client.on('new-message', (message) => console.log(message.senderUserId, message.content));
   * client.on('kicked', ({ reason }) => { if (reason === 'LOGIN_ELSEWHERE') alert('Signed in elsewhere'); });
   * client.on('error', (err) => console.warn('background failure', err.code, err.message));
   * off();
   * ```
   */
  on<K extends keyof ParleyClientEvents>(event: K, listener: (payload: ParleyClientEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Like {@link on}, for the next occurrence only. */
  once<K extends keyof ParleyClientEvents>(event: K, listener: (payload: ParleyClientEvents[K]) => void): () => void {
    return this.#events.once(event, listener);
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<K extends keyof ParleyClientEvents>(event: K, listener: (payload: ParleyClientEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /**
   * The user's conversations, most recent first, with unread counts.
   *
   * @example
   * ```ts
   * const sessions = await client.getSessions();
   * const unread = sessions.reduce((sum, s) => sum + s.unread, 0);
   * ```
   */
  getSessions(): Promise<Session[]> {
    return this.#request('session-list', undefined);
  }

  /**
   * A page of a session's history, newest first. Pass the `msgId` of the oldest message you have
   * as `lastmsgId` to get the page before it. History is not emitted as `new-message`.
   *
   * @example
   * ```ts
   * const page = await client.getMessages(session.sid, { limit: 20 });
   * const older = await client.getMessages(session.sid, { limit: 20, lastmsgId: page.at(-1)?.msgId });
   * ```
   */
  getMessages(sid: string, options: GetMessagesOptions = {}): Promise<Message[]> {
    return this.#request('session-message-list', { sid, ...options });
  }

  /**
   * Sends a one-to-one message to user `targetId` and resolves with the stored message (with
   * `sendSession`). Sent at once when connected, else queued until the connection is back; resent
   * under the same `clientMsgId` (one is generated when you give none) until the server
   * acknowledges it, so it is stored once. Rejects with the server's code (`NOT_FOUND`,
   * `FORBIDDEN`, `INVALID_PARAMS`, ...) or with `DISCONNECTED`; it is not echoed as `new-message`.
   *
   * @example
   * ```ts
   * const message = await client.sendPrivateMessage({ targetId: 'bob', messageType: MessageType.TEXT, content: { content: 'hi' } });
   * console.log(message.seq, message.msgId);
   * ```
   */
  sendPrivateMessage<T extends MessageType>(message: SendMessageInput<T>): Promise<Message> {
    return this.#send('send-private-message', message);
  }

  /**
   * Sends a message to group `targetId` (you must be a member); same delivery guarantees as
   * {@link sendPrivateMessage}.
   *
   * @example
   * ```ts
   * await client.sendGroupMessage({ targetId: 'team', messageType: MessageType.IMAGE, content: { url: 'https://…/cat.png', width: 640, height: 480 } });
   * ```
   */
  sendGroupMessage<T extends MessageType>(message: SendMessageInput<T>): Promise<Message> {
    return this.#send('send-group-message', message);
  }

  /**
   * Marks session `sid` read up to `seq` (default: its newest message). The mark never moves
   * backwards. Your other devices get `session-read`; in a private chat the other user gets
   * `read-receipt`.
   *
   * @example
   * ```ts
   * client.on('new-message', async (message) => {
   *   if (isOpen(message)) await client.markRead(sidOf(message), message.seq);
   * });
   * ```
   */
  markRead(sid: string, seq?: number): Promise<SessionReadState> {
    return this.#request('set-session-read', seq === undefined ? { sid } : { sid, seq });
  }

  /**
   * Recalls a message (the sender within the recall window, or a group owner or admin). Resolves
   * with the message as it now reads; everyone in the conversation gets `message-recalled`.
   *
   * @example
   * ```ts
   * const recalled = await client.recall(message.msgId); // recalled.recall = { by: 'alice', at: ... }
   * ```
   */
  recall(msgId: string): Promise<Message> {
    return this.#request('recall-message', { msgId });
  }

  /**
   * Tells the other side(s) that the user is composing. Throttled per conversation: at most one
   * event per `TYPING_INTERVAL_MS` (3 s) leaves this device; extra calls resolve without sending.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => void client.typing({ conversationType: ConversationType.PRIVATE, targetId: 'bob' }));
   * ```
   */
  async typing(conversation: TypingPayload): Promise<void> {
    if (!this.#typing.take(conversationKey(conversation))) return;
    await this.#request('typing', { conversationType: conversation.conversationType, targetId: conversation.targetId });
  }

  /**
   * Current presence of up to 500 users of the app.
   *
   * @example
   * ```ts
   * const [bob] = await client.presence(['bob']);
   * console.log(bob?.online ? `online on ${bob.platforms.join(', ')}` : `last seen ${bob?.lastSeenAt}`);
   * ```
   */
  presence(userIds: string[]): Promise<PresenceState[]> {
    return this.#request('presence-query', { userIds });
  }

  /**
   * Current presence of these users, and a `presence` event each time it changes (the users of
   * your private chats are followed without asking). The client renews the subscriptions after
   * every reconnect and emits `presence` with each user's state at that moment.
   *
   * @example
   * ```ts
   * client.on('presence', (p) => setOnline(p.userId, p.online));
   * (await client.subscribePresence(['bob', 'carol'])).forEach((p) => setOnline(p.userId, p.online));
   * ```
   */
  async subscribePresence(userIds: string[]): Promise<PresenceState[]> {
    const states = await this.#request('presence-subscribe', { userIds });
    for (const userId of userIds) this.#watched.add(userId);
    return states;
  }

  /** Stops `presence` events for these users, contacts included, until the next reconnect. */
  async unsubscribePresence(userIds: string[]): Promise<void> {
    for (const userId of userIds) this.#watched.delete(userId);
    await this.#request('presence-unsubscribe', { userIds });
  }

  /**
   * Messages of a conversation after `afterSeq`, oldest first (at most `limit`, default 100). A raw
   * query: the client already uses it to fill gaps and emits what was missing as `new-message`;
   * call it yourself only to rebuild a local store.
   *
   * @example
   * ```ts
   * const missed = await client.syncMessages({ conversationType: ConversationType.GROUP, targetId: 'team', afterSeq: lastSeenSeq });
   * ```
   */
  syncMessages(query: SyncMessagesPayload): Promise<Message[]> {
    return this.#request('sync-messages', query);
  }

  // ---- requests ---------------------------------------------------------------------------------

  /**
   * One request with its ack, within `requestTimeoutMs` in all: waits for the connection when it
   * is down, and asks again on the next connection when it drops before the ack (every request is
   * safe to repeat).
   */
  async #request<K extends ClientRequestName>(name: K, payload: ClientRequests[K]['payload']): Promise<ClientRequests[K]['result']> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      if (this.#state === 'disconnected') throw new ParleyError(ClientErrorCode.DISCONNECTED, `${name}: the client is disconnected`);
      if (!this.#gate.isOpen) {
        await this.#gate.wait(deadline - Date.now(), () => new ParleyError(ClientErrorCode.TIMEOUT, `${name}: not connected within ${this.#timeoutMs} ms`));
      }
      const connection = this.#connectionId;
      try {
        return await this.#tracked(emitWithAck<ClientRequests[K]['result']>(this.#socket!, name, payload, Math.max(1, deadline - Date.now())));
      } catch (error) {
        const lost = !this.#gate.isOpen || connection !== this.#connectionId;
        const again = error instanceof ParleyError && error.code === ClientErrorCode.TIMEOUT && lost && Date.now() < deadline;
        if (!again) throw error;
      }
    }
  }

  /** `work`, unless the client stops first: then `DISCONNECTED`. */
  #tracked<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#inflight.add(reject);
      work.then(resolve, reject).finally(() => this.#inflight.delete(reject));
    });
  }

  #send(event: SendEvent, message: SendMessageInput): Promise<Message> {
    if (this.#state === 'disconnected') return Promise.reject(new ParleyError(ClientErrorCode.DISCONNECTED, `${event}: the client is disconnected`));
    const bytes = new TextEncoder().encode(JSON.stringify(message)).byteLength;
    if (bytes > this.#maxPayloadBytes) {
      return Promise.reject(
        new ParleyError(ErrorCode.INVALID_PARAMS, `content: the message is ${bytes} bytes as JSON; this client sends at most ${this.#maxPayloadBytes}`),
      );
    }
    return this.#outbox.add(event, message);
  }

  // ---- messages ---------------------------------------------------------------------------------

  #onPush(message: Message): void {
    const hold =
      this.#holding === 'all' ||
      (this.#holding === 'unknown' && this.#sequencer.known(conversationKey(conversationRefOf(message, this.#userId!))) === undefined);
    if (hold) this.#held.push(message);
    else this.#ingest(message, true);
  }

  /** Runs pushes that were held back through {@link #onPush} again. */
  #release(): void {
    const held = this.#held;
    this.#held = [];
    held.forEach((message) => this.#onPush(message));
  }

  /**
   * One message from a push, an ack (`emit` false) or a gap fill, through the sequencer. A copy of
   * one of this device's pending sends resolves that send instead of being emitted.
   */
  #ingest(message: Message, emit: boolean): void {
    const me = this.#userId!;
    const ref = conversationRefOf(message, me);
    const key = conversationKey(ref);
    if (emit && message.senderUserId === me && this.#outbox.claim(message)) emit = false;
    this.#deliver(this.#sequencer.ingest(key, message, emit));
    if (this.#sequencer.hasHole(key)) this.#gaps.schedule(key, ref);
  }

  #deliver(messages: readonly Message[]): void {
    for (const message of messages) this.#events.emit('new-message', message);
  }

  /** After `ready`: line the sequencer up with the session list and fetch what was missed. */
  async #syncSessions(baseline: boolean, firstReadyAt: number): Promise<void> {
    const lifetime = this.#lifetime;
    const connection = this.#connectionId;
    const current = () => lifetime === this.#lifetime && connection === this.#connectionId;
    const knownBefore = this.#sequencer.snapshot();
    let sessions: Session[];
    try {
      sessions = await this.#request('session-list', undefined);
    } catch (error) {
      // A connection that dropped meanwhile gets a fresh sync after its next `ready`.
      if (!current() || !this.#gate.isOpen) return;
      this.#events.emit('error', error as ParleyError);
      this.#holding = 'none';
      this.#release();
      return;
    }
    if (!current() || !this.#gate.isOpen) return;
    const { fills, deliverable } = reconcileSessions(this.#sequencer, sessions, { baseline, knownBefore, firstReadyAt });
    this.#deliver(deliverable);
    for (const { key, ref, upTo, silentBefore } of fills) this.#gaps.fill(key, ref, upTo, silentBefore);
    this.#holding = 'none';
    this.#release();
  }

  /** After a reconnect: subscribes again to the users the app watches, and reports their state. */
  async #renewPresence(): Promise<void> {
    const userIds = [...this.#watched];
    for (let i = 0; i < userIds.length; i += Limits.USER_IDS_PER_REQUEST_MAX) {
      let states: PresenceState[];
      try {
        states = await this.#request('presence-subscribe', { userIds: userIds.slice(i, i + Limits.USER_IDS_PER_REQUEST_MAX) });
      } catch (error) {
        if (this.#gate.isOpen) this.#events.emit('error', error as ParleyError);
        return;
      }
      for (const state of states) this.#events.emit('presence', state);
    }
  }

  // ---- connection -------------------------------------------------------------------------------

  /** Connects the socket, fetching a token first when there is none or `refresh` is set. */
  async #open(refresh: boolean): Promise<void> {
    const lifetime = this.#lifetime;
    if (refresh || this.#token === undefined) {
      try {
        this.#token = await this.#fetchToken();
      } catch (error) {
        if (lifetime !== this.#lifetime) return;
        const failure = error instanceof ParleyError ? error : new ParleyError(ErrorCode.TOKEN_INVALID, `getToken() failed: ${String(error)}`, { cause: error });
        this.#stop(failure);
        return;
      }
      if (lifetime !== this.#lifetime) return;
    }
    this.#holding = 'all';
    (this.#socket ??= this.#createSocket()).connect();
  }

  #fetchToken(): Promise<string> {
    const getToken = this.#getToken;
    if (!getToken) return Promise.reject(new ParleyError(ErrorCode.TOKEN_INVALID, 'no getToken option to renew the token with'));
    this.#tokenRequest ??= getToken()
      .then((token) => {
        if (typeof token !== 'string' || token === '') throw new ParleyError(ErrorCode.TOKEN_INVALID, 'getToken() did not return a token');
        return token;
      })
      .finally(() => (this.#tokenRequest = undefined));
    return this.#tokenRequest;
  }

  #createSocket(): ClientSocket {
    const socket: ClientSocket = io(this.#url, {
      forceNew: true,
      ...this.#socketOptions,
      autoConnect: false,
      // A function, so every reconnect sends the current token.
      auth: (send) => send({ appId: this.#appId, token: this.#token ?? '', platform: this.#platform }),
    });
    socket.on('ready', (event) => this.#onReady(event));
    socket.on('new-message', (message) => this.#onPush(message));
    socket.on('kicked', (event) => this.#onKicked(event));
    for (const event of Object.keys(RELAYED) as RelayedEvent[]) this.#relay(socket, event);
    socket.on('disconnect', (reason) => this.#onDisconnect(reason));
    socket.on('connect_error', (error) => this.#onConnectError(error));
    socket.io.on('reconnect_failed', () => {
      if (this.#state !== 'disconnected') this.#stop(new ParleyError(ClientErrorCode.NETWORK_ERROR, 'could not reconnect: socket.io gave up'));
    });
    return socket;
  }

  #relay<K extends RelayedEvent>(socket: ClientSocket, event: K): void {
    const forward = (payload: ServerEvents[K]) => this.#events.emit(event, payload as ParleyClientEvents[K]);
    (socket as unknown as { on(event: K, listener: typeof forward): void }).on(event, forward);
  }

  #onReady(ready: ReadyEvent): void {
    if (this.#userId !== null && this.#userId !== ready.userId) {
      // Another user's token: nothing this client delivered applies.
      this.#sequencer.clear();
      this.#firstReadyAt = undefined;
    }
    this.#userId = ready.userId;
    this.#tokenRetried = false;
    this.#connectionId++;
    const lifetime = this.#lifetime;
    // The first `ready` of this client sets baselines; every later one fetches what was missed.
    const baseline = this.#firstReadyAt === undefined;
    this.#firstReadyAt ??= ready.serverTime;
    this.#holding = baseline ? 'none' : 'unknown';
    this.#gate.open();
    // Order matters: the outbox first (in its original order), then the session list.
    this.#outbox.flush();
    void this.#syncSessions(baseline, this.#firstReadyAt);
    if (!baseline && this.#watched.size > 0) void this.#renewPresence();
    const connectWaiters = this.#connectWaiters.splice(0);
    this.#setState('connected');
    for (const waiter of connectWaiters) waiter.resolve();
    if (lifetime === this.#lifetime) this.#release();
  }

  #onKicked(event: KickedEvent): void {
    const lifetime = this.#lifetime;
    this.#events.emit('kicked', event);
    if (lifetime !== this.#lifetime) return; // a listener called disconnect()
    if (event.reason === KickReason.TOKEN_EXPIRED && this.#getToken) {
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
    this.#holding = 'all';
    if (reason === 'io server disconnect' || !this.#socket?.active || this.#socketOptions.reconnection === false) {
      this.#stop(new ParleyError(ClientErrorCode.DISCONNECTED, `the server closed the connection (${reason})`));
      return;
    }
    this.#setState('reconnecting');
  }

  #onConnectError(error: Error): void {
    if (this.#state === 'disconnected') return;
    const refusal = handshakeRefusal(error);
    if (refusal) {
      // The server refused this handshake; socket.io will not retry on its own.
      if (refusal.code === ErrorCode.TOKEN_INVALID && this.#getToken && !this.#tokenRetried) {
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
    this.#holding = 'all';
    this.#setState('reconnecting');
    this.#socket?.disconnect();
  }

  /**
   * Stops for good: state `disconnected`, everything pending rejected with `DISCONNECTED`, and a
   * pending connect() with `reason`.
   */
  #stop(reason: ParleyError): void {
    this.#lifetime++;
    const connectWaiters = this.#connectWaiters.splice(0);
    const pending = reason.code === ClientErrorCode.DISCONNECTED ? reason : new ParleyError(ClientErrorCode.DISCONNECTED, reason.message, { cause: reason });
    this.#gate.fail(pending);
    this.#holding = 'all';
    this.#held = [];
    this.#gaps.cancelAll();
    const socket = this.#socket;
    if (socket) {
      socket.disconnect();
      // Emits buffered by socket.io while offline must not go out on a later connect().
      socket.sendBuffer = [];
    }
    this.#outbox.failAll(pending);
    for (const reject of [...this.#inflight]) reject(pending);
    this.#inflight.clear();
    this.#setState('disconnected');
    for (const waiter of connectWaiters) waiter.reject(reason);
    // Nobody awaits connect(): a refused reconnect or a failed token renewal is told as an `error`.
    if (connectWaiters.length === 0 && reason.code !== ClientErrorCode.DISCONNECTED) this.#events.emit('error', reason);
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    const change: StateChange = { state, previous };
    this.#events.emit('state', change);
  }
}

/** The `{code, message}` a server puts in `connect_error` when it refuses a handshake; null for transport errors. */
function handshakeRefusal(error: Error): HandshakeErrorData | null {
  const data = (error as Error & { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return null;
  const { code, message } = data as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? { code: code as HandshakeErrorData['code'], message: typeof message === 'string' ? message : code } : null;
}
