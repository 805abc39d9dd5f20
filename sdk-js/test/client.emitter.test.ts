import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClientMsgId } from '../src/client/client-msg-id.js';
import { TypedEmitter } from '../src/client/emitter.js';
import { TypingThrottle } from '../src/client/typing-throttle.js';

interface Events {
  ping: number;
  pong: { at: string };
}

describe('TypedEmitter', () => {
  it('calls listeners in order with the payload; on() returns an unsubscribe', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    const off = e.on('ping', (n) => seen.push(`a${n}`));
    e.on('ping', (n) => seen.push(`b${n}`));
    expect(e.emit('ping', 1)).toBe(true);
    off();
    e.emit('ping', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(e.emit('pong', { at: 'x' })).toBe(false);
  });

  it('once() fires once; off() removes a once listener too', () => {
    const e = new TypedEmitter<Events>();
    const once = vi.fn();
    const never = vi.fn();
    e.once('ping', once);
    e.once('ping', never);
    e.off('ping', never);
    e.emit('ping', 1);
    e.emit('ping', 2);
    expect(once).toHaveBeenCalledTimes(1);
    expect(once).toHaveBeenCalledWith(1);
    expect(never).not.toHaveBeenCalled();
    expect(e.listenerCount('ping')).toBe(0);
  });

  it('listeners added or removed during an emit take effect from the next one', () => {
    const e = new TypedEmitter<Events>();
    const late = vi.fn();
    const second = vi.fn();
    e.on('ping', () => {
      e.on('ping', late);
      e.off('ping', second);
    });
    e.on('ping', second);
    e.emit('ping', 1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(late).not.toHaveBeenCalled();
    e.emit('ping', 2);
    expect(late).toHaveBeenCalledWith(2);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener does not stop the others; its error is rethrown from a microtask', async () => {
    const e = new TypedEmitter<Events>();
    const boom = new Error('listener bug');
    const after = vi.fn();
    e.on('ping', () => {
      throw boom;
    });
    e.on('ping', after);
    const queued: Array<() => void> = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void queued.push(task));
    try {
      expect(() => e.emit('ping', 1)).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(after).toHaveBeenCalledWith(1);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]!()).toThrow(boom);
  });
});

describe('createClientMsgId', () => {
  afterEach(() => vi.unstubAllGlobals());
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('uses crypto.randomUUID when there is one', () => {
    vi.stubGlobal('crypto', { randomUUID: () => 'from-random-uuid' });
    expect(createClientMsgId()).toBe('from-random-uuid');
  });

  it('falls back to getRandomValues, then to Math.random, with a v4 UUID shape', () => {
    const getRandomValues = vi.fn(<T extends ArrayBufferView>(array: T) => {
      new Uint8Array(array.buffer).fill(0xff);
      return array;
    });
    vi.stubGlobal('crypto', { getRandomValues });
    expect(createClientMsgId()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(getRandomValues).toHaveBeenCalledOnce();

    vi.stubGlobal('crypto', undefined);
    const ids = new Set(Array.from({ length: 1000 }, () => createClientMsgId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('fits the server limit of 64 characters', () => {
    expect(createClientMsgId().length).toBeLessThanOrEqual(64);
  });
});

describe('TypingThrottle', () => {
  it('lets one event per conversation through per interval', () => {
    let now = 1_000;
    const throttle = new TypingThrottle(3_000, () => now);
    expect(throttle.take('1:bob')).toBe(true);
    expect(throttle.take('1:bob')).toBe(false);
    expect(throttle.take('2:team')).toBe(true);
    now += 2_999;
    expect(throttle.take('1:bob')).toBe(false);
    now += 1;
    expect(throttle.take('1:bob')).toBe(true);
  });
});
