import { ClientErrorCode, toParleyError, type ParleyError } from '../errors.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Message } from '../protocol/models.js';
import type { SendMessagePayload } from '../protocol/realtime.js';
import { isRefusedForNow, retryAfterDelay } from '../retry-after.js';
import { createClientMsgId } from './client-msg-id.js';

/** The two requests that store a message. */
export type SendEvent = 'send-private-message' | 'send-group-message';

/** What the outbox needs from the connection. */
export interface OutboxTransport {
  /** Emits one send; resolves with the stored message or rejects with a {@link ParleyError} (`TIMEOUT` when socket.io gave up). */
  send(event: SendEvent, payload: SendMessagePayload): Promise<Message>;
  /** Id of the current ready connection; null while there is none. */
  connection(): number | null;
  /** Called with the stored message of every acknowledged send, before its promise resolves. */
  acked(message: Message): void;
}

interface Entry {
  event: SendEvent;
  payload: SendMessagePayload & { clientMsgId: string };
  promise: Promise<Message>;
  resolve: (message: Message) => void;
  reject: (error: ParleyError) => void;
  /** Counts transmissions; only the latest one may decide what happens next. */
  attempt: number;
  /** The connection the latest transmission went out on; null before the first. */
  connection: number | null;
}

/**
 * Sends that are not acknowledged yet, in the order they were made.
 *
 * A send goes out at once when connected, else at the next {@link flush} (after `ready`). It stays
 * here until the server acknowledges it, under one `clientMsgId`, so a resend can never store it
 * twice: an ack timeout on a live connection sends it again; a dropped connection leaves it for the
 * next flush. An error ack rejects it without resending.
 *
 * A `RATE_LIMITED` (or `SERVER_BUSY`) ack is not an error of the send: the server did nothing.
 * The outbox then holds every send for the `retryAfterMs` the server named (plus a little jitter,
 * at most 60 s), on this connection and the next, and from then on sends one at a time, each
 * after the previous one's ack, until it is empty: the limited send goes again first, later sends
 * wait behind it, so the order is kept and a long queue costs the server one refused request per
 * window rather than one per queued message. Only sends already on the wire when the first
 * refusal came, and accepted in a later window, can be stored ahead of it.
 */
export class Outbox {
  readonly #entries = new Map<string, Entry>();
  readonly #transport: OutboxTransport;
  /** Entries with a transmission whose ack is outstanding (on `entry.connection`). */
  readonly #inFlight = new Set<Entry>();
  /** While set, the server asked us to wait: nothing goes out until the timer fires. */
  #hold: { timer: ReturnType<typeof setTimeout>; until: number } | undefined;
  /** From a refusal until the outbox is empty: one send at a time, in order. */
  #paced = false;

  constructor(transport: OutboxTransport) {
    this.#transport = transport;
  }

  /** Sends waiting for their ack. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Queues a send (giving it a `clientMsgId` when it has none) and sends it if connected. A second
   * send with the clientMsgId of a pending one is the same send: it gets the same promise.
   */
  add(event: SendEvent, payload: SendMessagePayload): Promise<Message> {
    const clientMsgId = payload.clientMsgId ?? createClientMsgId();
    const pending = this.#entries.get(clientMsgId);
    if (pending) return pending.promise;

    let resolve!: (message: Message) => void;
    let reject!: (error: ParleyError) => void;
    const promise = new Promise<Message>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: Entry = { event, payload: { ...payload, clientMsgId }, promise, resolve, reject, attempt: 0, connection: null };
    this.#entries.set(clientMsgId, entry);
    if (this.#hold || this.#paced) this.#pump();
    else if (this.#transport.connection() !== null) this.#transmit(entry);
    return promise;
  }

  /**
   * Sends, in their original order, every pending send not yet sent on the current connection;
   * while rate limited, only what the pacing allows (see the class comment).
   */
  flush(): void {
    if (this.#hold || this.#paced) return this.#pump();
    const current = this.#transport.connection();
    if (current === null) return;
    for (const entry of [...this.#entries.values()]) if (entry.connection !== current) this.#transmit(entry);
  }

  /**
   * Resolves the pending send that `message` is the stored copy of (same clientMsgId), when there
   * is one; returns whether there was. For a message that reached this device by another way than
   * the ack (a gap fill).
   */
  claim(message: Message): boolean {
    const entry = message.clientMsgId === null ? undefined : this.#entries.get(message.clientMsgId);
    if (!entry) return false;
    this.#forget(entry);
    entry.resolve(message);
    this.#settled();
    return true;
  }

  /** Rejects every pending send with `error` and empties the outbox. */
  failAll(error: ParleyError): void {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    this.#inFlight.clear();
    if (this.#hold) clearTimeout(this.#hold.timer);
    this.#hold = undefined;
    this.#paced = false;
    for (const entry of entries) entry.reject(error);
  }

  #transmit(entry: Entry): void {
    const attempt = ++entry.attempt;
    const connection = (entry.connection = this.#transport.connection());
    this.#inFlight.add(entry);
    const pending = () => this.#entries.get(entry.payload.clientMsgId) === entry;
    this.#transport.send(entry.event, entry.payload).then(
      (message) => {
        // Any attempt's ack will do: they all carry the same stored message.
        if (!pending()) return;
        this.#forget(entry);
        this.#transport.acked(message);
        entry.resolve(message);
        this.#settled();
      },
      (error: unknown) => {
        if (!pending() || attempt !== entry.attempt) return;
        const failure = toParleyError(error);
        if (failure.code === ClientErrorCode.TIMEOUT) {
          // Same connection: the server was slow, ask again under the same key. Otherwise the
          // connection dropped and flush() sends it after the next `ready`.
          if (this.#transport.connection() === connection) this.#transmit(entry);
          else this.#inFlight.delete(entry);
          return;
        }
        // The database being out of reach is as passing for a send: repeated under its
        // clientMsgId it is stored once, so it waits like a rate-limited one.
        if (isRefusedForNow(failure) || failure.code === ErrorCode.UNAVAILABLE) {
          // Not stored: keep it, first in line, for when the server's wait is over.
          this.#inFlight.delete(entry);
          entry.connection = null;
          this.#paced = true;
          this.#holdFor(retryAfterDelay(failure));
          return;
        }
        this.#forget(entry);
        entry.reject(failure);
        this.#settled();
      },
    );
  }

  #forget(entry: Entry): void {
    this.#entries.delete(entry.payload.clientMsgId);
    this.#inFlight.delete(entry);
  }

  /** A send left the outbox: pacing ends with the queue, or the next one may go. */
  #settled(): void {
    if (this.#entries.size === 0) this.#paced = false;
    else if (this.#paced) this.#pump();
  }

  /** Holds every send for `ms`, or longer if an earlier refusal asked for longer. */
  #holdFor(ms: number): void {
    const until = Date.now() + ms;
    if (this.#hold) {
      if (this.#hold.until >= until) return;
      clearTimeout(this.#hold.timer);
    }
    const timer = setTimeout(() => {
      this.#hold = undefined;
      this.#pump();
    }, ms);
    this.#hold = { timer, until };
  }

  /** Paced sending: the first send in line, once nothing is awaiting its ack on this connection. */
  #pump(): void {
    const current = this.#transport.connection();
    if (current === null || this.#hold) return;
    if (!this.#paced) return this.flush();
    for (const entry of this.#inFlight) if (entry.connection === current) return;
    const head = this.#entries.values().next();
    if (!head.done) this.#transmit(head.value);
  }
}
