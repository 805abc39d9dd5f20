import { toParleyError, type ParleyError } from '../errors.js';
import type { Message, Session } from '../protocol/models.js';
import type { ReadyEvent, SyncMessagesPayload } from '../protocol/realtime.js';
import { conversationKey, conversationRefOf } from './conversation.js';
import { GapFiller } from './gap-filler.js';
import { Sequencer } from './sequencer.js';
import { reconcileSessions } from './session-sync.js';

/** What the inbox needs from the client. */
export interface InboxHost {
  /** Hands one message to the app (`new-message`). */
  deliver(message: Message): void;
  /** A background failure (session sync, gap fill), for the `error` event. */
  report(error: ParleyError): void;
  /** The `session-list` request. */
  sessions(): Promise<Session[]>;
  /** The `sync-messages` request. */
  syncMessages(query: SyncMessagesPayload): Promise<Message[]>;
  /**
   * Resolves the pending send of this device that `message` is the stored copy of; returns whether
   * there was one (the outbox's `claim`).
   */
  claim(message: Message): boolean;
  /** Whether a connection is ready. */
  online(): boolean;
}

/**
 * Which pushes wait instead of going through the sequencer: `all` while no connection is ready (the
 * user is not known yet); `unknown` on a reconnect, for conversations the sequencer does not know,
 * until the session list is in (a conversation that appeared while offline must start at its read
 * mark, not at the push); `none`.
 */
type Holding = 'all' | 'unknown' | 'none';

/**
 * Incoming messages, from pushes, send acks and gap fills, turned into `new-message` events: each
 * message once, in `seq` order per conversation.
 *
 * After each `ready` the inbox reads the session list to line the {@link Sequencer} up with the
 * server and fetches, with the {@link GapFiller}, what was stored while the device was away; pushes
 * are held back while that could misplace them. What this client already delivered is kept across
 * reconnects and stops, and forgotten only when another user connects.
 */
export class Inbox {
  readonly #host: InboxHost;
  readonly #sequencer = new Sequencer();
  readonly #gaps: GapFiller;
  /** The user the delivered messages belong to; null before the first `ready`. */
  #userId: string | null = null;
  /** Server time of this user's first `ready`; undefined before it. Messages older than it are history. */
  #firstReadyAt: number | undefined;
  #holding: Holding = 'all';
  #held: Message[] = [];
  /** Counts `ready`s and stops: a session sync of an earlier round gives up. */
  #round = 0;

  constructor(host: InboxHost) {
    this.#host = host;
    this.#gaps = new GapFiller({
      fetch: (ref, afterSeq, limit) => host.syncMessages({ ...ref, afterSeq, limit }),
      ingest: (messages, silentBefore) => messages.forEach((m) => this.#ingest(m, silentBefore === undefined || m.timestamp >= silentBefore)),
      known: (key) => this.#sequencer.known(key),
      hasHole: (key) => this.#sequencer.hasHole(key),
      skipHole: (key) => this.#deliver(this.#sequencer.skipHole(key)),
      online: () => host.online(),
      report: (error) => host.report(error),
    });
  }

  /** A `new-message` push. */
  receive(message: Message): void {
    const hold =
      this.#holding === 'all' ||
      (this.#holding === 'unknown' && this.#sequencer.known(conversationKey(conversationRefOf(message, this.#userId!))) === undefined);
    if (hold) this.#held.push(message);
    else this.#ingest(message, true);
  }

  /** The stored copy of one of this device's sends, from its ack: taken in, never delivered. */
  acknowledged(message: Message): void {
    this.#ingest(message, false);
  }

  /**
   * A connection is ready: starts the session sync. Returns true when it resumes an earlier
   * connection of the same user, false for this user's first `ready` (which only sets baselines).
   */
  open(ready: ReadyEvent): boolean {
    if (this.#userId !== null && this.#userId !== ready.userId) {
      // Another user's token: nothing this client delivered applies.
      this.#sequencer.clear();
      this.#firstReadyAt = undefined;
    }
    this.#userId = ready.userId;
    this.#round++;
    const baseline = this.#firstReadyAt === undefined;
    this.#firstReadyAt ??= ready.serverTime;
    this.#holding = baseline ? 'none' : 'unknown';
    void this.#syncSessions(baseline, this.#firstReadyAt);
    return !baseline;
  }

  /** Runs pushes that were held back through {@link receive} again. */
  release(): void {
    const held = this.#held;
    this.#held = [];
    held.forEach((message) => this.receive(message));
  }

  /** The connection dropped: hold every push until the next `ready`. */
  hold(): void {
    this.#holding = 'all';
  }

  /** The client stopped: drops held pushes and pending fills; what was delivered is kept. */
  stop(): void {
    this.#round++;
    this.#holding = 'all';
    this.#held = [];
    this.#gaps.cancelAll();
  }

  /**
   * One message from a push, an ack (`emit` false) or a gap fill, through the sequencer. A copy of
   * one of this device's pending sends resolves that send instead of being emitted.
   */
  #ingest(message: Message, emit: boolean): void {
    const me = this.#userId!;
    const ref = conversationRefOf(message, me);
    const key = conversationKey(ref);
    if (emit && message.senderUserId === me && this.#host.claim(message)) emit = false;
    this.#deliver(this.#sequencer.ingest(key, message, emit));
    if (this.#sequencer.hasHole(key)) this.#gaps.schedule(key, ref);
  }

  #deliver(messages: readonly Message[]): void {
    for (const message of messages) this.#host.deliver(message);
  }

  /** After `ready`: line the sequencer up with the session list and fetch what was missed. */
  async #syncSessions(baseline: boolean, firstReadyAt: number): Promise<void> {
    const round = this.#round;
    const current = () => round === this.#round && this.#host.online();
    const knownBefore = this.#sequencer.snapshot();
    let sessions: Session[];
    try {
      sessions = await this.#host.sessions();
    } catch (error) {
      // A connection that dropped meanwhile gets a fresh sync after its next `ready`.
      if (!current()) return;
      this.#host.report(toParleyError(error));
      this.#holding = 'none';
      this.release();
      return;
    }
    if (!current()) return;
    const { fills, deliverable } = reconcileSessions(this.#sequencer, sessions, { baseline, knownBefore, firstReadyAt });
    this.#deliver(deliverable);
    for (const { key, ref, upTo, silentBefore } of fills) this.#gaps.fill(key, ref, upTo, silentBefore);
    this.#holding = 'none';
    this.release();
  }
}
