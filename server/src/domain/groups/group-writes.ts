import { GroupEventKind } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { MembershipChange } from '../../store/ports.js';
import type { GroupRecord, PendingGroupEvent } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { endsTheGroup, type GroupEventDraft, type GroupEventLog } from './group-events.js';

/** Compare-and-set attempts before giving up on a group that keeps changing underneath us. */
const MAX_WRITE_ATTEMPTS = 20;

/** What a decision writes: the group's next state, what it does to the members, the events it makes. */
export interface GroupWrite {
  next: GroupRecord;
  change?: MembershipChange;
  events?: readonly GroupEventDraft[];
}

/** The group after a write, its events stored. */
export interface GroupWritten {
  /** As it is now; as written when one of its events dismissed it. */
  group: GroupRecord;
  /** An event stored with this write (or found waiting) deleted the group. */
  dismissed: boolean;
}

/**
 * Every change of a group: one compare-and-set of the group's record (and its members), with the
 * group events the change makes written into the record in that same write, then stored in the
 * conversation. A process that dies in between leaves them waiting in the record, and whoever
 * next reads or writes the group ({@link settle}) stores them, once: a change is never without
 * its event, and an event never without its change.
 */
export class GroupWriter {
  constructor(
    private readonly clock: Clock,
    private readonly log: GroupEventLog,
  ) {}

  /**
   * Applies `decide`'s change to `loaded`, reloading and deciding again when another writer got
   * in first. `decide` sees the group with no event waiting; it returns what to write, or null to
   * write nothing (the group is answered as it is).
   */
  async write(ctx: AppContext, loaded: GroupRecord, decide: (current: GroupRecord) => Promise<GroupWrite | null>): Promise<GroupWritten> {
    let current = loaded;
    for (let attempt = 1; ; attempt++) {
      if (current.pendingEvents.length > 0) {
        const settled = await this.settle(ctx, current);
        if (settled.dismissed) throw groupNotFound(loaded.groupId);
        current = settled.group;
      }
      if (current.pendingEvents.length === 0) {
        const decided = await decide(current);
        if (decided === null) return { group: current, dismissed: false };
        const written: GroupRecord = {
          ...decided.next,
          pendingEvents: (decided.events ?? []).map((draft) => this.log.pending(draft)),
          version: current.version + 1,
          updatedAt: this.clock.now(),
        };
        if (await ctx.data.groups.replace(written, current.version, decided.change)) return this.settle(ctx, written);
      }
      if (attempt === MAX_WRITE_ATTEMPTS) throw conflict(`group ${loaded.groupId} is changing too fast; try again`);
      const reloaded = await ctx.data.groups.get(loaded.groupId);
      if (!reloaded) throw groupNotFound(loaded.groupId);
      current = reloaded;
    }
  }

  /**
   * Stores the events waiting in `group`, oldest first, and takes them off its record. The
   * members read once are their recipients (with whoever an event removes).
   */
  async settle(ctx: AppContext, group: GroupRecord): Promise<GroupWritten> {
    const waiting = group.pendingEvents;
    if (waiting.length === 0) return { group, dismissed: false };
    const members = (await ctx.data.groups.listMembers(group.groupId)).map((member) => member.userId);
    const seqs: number[] = [];
    for (const pending of waiting) {
      const went = pending.facts.event === GroupEventKind.LEFT || pending.facts.event === GroupEventKind.REMOVED;
      const recipients = went && !pending.endsGroup ? [...new Set([...members, ...pending.facts.userIds])] : members;
      const { event, created } = await this.log.append(ctx, group.groupId, pending, recipients);
      seqs.push(event.seq);
      if (!created) {
        // Stored already: by a process that died before finishing it (then it still waits, and
        // what it entails may be undone), or by one that has finished it and every event before
        // it since this read (then nothing is left to do: a join done again now could reopen the
        // session of a member who has left since).
        const fresh = await ctx.data.groups.get(group.groupId);
        if (!fresh) return { group, dismissed: true };
        if (!fresh.pendingEvents.some((waitingNow) => waitingNow.eventId === pending.eventId)) return { group: fresh, dismissed: false };
      }
      await this.log.carryOut(ctx, group.groupId, pending, event);
      if (endsTheGroup(pending)) return { group, dismissed: true };
    }
    return this.#takeOff(ctx, group, waiting, seqs);
  }

  /** Takes the stored events off the record (unless another writer already has), with the announcement's seq. */
  async #takeOff(ctx: AppContext, group: GroupRecord, stored: readonly PendingGroupEvent[], seqs: readonly number[]): Promise<GroupWritten> {
    const ids = new Set(stored.map((pending) => pending.eventId));
    let current = group;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const remaining = current.pendingEvents.filter((pending) => !ids.has(pending.eventId));
      if (remaining.length === current.pendingEvents.length) return { group: current, dismissed: false };
      const next: GroupRecord = {
        ...current,
        pendingEvents: remaining,
        announcementSeq: announcementSeqAfter(current, stored, seqs),
        version: current.version + 1,
        updatedAt: this.clock.now(),
      };
      if (await ctx.data.groups.replace(next, current.version)) return { group: next, dismissed: false };
      const reloaded = await ctx.data.groups.get(group.groupId);
      if (!reloaded) return { group: current, dismissed: true };
      current = reloaded;
    }
    // Stored all the same; the next reader finds them stored and takes them off.
    return { group: current, dismissed: false };
  }
}

/**
 * The announcement takes the seq of the event that set it, so a device can tell from the group
 * alone whether it was read: the last announcement change stored, when it is still the group's.
 */
function announcementSeqAfter(group: GroupRecord, stored: readonly PendingGroupEvent[], seqs: readonly number[]): number | null {
  const last = stored.findLastIndex((pending) => pending.facts.event === GroupEventKind.ANNOUNCEMENT_CHANGED);
  if (last === -1 || group.announcementSeq !== null || group.announcement === '') return group.announcementSeq;
  return stored[last]!.facts.announcement === group.announcement ? seqs[last]! : null;
}

export function groupNotFound(groupId: string) {
  return notFound(`group ${groupId} does not exist`);
}

export function notAMember(field: string, userId: string, groupId: string) {
  return forbidden(`${field}: user ${userId} is not a member of group ${groupId}`);
}
