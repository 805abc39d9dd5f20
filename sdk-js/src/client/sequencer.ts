import type { Message } from '../protocol/models.js';
import { RecentIds } from './recent-ids.js';

/** How many msgIds the sequencer remembers to recognise a message it already delivered. */
export const RECENT_MSG_IDS = 10_000;

interface Buffered {
  message: Message;
  /** False when the app must not be told (the message is this device's own send). */
  emit: boolean;
}

interface Track {
  /** Highest seq delivered, with every seq below it delivered too. */
  known: number;
  /** Messages above `known + 1`, waiting for the hole below them to close; by seq. */
  buffer: Map<number, Buffered>;
}

/**
 * Puts the messages of each conversation in `seq` order, once each, whatever order and however
 * many times they arrive (push, send ack, gap fill).
 *
 * Pure bookkeeping, no I/O: each call returns the messages that became deliverable, in order,
 * and {@link hasHole} tells the caller when it should fetch the missing ones.
 *
 * A message is dropped when its seq is at or below the conversation's `known` seq. A message whose
 * msgId was already seen (one of the last {@link RECENT_MSG_IDS}) still closes its place in the
 * sequence but is never returned twice; this keeps a conversation moving after its `known` seq was
 * lowered (see {@link setKnown}).
 */
export class Sequencer {
  readonly #tracks = new Map<string, Track>();
  readonly #seen: RecentIds;

  constructor(recentCapacity: number = RECENT_MSG_IDS) {
    this.#seen = new RecentIds(recentCapacity);
  }

  /** Highest contiguous seq delivered in conversation `key`; undefined before its first message or baseline. */
  known(key: string): number | undefined {
    return this.#tracks.get(key)?.known;
  }

  /** Whether messages wait in conversation `key` behind missing ones. */
  hasHole(key: string): boolean {
    return (this.#tracks.get(key)?.buffer.size ?? 0) > 0;
  }

  /** The known seq of every conversation. */
  snapshot(): Map<string, number> {
    const known = new Map<string, number>();
    for (const [key, track] of this.#tracks) known.set(key, track.known);
    return known;
  }

  /**
   * Sets conversation `key`'s known seq: a baseline for a conversation seen for the first time, or
   * a reset after the conversation was deleted and created again. Buffered messages at or below
   * `seq` are dropped; returns the buffered messages that became deliverable.
   */
  setKnown(key: string, seq: number): Message[] {
    const track = this.#tracks.get(key);
    if (!track) {
      this.#tracks.set(key, { known: seq, buffer: new Map() });
      return [];
    }
    track.known = seq;
    for (const buffered of track.buffer.keys()) if (buffered <= seq) track.buffer.delete(buffered);
    return drain(track);
  }

  /**
   * Takes in one message of conversation `key`. Returns the messages now deliverable in seq order
   * (this one and any buffered after it), leaving out those ingested with `emit` false.
   *
   * The first message of a conversation without a known seq sets it to `seq - 1`.
   */
  ingest(key: string, message: Message, emit: boolean): Message[] {
    let track = this.#tracks.get(key);
    if (!track) this.#tracks.set(key, (track = { known: message.seq - 1, buffer: new Map() }));
    if (message.seq <= track.known) return [];

    const waiting = track.buffer.get(message.seq);
    if (waiting) {
      // Same message again (e.g. a gap fill and a send ack): deliver once, and only if both allow it.
      waiting.emit &&= emit;
      return [];
    }
    const seen = this.#seen.has(message.msgId);
    this.#seen.add(message.msgId);
    track.buffer.set(message.seq, { message, emit: emit && !seen });
    return drain(track);
  }

  /**
   * Gives up on the hole of conversation `key`: moves its known seq to just below the lowest
   * buffered message and returns what became deliverable. The missing messages are skipped.
   */
  skipHole(key: string): Message[] {
    const track = this.#tracks.get(key);
    if (!track || track.buffer.size === 0) return [];
    track.known = Math.min(...track.buffer.keys()) - 1;
    return drain(track);
  }

  /** Forgets every conversation and msgId. */
  clear(): void {
    this.#tracks.clear();
    this.#seen.clear();
  }
}

function drain(track: Track): Message[] {
  const ready: Message[] = [];
  for (let next = track.buffer.get(track.known + 1); next; next = track.buffer.get(track.known + 1)) {
    track.buffer.delete(++track.known);
    if (next.emit) ready.push(next.message);
  }
  return ready;
}
