import { afterEach, expect, it } from 'vitest';
import { eventually, startChatWorld, type ChatWorld } from '../support/parley.js';

// A server that shuts down (a deploy, a scale-in behind a load balancer) is not a kick: the
// device must keep trying, so that it lands on another process (or the restarted one).

let world: ChatWorld | undefined;
afterEach(async () => {
  world?.closeClients();
  world = undefined;
});

it('a client of a server that shuts down goes on reconnecting instead of stopping', async () => {
  world = await startChatWorld(['alice']);
  const alice = await world.connected('alice', { socketOptions: { reconnectionDelayMax: 200 } });
  const states: string[] = [];
  alice.on('state', ({ state }) => states.push(state));
  await world.t.close();
  await eventually(() => states.includes('reconnecting'));
  expect(alice.state).toBe('reconnecting');
  expect(states).not.toContain('disconnected');
});
