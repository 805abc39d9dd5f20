import { describe, expectTypeOf, it } from 'vitest';
import type { RequestArgs, RequestResult } from '../src/client/socket.js';
import type { ParleyClientEvents, StateChange } from '../src/client/types.js';
import type { ParleyError, ParleyErrorOptions } from '../src/errors.js';
import type { ParleyServerApiOptions } from '../src/server/server-api.js';
import type { Message, Session } from '../src/protocol/models.js';
import type { ServerEventName, ServerEvents, SyncMessagesPayload } from '../src/protocol/realtime.js';

// Compile-time checks (tsc -p sdk-js): the client's types follow the protocol's event maps.

describe('ParleyClientEvents', () => {
  it('is every server push but `ready`, with the same payloads, plus `state` and `error`', () => {
    expectTypeOf<keyof ParleyClientEvents>().toEqualTypeOf<Exclude<ServerEventName, 'ready'> | 'state' | 'error'>();
    expectTypeOf<ParleyClientEvents['new-message']>().toEqualTypeOf<ServerEvents['new-message']>();
    expectTypeOf<ParleyClientEvents['kicked']>().toEqualTypeOf<ServerEvents['kicked']>();
    expectTypeOf<ParleyClientEvents['state']>().toEqualTypeOf<StateChange>();
    expectTypeOf<ParleyClientEvents['error']>().toEqualTypeOf<ParleyError>();
  });
});

describe('requests', () => {
  it('take the payload and give the ack data of ClientRequests', () => {
    expectTypeOf<RequestArgs<'session-list'>>().toEqualTypeOf<[]>();
    expectTypeOf<RequestArgs<'sync-messages'>>().toEqualTypeOf<[payload: SyncMessagesPayload]>();
    expectTypeOf<RequestResult<'session-list'>>().toEqualTypeOf<Session[]>();
    expectTypeOf<RequestResult<'send-private-message' | 'send-group-message'>>().toEqualTypeOf<Message>();
  });
});

describe('ParleyError', () => {
  it('carries a read-only retryAfterMs, which the constructor takes as an option', () => {
    expectTypeOf<ParleyError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ParleyErrorOptions['retryAfterMs']>().toEqualTypeOf<number | undefined>();
    const assign = (error: ParleyError) => {
      // @ts-expect-error retryAfterMs is read-only
      error.retryAfterMs = 1;
    };
    expectTypeOf(assign).toBeFunction();
    expectTypeOf<ParleyServerApiOptions['retryRateLimited']>().toEqualTypeOf<boolean | undefined>();
  });
});
