import { ClientErrorCode, ParleyError } from '../errors.js';
import { ConversationType, Limits, MessageType, type SendableMessageType } from '../protocol/constants.js';
import { ErrorCode } from '../protocol/errors.js';
import type { BlockedUser, Message, Session, UploadedFile } from '../protocol/models.js';
import type { PresenceState, RecallWindow, RecallWindows, SessionDoNotDisturbState, SessionReadState, SyncMessagesPayload, TypingPayload } from '../protocol/realtime.js';
import { Connection } from './connection.js';
import { conversationKey } from './conversation.js';
import { TypedEmitter } from './emitter.js';
import { ParleyFriends } from './friends.js';
import { ParleyGroups } from './groups.js';
import { Inbox } from './inbox.js';
import { Outbox, type SendEvent } from './outbox.js';
import { PresenceWatch } from './presence-watch.js';
import { forwardTo, listenToPushes } from './pushes.js';
import { Requests } from './requests.js';
import type { ParleySocket } from './socket.js';
import type { ConnectionState, GetMessagesOptions, ParleyClientEvents, ParleyClientOptions, SendMessageInput } from './types.js';
import { TypingThrottle } from './typing-throttle.js';
import { fileContent, imageContent, videoContent, voiceContent, type FileSendOptions, type MessageTarget, type VideoSendOptions, type VoiceSendOptions } from './rich-content.js';
import { uploadFile, type UploadInput, type UploadOptions } from './upload.js';

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The end-user realtime client: one user's connection to Parley, from a browser or Node 18+.
 *
 * - **Requests** (`getSessions`, `markRead`, ...) wait for the connection when it is down and
 *   reject with a {@link ParleyError} carrying the server's code, `TIMEOUT` after
 *   `requestTimeoutMs`, or `DISCONNECTED` once the client is stopped.
 * - **Sends** go through an outbox: queued while offline, sent in order, resent with the same
 *   `clientMsgId` until acknowledged, so each is stored exactly once; a send refused with
 *   `RATE_LIMITED` is resent after the server's `retryAfterMs`, later ones waiting behind it.
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
  // The parts, each in its own module: the connection and its recovery, requests with their acks,
  // sends not yet acknowledged, incoming messages, and watched presence. This class wires them.
  readonly #events = new TypedEmitter<ParleyClientEvents>();
  readonly #connection: Connection;
  readonly #requests: Requests;
  readonly #outbox: Outbox;
  readonly #inbox: Inbox;
  readonly #presence: PresenceWatch;
  readonly #typing = new TypingThrottle();
  readonly #maxPayloadBytes: number;
  /** Friend requests, the contact list with presence, remarks and friend groups. */
  readonly friends: ParleyFriends;
  /** Your groups' facts and members, and running them as owner or admin. */
  readonly groups: ParleyGroups;

  /**
   * Creates a client; nothing happens on the network until {@link connect}.
   *
   * @throws {@link ParleyError} `INVALID_PARAMS` when neither `token` nor `getToken` is given.
   */
  constructor(options: ParleyClientOptions) {
    if (!options.token && !options.getToken) {
      throw new ParleyError(ErrorCode.INVALID_PARAMS, 'ParleyClient: give a token or a getToken function');
    }
    this.#maxPayloadBytes = options.maxPayloadBytes ?? Limits.PACKET_BYTES_DEFAULT;
    const events = this.#events;
    const connection = new Connection(options, events, {
      attach: (socket) => this.#listen(socket),
      ready: (ready) => {
        // Order matters: the outbox first (in its original order), then the session list.
        this.#outbox.flush();
        const resumed = this.#inbox.open(ready);
        // Presence subscriptions belonged to the connection that dropped.
        if (resumed) this.#presence.renew();
      },
      connected: () => this.#inbox.release(),
      dropped: () => this.#inbox.hold(),
      stopped: (error) => {
        this.#inbox.stop();
        this.#outbox.failAll(error);
        this.#requests.failAll(error);
      },
    });
    const requests = new Requests(connection, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    this.#connection = connection;
    this.#requests = requests;
    this.friends = new ParleyFriends(requests);
    this.groups = new ParleyGroups(requests);
    this.#outbox = new Outbox({
      send: (event, payload) => requests.emitNow(event, payload),
      connection: () => (connection.isOpen ? connection.connectionId : null),
      acked: (message) => this.#inbox.acknowledged(message),
    });
    this.#inbox = new Inbox({
      deliver: (message) => events.emit('new-message', message),
      report: (error) => events.emit('error', error),
      sessions: () => requests.request('session-list'),
      syncMessages: (query) => this.syncMessages(query),
      claim: (message) => this.#outbox.claim(message),
      online: () => connection.isOpen,
    });
    this.#presence = new PresenceWatch({
      subscribe: (userIds) => requests.request('presence-subscribe', { userIds }),
      unsubscribe: (userIds) => requests.request('presence-unsubscribe', { userIds }),
      online: () => connection.isOpen,
      changed: (state) => events.emit('presence', state),
      report: (error) => events.emit('error', error),
    });
  }

  /** Where the connection stands; see {@link ConnectionState}. */
  get state(): ConnectionState {
    return this.#connection.state;
  }

  /** The connected user, from the server's `ready`; null until the first connection. */
  get userId(): string | null {
    return this.#connection.userId;
  }

  /**
   * How long this app lets a message be recalled: by its sender, and by a group's owner or admin.
   * The server says so in every `ready`, as the app's settings stood then; before the first
   * connection these are the defaults ({@link RecallWindow}). Offer Recall only while
   * `Date.now() - message.timestamp` is inside the window (a recall outside it is refused
   * `FORBIDDEN`).
   */
  get recallWindows(): RecallWindows {
    return { ...this.#connection.recallWindows };
  }

  /**
   * Opens the connection. Resolves once the server said `ready` (state `connected`); while the
   * server cannot be reached socket.io keeps retrying, for up to `connectTimeoutMs` (default 20 s;
   * call {@link disconnect} to give up sooner). Calling it while connecting, reconnecting or
   * connected returns the same outcome.
   *
   * Rejects with a {@link ParleyError} when the server refuses the handshake and `getToken` cannot
   * help: the server's code (`TOKEN_INVALID`, `UNKNOWN_APP`, `INVALID_PARAMS`, ...); with `TIMEOUT`
   * when no `ready` came within `connectTimeoutMs` (the client is then `disconnected`, as after
   * {@link disconnect}); or with `DISCONNECTED` when {@link disconnect} was called first.
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
    return this.#connection.connect();
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
    this.#connection.disconnect();
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
    return this.#requests.request('session-list');
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
    return this.#requests.request('session-message-list', { sid, ...options });
  }

  /**
   * Sends a one-to-one message to user `targetId` and resolves with the stored message (with
   * `sendSession`). Sent at once when connected, else queued until the connection is back; resent
   * under the same `clientMsgId` (one is generated when you give none) until the server
   * acknowledges it, so it is stored once. Over the user's send rate limit (`RATE_LIMITED`) it is
   * not rejected: the client waits the `retryAfterMs` the server named and sends it again, with the
   * user's later sends queued behind it, so the promise resolves once it is stored. Rejects with
   * the server's code (`NOT_FOUND`, `FORBIDDEN`, `INVALID_PARAMS`, ...) or with `DISCONNECTED`; it
   * is not echoed as `new-message`.
   *
   * @example
   * ```ts
   * const message = await client.sendPrivateMessage({ targetId: 'bob', messageType: MessageType.TEXT, content: { content: 'hi' } });
   * console.log(message.seq, message.msgId);
   * ```
   */
  sendPrivateMessage<T extends SendableMessageType>(message: SendMessageInput<T>): Promise<Message> {
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
  sendGroupMessage<T extends SendableMessageType>(message: SendMessageInput<T>): Promise<Message> {
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
    return this.#requests.request('set-session-read', seq === undefined ? { sid } : { sid, seq });
  }

  /**
   * Turns notifications of session `sid` off ("do not disturb", `true`) or on again. Its messages
   * still arrive and count as unread; the session list shows the flag (`doNotDisturb`), your other
   * devices get `session-do-not-disturb`, and push notifications honour it.
   */
  setDoNotDisturb(sid: string, doNotDisturb: boolean): Promise<SessionDoNotDisturbState> {
    return this.#requests.request('set-do-not-disturb', { sid, doNotDisturb });
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
    return this.#requests.request('recall-message', { msgId });
  }

  /**
   * Tells the other side(s) that the user is composing. Throttled per conversation: at most one
   * event per `TYPING_INTERVAL_MS` (3 s) leaves this device; extra calls resolve without sending.
   * Typing is best-effort: one refused with `RATE_LIMITED` (the user's `userSignalsPerSecond`) is
   * dropped and the call resolves. Under the app's default `presenceScope` (`contacts`) private
   * typing reaches only a user this one shares a chat or a group with; to anyone else the server
   * drops it silently.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => void client.typing({ conversationType: ConversationType.PRIVATE, targetId: 'bob' }));
   * ```
   */
  async typing(conversation: TypingPayload): Promise<void> {
    if (!this.#typing.take(conversationKey(conversation))) return;
    try {
      await this.#requests.request('typing', { conversationType: conversation.conversationType, targetId: conversation.targetId });
    } catch (error) {
      // A late indicator is worse than none: no retry.
      if (error instanceof ParleyError && error.code === ErrorCode.RATE_LIMITED) return;
      throw error;
    }
  }

  /**
   * Current presence of up to 500 users of the app. Under the app's default `presenceScope`
   * (`contacts`) only friends and users this one shares a private chat or a group with are visible; anyone else
   * is answered as offline and never seen (`online: false`, `lastSeenAt: null`), exactly like an id
   * of no user. Presence requests count against the user's
   * `userSignalsPerSecond`; over it this rejects with `RATE_LIMITED` and the error's
   * `retryAfterMs` says when to ask again (the same holds for {@link subscribePresence} and
   * {@link unsubscribePresence}).
   *
   * @example
   * ```ts
   * const [bob] = await client.presence(['bob']);
   * console.log(bob?.online ? `online on ${bob.platforms.join(', ')}` : `last seen ${bob?.lastSeenAt}`);
   * ```
   */
  presence(userIds: string[]): Promise<PresenceState[]> {
    return this.#requests.request('presence-query', { userIds });
  }

  /**
   * Current presence of these users, and a `presence` event each time it changes (your friends and
   * the users of your private chats are followed without asking, most recently active first, sharing the limit
   * of 2,000 watched users per device). The client renews the subscriptions after every reconnect
   * and emits `presence` with each user's state at that moment. Users outside the app's
   * `presenceScope` are answered as offline and not followed.
   *
   * @example
   * ```ts
   * client.on('presence', (p) => setOnline(p.userId, p.online));
   * (await client.subscribePresence(['bob', 'carol'])).forEach((p) => setOnline(p.userId, p.online));
   * ```
   */
  subscribePresence(userIds: string[]): Promise<PresenceState[]> {
    return this.#presence.subscribe(userIds);
  }

  /** Stops `presence` events for these users, contacts included, until the next reconnect. */
  unsubscribePresence(userIds: string[]): Promise<void> {
    return this.#presence.unsubscribe(userIds);
  }

  /**
   * Blocks users: their private messages to you are refused (they get a `BLOCKED` error and
   * nothing is stored) and their typing no longer reaches you. They are not told. Resolves with
   * the ids that were not blocked before.
   *
   * @example
   * ```ts
   * await client.blockUsers(['spammer']);
   * // the spammer's client: sendPrivateMessage({ targetId: 'you', ... }) rejects with code 'BLOCKED'
   * ```
   */
  async blockUsers(userIds: string[]): Promise<string[]> {
    return (await this.#requests.request('block-users', { userIds })).changed;
  }

  /** Lifts blocks; resolves with the ids that were blocked. Messages refused meanwhile were never stored. */
  async unblockUsers(userIds: string[]): Promise<string[]> {
    return (await this.#requests.request('unblock-users', { userIds })).changed;
  }

  /**
   * The users you block, oldest block first, with their names.
   *
   * @example
   * ```ts
   * for (const user of await client.getBlockList()) console.log(user.name, new Date(user.blockedAt));
   * ```
   */
  getBlockList(): Promise<BlockedUser[]> {
    return this.#requests.request('block-list');
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
    return this.#requests.request('sync-messages', query);
  }

  /**
   * Uploads a file with the user's token and resolves with what the server read from it: its
   * `url` (for a message's content), type, size, and for images `width`, `height` and `thumbUrl`,
   * for audio and video `duration` when the container says it. In browsers `onProgress` follows
   * the upload's progress events; in Node it is called as each 64 KiB slice goes out. `signal`
   * cancels it (rejects with `ABORTED`; the server keeps nothing). Rejects with the server's code
   * for a refused file: `FILE_TOO_LARGE`, `FILE_TYPE_NOT_ALLOWED`, `FILE_TYPE_MISMATCH`, ....
   * Works whether or not the client is connected.
   *
   * @example
   * ```ts
   * const file = await client.uploadFile(input.files[0], { onProgress: ({ loaded, total }) => bar.value = loaded / total });
   * ```
   */
  async uploadFile(input: UploadInput, options: UploadOptions = {}): Promise<UploadedFile> {
    try {
      return await uploadFile(await this.#connection.uploadTarget(), input, options);
    } catch (error) {
      // A token that expired since the connection was made: renew it once, as a reconnect would.
      if (!(error instanceof ParleyError) || error.code !== ErrorCode.TOKEN_INVALID || !this.#connection.tokenRenewable) throw error;
      return uploadFile(await this.#connection.uploadTarget(true), input, options);
    }
  }

  /**
   * Uploads an image and sends it as an IMAGE message to a user or a group; resolves with the
   * stored message. The server measures it and makes its thumbnail; `caption` is shown with it.
   * Rejects with `FILE_TYPE_MISMATCH` when the file is not an image, before anything is sent.
   *
   * @example
   * ```ts
   * await client.sendImage({ conversationType: ConversationType.PRIVATE, targetId: 'bob' }, file, { caption: 'the view', onProgress });
   * ```
   */
  async sendImage(target: MessageTarget, image: UploadInput, options: FileSendOptions = {}): Promise<Message> {
    const file = await this.uploadFile(image, options);
    return this.#sendTo(target, MessageType.IMAGE, imageContent(file, options), options.clientMsgId);
  }

  /** Uploads any file and sends it as a FILE message (name, size and type from the upload); see {@link sendImage}. */
  async sendFile(target: MessageTarget, input: UploadInput, options: FileSendOptions = {}): Promise<Message> {
    const file = await this.uploadFile(input, options);
    return this.#sendTo(target, MessageType.FILE, fileContent(file, options), options.clientMsgId);
  }

  /**
   * Uploads a recording and sends it as a VOICE message. Its duration comes from the file when
   * the container says it, else from `options.duration` (needed for most browser recordings).
   */
  async sendVoice(target: MessageTarget, audio: UploadInput, options: VoiceSendOptions = {}): Promise<Message> {
    const file = await this.uploadFile(audio, options);
    return this.#sendTo(target, MessageType.VOICE, voiceContent(file, options), options.clientMsgId);
  }

  /** Uploads a video (and its `cover` picture, when given) and sends it as a VIDEO message; see {@link sendVoice}. */
  async sendVideo(target: MessageTarget, video: UploadInput, options: VideoSendOptions = {}): Promise<Message> {
    const file = await this.uploadFile(video, options);
    const cover = options.cover ? await this.uploadFile(options.cover, { ...(options.signal ? { signal: options.signal } : {}) }) : null;
    return this.#sendTo(target, MessageType.VIDEO, videoContent(file, options, cover), options.clientMsgId);
  }

  #sendTo<T extends SendableMessageType>(target: MessageTarget, messageType: T, content: SendMessageInput<T>['content'], clientMsgId: string | undefined): Promise<Message> {
    const message = { targetId: target.targetId, messageType, content, ...(clientMsgId ? { clientMsgId } : {}) } as SendMessageInput<T>;
    return this.#send(target.conversationType === ConversationType.GROUP ? 'send-group-message' : 'send-private-message', message);
  }

  #send(event: SendEvent, message: SendMessageInput): Promise<Message> {
    if (this.#connection.stopped) return Promise.reject(new ParleyError(ClientErrorCode.DISCONNECTED, `${event}: the client is disconnected`));
    const bytes = new TextEncoder().encode(JSON.stringify(message)).byteLength;
    if (bytes > this.#maxPayloadBytes) {
      return Promise.reject(
        new ParleyError(ErrorCode.INVALID_PARAMS, `content: the message is ${bytes} bytes as JSON; this client sends at most ${this.#maxPayloadBytes}`),
      );
    }
    return this.#outbox.add(event, message);
  }

  /** The server's pushes: messages go through the inbox, the rest straight to the app. */
  #listen(socket: ParleySocket): void {
    const events = this.#events;
    const forward = forwardTo(events);
    listenToPushes(socket, {
      'new-message': (message) => this.#inbox.receive(message),
      'message-recalled': forward('message-recalled'),
      'session-read': forward('session-read'),
      'session-do-not-disturb': forward('session-do-not-disturb'),
      'read-receipt': forward('read-receipt'),
      typing: forward('typing'),
      presence: forward('presence'),
      'friend-request': forward('friend-request'),
      'friend-request-answered': forward('friend-request-answered'),
      'friend-added': (friend) => {
        events.emit('friend-added', friend);
        // Friends are watched from the next connection on; until then, follow the new one explicitly.
        this.#presence.subscribe([friend.userId]).catch((error: unknown) => {
          if (error instanceof ParleyError) events.emit('error', error);
        });
      },
      'friend-removed': forward('friend-removed'),
      'friend-updated': forward('friend-updated'),
      'friend-groups-changed': forward('friend-groups-changed'),
      'blocks-changed': forward('blocks-changed'),
      'group-member-updated': forward('group-member-updated'),
      'group-join-request': forward('group-join-request'),
      'group-join-request-answered': forward('group-join-request-answered'),
    });
  }
}
