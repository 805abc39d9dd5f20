import { ErrorCode, ParleyError } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatWorld, text, type ChatWorld } from '../support/parley.js';

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld(['alice', 'spammer']);
});
afterEach(() => world.closeClients());
afterAll(() => world.close());

describe('ParleyClient block lists', () => {
  it('a user blocks a spammer: the spammer\'s send rejects with BLOCKED, not retried, and nothing arrives; unblocking lets it through', async () => {
    const alice = await world.connected('alice');
    const spammer = await world.connected('spammer');
    const arrived: string[] = [];
    alice.on('new-message', (message) => arrived.push(String(message.content['content'])));

    expect(await alice.blockUsers(['spammer'])).toEqual(['spammer']);
    expect((await alice.getBlockList()).map((user) => user.userId)).toEqual(['spammer']);
    const refusal = await spammer.sendPrivateMessage({ targetId: 'alice', ...text('buy now') }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ParleyError);
    expect(refusal).toMatchObject({ code: ErrorCode.BLOCKED, retryable: false });
    expect(await spammer.getSessions()).toEqual([]);

    expect(await alice.unblockUsers(['spammer'])).toEqual(['spammer']);
    const delivered = await spammer.sendPrivateMessage({ targetId: 'alice', ...text('sorry') });
    await expect.poll(() => arrived).toEqual(['sorry']);
    expect(delivered.seq).toBe(1);
  });
});
