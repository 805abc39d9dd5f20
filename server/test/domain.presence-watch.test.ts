import { describe, expect, it } from 'vitest';
import { PresenceWatchList } from '../src/domain/presence/watch-list.js';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('a connection watch list', () => {
  it('takes contacts, most recently active first, up to the cap', () => {
    const list = new PresenceWatchList(3);
    expect(list.addContacts(['c0', 'c1', 'c1', 'c2', 'c3', 'c4'])).toEqual(['c0', 'c1', 'c2']);
    expect(list.size).toBe(3);
    expect(list.has('c3')).toBe(false);
  });

  it('makes room for a subscription by letting go of the least recently active contacts', () => {
    const list = new PresenceWatchList(3);
    list.addContacts(['c0', 'c1', 'c2']);
    expect(list.subscribe(['s0'])).toEqual({ watch: ['s0'], unwatch: ['c2'] });
    expect(list.subscribe(['s1', 's1'])).toEqual({ watch: ['s1'], unwatch: ['c1'] });
    expect(list.size).toBe(3);
    expect(['c0', 's0', 's1'].every((id) => list.has(id))).toBe(true);
  });

  it('turns a watched contact into a subscription without a room change, and it is not let go later', () => {
    const list = new PresenceWatchList(2);
    list.addContacts(['c0', 'c1']);
    expect(list.subscribe(['c1'])).toEqual({ watch: [], unwatch: [] });
    expect(list.subscribe(['s0'])).toEqual({ watch: ['s0'], unwatch: ['c0'] });
    expect(list.has('c1')).toBe(true);
  });

  it('refuses, whole, subscriptions that alone would pass the cap, and changes nothing', () => {
    const list = new PresenceWatchList(3);
    list.addContacts(['c0']);
    list.subscribe(['s0', 's1']);
    expect(() => list.subscribe(['s2', 's3'])).toThrow(/^userIds: a connection may subscribe to at most 3 users/);
    expect(list.size).toBe(3);
    expect(list.has('s2')).toBe(false);
    expect(list.has('c0')).toBe(true);
    // Asking again for what is already subscribed needs no room.
    expect(list.subscribe(['s0', 's1'])).toEqual({ watch: [], unwatch: [] });
  });

  it('unsubscribes either kind, ignores the rest, and contacts do not take back the freed room', () => {
    const list = new PresenceWatchList(2);
    list.addContacts(['c0', 'c1']);
    list.subscribe(['s0']);
    expect(list.unsubscribe(['s0', 'c0', 'nobody', 'c1'])).toEqual(['s0', 'c0']);
    expect(list.size).toBe(0);
    expect(list.subscribe(ids('s', 2))).toEqual({ watch: ['s0', 's1'], unwatch: [] });
  });

  it('subscriptions made before the contacts arrive keep their room', () => {
    const list = new PresenceWatchList(3);
    list.subscribe(['s0', 'c1']);
    expect(list.addContacts(['c0', 'c1', 'c2'])).toEqual(['c0']);
    expect(list.size).toBe(3);
  });
});
