import { GroupRole } from '@parley/sdk/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextOwner } from '../src/domain/groups/ownership.js';
import { MemoryGroupRepo } from '../src/store/memory/groups.js';
import type { GroupRecord } from '../src/store/records.js';
import { groupRecord, memberRecord } from './support/store-fixtures.js';

let groups: MemoryGroupRepo;
let group: GroupRecord;

/** A group of `a` (owner), `b`, `c` (admin), `d` (admin), in that join order. */
beforeEach(async () => {
  groups = new MemoryGroupRepo();
  const roles = [GroupRole.OWNER, GroupRole.MEMBER, GroupRole.ADMIN, GroupRole.ADMIN];
  const members = ['a', 'b', 'c', 'd'].map((userId, joinIndex) => memberRecord(userId, joinIndex, roles[joinIndex]!));
  group = groupRecord('g', { ownerId: 'a', memberCount: 4, joinCount: 4 });
  await groups.insert(group, members);
});

describe('nextOwner', () => {
  it('keeps the owner while they stay', async () => {
    expect(await nextOwner(groups, group, ['b', 'c'])).toBe('a');
  });

  it('hands over to the earliest admin who stays, before any member', async () => {
    expect(await nextOwner(groups, group, ['a'])).toBe('c');
    expect(await nextOwner(groups, group, ['a', 'c'])).toBe('d');
  });

  it('hands over to the earliest member when no admin stays', async () => {
    expect(await nextOwner(groups, group, ['a', 'c', 'd'])).toBe('b');
  });

  it('returns null when nobody stays', async () => {
    expect(await nextOwner(groups, group, ['a', 'b', 'c', 'd'])).toBeNull();
  });
});
