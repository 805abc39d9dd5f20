import type { ConnectionState, ParleyClient } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlakyNetwork } from '../support/flaky-network.js';
import { collect, eventually, nextEvent, startChatWorld, text, type ChatWorld } from '../support/parley.js';

// How the client recovers by itself: a refused or expired token renewed with getToken, reconnects
// that connectTimeoutMs does not cut short, and presence subscriptions renewed after a reconnect.

let world: ChatWorld;
let network: FlakyNetwork | undefined;

beforeAll(async () => {
  // bob watches dave without a conversation between them: everyone may see everyone in this app.
  world = await startChatWorld(['alice', 'bob', 'dave'], { PRESENCE_SCOPE: 'app' });
});
afterEach(async () => {
  world.closeClients();
  await network?.close();
  network = undefined;
});
afterAll(() => world.close());

/** The next time `client` reaches `state`. */
function nextState(client: ParleyClient, state: ConnectionState): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = client.on('state', (change) => {
      if (change.state !== state) return;
      off();
      resolve();
    });
  });
}

describe('token renewal', () => {
  it('a refused token is replaced with getToken, once, and connect() resolves', async () => {
    let asked = 0;
    const alice = world.client('alice', {
      token: 'forged',
      getToken: async () => {
        asked += 1;
        return world.tokens['alice']!;
      },
    });
    await alice.connect();
    expect(alice.userId).toBe('alice');
    expect(asked).toBe(1);
  });

  it('a renewed token that is refused again ends with TOKEN_INVALID instead of asking forever', async () => {
    let asked = 0;
    const alice = world.client('alice', {
      token: 'forged',
      getToken: async () => {
        asked += 1;
        return 'forged again';
      },
    });
    await expect(alice.connect()).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(asked).toBe(1);
    expect(alice.state).toBe('disconnected');
  });

  it('a getToken that fails rejects connect() with TOKEN_INVALID and its cause', async () => {
    const failure = new Error('backend down');
    const alice = world.client('alice', { token: undefined, getToken: () => Promise.reject(failure) });
    await expect(alice.connect()).rejects.toMatchObject({ code: 'TOKEN_INVALID', message: 'getToken() failed: Error: backend down', cause: failure });
  });

  it('the TOKEN_EXPIRED kick: the client fetches a new token and reconnects, keeping pending sends', async () => {
    // A world of its own: its clock is moved to just before the token's expiry.
    const ttl = await startChatWorld(['erin', 'bob'], { TOKEN_TTL_SECONDS: '60' });
    try {
      let asked = 0;
      const erin = ttl.client('erin', {
        getToken: async () => {
          asked += 1;
          return (await ttl.app.api.getToken({ userId: 'erin', name: 'Erin' })).token;
        },
      });
      ttl.t.clock.advance(60_000 - 500);
      await erin.connect();
      const states = collect(erin, 'state');

      const kicked = await nextEvent(erin, 'kicked');
      expect(kicked.reason).toBe('TOKEN_EXPIRED');
      const sent = erin.sendPrivateMessage({ targetId: 'bob', ...text('sent across the renewal') });
      await nextState(erin, 'connected');
      expect((await sent).content).toEqual({ content: 'sent across the renewal' });
      expect(states.map((s) => s.state)).toEqual(['reconnecting', 'connected']);
      expect(asked).toBe(1);
    } finally {
      await ttl.close();
    }
  });
});

describe('reconnects', () => {
  it('are not bounded by connectTimeoutMs once a connection was ready', async () => {
    network = await FlakyNetwork.start(world.t.url);
    const alice = await world.connected('alice', { url: network.url, connectTimeoutMs: 200 });
    const states = collect(alice, 'state');
    network.cut();
    await eventually(() => alice.state === 'reconnecting');
    // Longer than connectTimeoutMs, with socket.io retrying against a refusing network.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(alice.state).toBe('reconnecting');
    network.restore();
    await nextState(alice, 'connected');
    expect(states.map((s) => s.state)).not.toContain('disconnected');
    expect(await alice.getSessions()).toEqual(expect.any(Array));
  });

  it('renew presence subscriptions and report each watched user as they are now', async () => {
    network = await FlakyNetwork.start(world.t.url);
    const bob = await world.connected('bob', { url: network.url });
    await bob.subscribePresence(['dave']);
    network.cut();
    await eventually(() => bob.state === 'reconnecting');
    const dave = await world.connected('dave');
    const renewed = nextEvent(bob, 'presence');
    network.restore();
    expect(await renewed).toMatchObject({ userId: 'dave', online: true });

    // The subscription is live again on the new connection.
    const offline = nextEvent(bob, 'presence');
    dave.disconnect();
    expect(await offline).toMatchObject({ userId: 'dave', online: false });
  });
});
