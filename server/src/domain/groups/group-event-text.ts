import { GroupEventKind, GroupRole, type GroupEventContent } from '@parley/sdk/protocol';

/** A group event without its sentence: what {@link eventSentence} words. */
export type GroupEventFacts = Omit<GroupEventContent, 'content'>;

/** Longest list of names in a sentence; the rest are counted ("Ann, Bob, Cy and 12 others"). */
const NAMES_SHOWN = 3;
/** Longest sentence, in characters (a long new name or announcement is cut). */
const SENTENCE_MAX = 300;

/**
 * The sentence a group event shows, in English, with the names at the time: what a client that
 * does not know the event (or does not localise it) prints, and the conversation list's preview.
 */
export function eventSentence(facts: GroupEventFacts, names: ReadonlyMap<string, string>): string {
  const name = (userId: string) => names.get(userId) || userId;
  const actor = facts.operatorId === null ? null : name(facts.operatorId);
  const them = nameList(facts.userIds.map(name));
  const by = (active: string, passive: string) => (actor === null ? passive : `${actor} ${active}`);
  switch (facts.event) {
    case GroupEventKind.JOINED:
      if (facts.requestId !== undefined) return by(`approved ${them}'s request to join`, `${them} joined the group`);
      return actor === null || facts.userIds.includes(facts.operatorId!) ? `${them} joined the group` : `${actor} added ${them}`;
    case GroupEventKind.LEFT:
      return `${them} left the group`;
    case GroupEventKind.REMOVED:
      return by(`removed ${them}`, `${them} ${were(facts.userIds)} removed`);
    case GroupEventKind.MUTED:
      return by(`muted ${them} until ${utc(facts.mutedUntil ?? 0)}`, `${them} ${were(facts.userIds)} muted until ${utc(facts.mutedUntil ?? 0)}`);
    case GroupEventKind.UNMUTED:
      return by(`unmuted ${them}`, `${them} ${were(facts.userIds)} unmuted`);
    case GroupEventKind.MUTED_ALL:
      return facts.mutedAll ? by('muted everyone but the owner and admins', 'Only the owner and admins may send now') : by('unmuted everyone', 'Everyone may send again');
    case GroupEventKind.ROLE_CHANGED: {
      const role = facts.role === GroupRole.ADMIN ? (facts.userIds.length === 1 ? 'an admin' : 'admins') : facts.userIds.length === 1 ? 'a member' : 'members';
      return by(`made ${them} ${role}`, `${them} ${facts.userIds.length === 1 ? 'is' : 'are'} ${role} now`);
    }
    case GroupEventKind.OWNER_CHANGED:
      return `${name(facts.ownerId ?? '')} is the owner now`;
    case GroupEventKind.INFO_CHANGED:
      return cut(by(`changed the group's ${infoChanges(facts)}`, `The group's ${infoChanges(facts)} changed`));
    case GroupEventKind.ANNOUNCEMENT_CHANGED:
      return cut(facts.announcement ? by(`set the announcement: ${facts.announcement}`, `Announcement: ${facts.announcement}`) : by('cleared the announcement', 'The announcement was cleared'));
    case GroupEventKind.DISMISSED:
      return by('dismissed the group', 'The group was dismissed');
  }
}

function infoChanges(facts: GroupEventFacts): string {
  const parts: string[] = [];
  if (facts.name !== undefined) parts.push(`name to ${facts.name}`);
  if (facts.avatarUri !== undefined) parts.push('avatar');
  if (facts.description !== undefined) parts.push('description');
  if (facts.joinPolicy !== undefined) parts.push(`join policy to ${facts.joinPolicy}`);
  return nameList(parts);
}

function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length > NAMES_SHOWN) return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${names.length - NAMES_SHOWN} others`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

function were(userIds: readonly string[]): string {
  return userIds.length === 1 ? 'was' : 'were';
}

/** `2026-12-02 14:05 UTC`. */
function utc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function cut(sentence: string): string {
  const chars = Array.from(sentence);
  return chars.length > SENTENCE_MAX ? `${chars.slice(0, SENTENCE_MAX - 1).join('')}…` : sentence;
}
