import { GroupRole } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { nextOwner, withOwner } from '../src/domain/groups/ownership.js';
import type { MemberRecord } from '../src/store/records.js';

const member = (userId: string, role: MemberRecord['role'] = GroupRole.MEMBER, joinedAt = 1): MemberRecord => ({ userId, role, joinedAt });

describe('nextOwner', () => {
  it('keeps the owner while they are still a member', () => {
    expect(nextOwner('a', [member('b'), member('a', GroupRole.OWNER)])).toBe('a');
  });

  it('hands over to the earliest admin before any member', () => {
    expect(nextOwner('a', [member('b'), member('c', GroupRole.ADMIN), member('d', GroupRole.ADMIN)])).toBe('c');
  });

  it('hands over to the earliest member when there is no admin', () => {
    expect(nextOwner('a', [member('b'), member('c')])).toBe('b');
  });

  it('returns null when nobody is left', () => {
    expect(nextOwner('a', [])).toBeNull();
  });
});

describe('withOwner', () => {
  it('leaves exactly one owner', () => {
    const members = withOwner([member('a', GroupRole.OWNER), member('b', GroupRole.ADMIN), member('c')], 'b');
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      ['a', 'member'],
      ['b', 'owner'],
      ['c', 'member'],
    ]);
  });
});
