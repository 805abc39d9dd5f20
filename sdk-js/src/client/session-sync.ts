import type { Message, Session } from '../protocol/models.js';
import type { ConversationRef } from '../protocol/realtime.js';
import { conversationKey } from './conversation.js';
import { SYNC_PAGE_SIZE } from './gap-filler.js';
import type { Sequencer } from './sequencer.js';

/** Messages of one conversation to fetch with `sync-messages`: everything after its known seq, up to `upTo`. */
export interface GapToFill {
  key: string;
  ref: ConversationRef;
  upTo: number;
  /** Fetched messages stored before this time (server ms) are history: taken in, not delivered. */
  silentBefore?: number;
}

/** What {@link reconcileSessions} decided. */
export interface Reconciliation {
  /** Conversations with messages the device has not delivered. */
  fills: GapToFill[];
  /** Buffered messages that a reset made deliverable, in order per conversation. */
  deliverable: Message[];
}

/** How to read a session list; see {@link reconcileSessions}. */
export interface ReconcileOptions {
  /** True for the list fetched after this client's first `ready`. */
  baseline: boolean;
  /** The sequencer's known seqs when the list was asked for. */
  knownBefore: ReadonlyMap<string, number>;
  /** Server time of this client's first `ready`: messages stored before it are history. */
  firstReadyAt: number;
}

/**
 * Lines the sequencer up with the session list fetched after a connection became ready, so that
 * every message stored after the client's first `ready` is delivered once, and none before it.
 *
 * - A conversation the sequencer knows is fetched from its known seq when `lastSeq` is ahead. When
 *   its `lastSeq` fell below what the device knew as it asked (`knownBefore`; not on the baseline
 *   list), it was deleted and created again: its known seq is reset to `lastSeq`.
 * - A conversation the sequencer does not know, whose newest message predates the first `ready`,
 *   is history: it starts at `lastSeq`. Otherwise it is fetched from its read mark (new while the
 *   device was away), its messages older than the first `ready` taken in silently. On the baseline
 *   list that can only be a message stored while the list was read, so one page back is enough.
 */
export function reconcileSessions(sequencer: Sequencer, sessions: readonly Session[], options: ReconcileOptions): Reconciliation {
  const { baseline, knownBefore, firstReadyAt } = options;
  const fills: GapToFill[] = [];
  const deliverable: Message[] = [];
  for (const session of sessions) {
    const ref: ConversationRef = { conversationType: session.conversationType, targetId: session.targetId };
    const key = conversationKey(ref);
    let silentBefore: number | undefined;
    if (sequencer.known(key) === undefined) {
      if ((session.lastMsg?.timestamp ?? -Infinity) < firstReadyAt) {
        sequencer.setKnown(key, session.lastSeq);
      } else {
        const readSeq = Math.min(session.readSeq, session.lastSeq);
        sequencer.setKnown(key, baseline ? Math.max(readSeq, session.lastSeq - SYNC_PAGE_SIZE) : readSeq);
        silentBefore = firstReadyAt;
      }
    } else if (!baseline && session.lastSeq < (knownBefore.get(key) ?? 0)) {
      deliverable.push(...sequencer.setKnown(key, session.lastSeq));
    }
    if (session.lastSeq > (sequencer.known(key) ?? 0)) fills.push({ key, ref, upTo: session.lastSeq, ...(silentBefore === undefined ? {} : { silentBefore }) });
  }
  return { fills, deliverable };
}
