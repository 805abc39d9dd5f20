import { Platform } from '@parley/sdk/protocol';
import { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { LiveDevices } from '../src/realtime/live-devices.js';
import type { ConnectionData, GatewayServer } from '../src/realtime/types.js';

// Not attached to an HTTP server: the rooms are all these tests read.
const io: GatewayServer = new Server();
/** A clock that moves only when told. */
const stoppedClock = (start: number) => ({ time: start, now() { return this.time; } });

const connection = (userId: string, connectedAt: number, appId = 'app1'): ConnectionData => ({
  appId,
  userId,
  platform: Platform.WEB,
  tokenExpiresAt: Number.MAX_SAFE_INTEGER,
  tokenHash: 'hash',
  connectedAt,
});

describe('the ended connections a process remembers for the console', () => {
  it('answers the spans of the users asked about in their app, and is complete since the process started', () => {
    const clock = stoppedClock(5000);
    const devices = new LiveDevices(io, clock, false, 3);
    const startedAt = 5000;
    clock.time += 10;
    devices.ended(connection('ann', startedAt));
    devices.ended(connection('ann', startedAt, 'app2'));
    devices.ended(connection('ben', startedAt));
    return expect(devices.deviceSpans('app1', ['ann'])).resolves.toEqual({
      spans: [{ appId: 'app1', userId: 'ann', platform: Platform.WEB, connectedAt: startedAt, disconnectedAt: 5010 }],
      knownSince: startedAt,
    });
  });

  it('keeps the most recent ones within its bound, and then says since when it is complete', async () => {
    const clock = stoppedClock(0);
    const devices = new LiveDevices(io, clock, false, 2);
    for (const connectedAt of [1, 2, 3, 4]) {
      clock.time += 1000;
      devices.ended(connection('ann', connectedAt));
    }
    const { spans, knownSince } = await devices.deviceSpans('app1', ['ann']);
    expect(spans.map((span) => span.connectedAt)).toEqual([3, 4]);
    // The third ended connection is the oldest one kept; the first two are forgotten.
    expect(knownSince).toBe(3000);
  });
});
