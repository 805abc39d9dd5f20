import { GroupRole } from '@parley/sdk/protocol';
import type { MemberRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { forbidden } from '../errors.js';

/**
 * Who may do what in a group. An operator is a member acting through their own device (or the
 * backend acting for them with `operatorId`); `null` is the tenant's backend acting as the app,
 * which may do anything.
 */
export type Operator = string | null;

const RANK: Readonly<Record<GroupRole, number>> = { [GroupRole.OWNER]: 2, [GroupRole.ADMIN]: 1, [GroupRole.MEMBER]: 0 };

/** True when `actor` is above `target`: the owner over admins and members, admins over members. */
export function outranks(actor: GroupRole, target: GroupRole): boolean {
  return RANK[actor] > RANK[target];
}

/** The owner or an admin. */
export function manages(role: GroupRole): boolean {
  return role !== GroupRole.MEMBER;
}

/**
 * The operator's member record, when they are a member with one of `roles`; null for the app.
 * `what` completes "only the owner may ..." in the refusal.
 */
export async function requireOperator(
  ctx: AppContext,
  groupId: string,
  operator: Operator,
  roles: readonly GroupRole[],
  what: string,
): Promise<MemberRecord | null> {
  if (operator === null) return null;
  const member = (await ctx.data.groups.getMembers(groupId, [operator])).get(operator);
  if (!member) throw forbidden(`operatorId: user ${operator} is not a member of group ${groupId}`);
  if (!roles.includes(member.role)) throw forbidden(`only ${roleNames(roles)} may ${what}; ${operator} is ${article(member.role)}`);
  return member;
}

/** Refuses `actor` acting on `target` unless `actor` is the app or outranks them. */
export function requireOutranks(actor: MemberRecord | null, target: MemberRecord, what: string): void {
  if (actor === null || outranks(actor.role, target.role)) return;
  throw forbidden(`userIds: ${actor.userId} (${actor.role}) may not ${what} ${target.userId} (${target.role}): only someone above them may`);
}

function roleNames(roles: readonly GroupRole[]): string {
  const names = roles.map((role) => (role === GroupRole.OWNER ? 'the owner' : role === GroupRole.ADMIN ? 'admins' : 'members'));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

const ROLE_WITH_ARTICLE: Readonly<Record<GroupRole, string>> = { [GroupRole.OWNER]: 'the owner', [GroupRole.ADMIN]: 'an admin', [GroupRole.MEMBER]: 'a member' };

function article(role: GroupRole): string {
  return ROLE_WITH_ARTICLE[role];
}
