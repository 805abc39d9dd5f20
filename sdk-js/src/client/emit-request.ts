import type { Socket } from 'socket.io-client';
import { ClientErrorCode, ParleyError } from '../errors.js';
import type { Ack, ClientRequestName, ServerToClientEvents } from '../protocol/realtime.js';
import type { ParleySocket, RequestArgs, RequestResult } from './socket.js';

/** The socket after `timeout(ms)`: its acks take a timeout error first. */
type TimedSocket = ReturnType<ParleySocket['timeout']>;
/** socket.io's `DecorateAcknowledgements<ClientToServerEvents>`, which socket.io-client does not export. */
type TimedEvents = TimedSocket extends Socket<ServerToClientEvents, infer Events> ? Events : never;

type OnAck<K extends ClientRequestName> = (error: Error | null, reply: Ack<RequestResult<K>>) => void;
type Emit<K extends ClientRequestName> = (socket: TimedSocket, name: K, ...args: [...RequestArgs<K>, OnAck<K>]) => void;

const emit = <E extends ClientRequestName, A extends Parameters<TimedEvents[E]>>(socket: TimedSocket, name: E, ...args: A): void => {
  socket.emit(name, ...args);
};

/**
 * One `emit` per request. TypeScript checks socket.io's typed `emit` for a literal event name only,
 * not for a type parameter; assigning `emit` to each entry is where the compiler proves, request by
 * request, that the payload and the ack below match `ClientToServerEvents`. A request added to the
 * protocol does not compile until it is listed here.
 */
const EMIT: { readonly [K in ClientRequestName]: Emit<K> } = {
  'session-list': emit,
  'session-message-list': emit,
  'send-private-message': emit,
  'send-group-message': emit,
  'set-session-read': emit,
  'sync-messages': emit,
  'set-do-not-disturb': emit,
  'recall-message': emit,
  typing: emit,
  'presence-query': emit,
  'presence-subscribe': emit,
  'presence-unsubscribe': emit,
  'block-users': emit,
  'unblock-users': emit,
  'block-list': emit,
  'send-friend-request': emit,
  'accept-friend-request': emit,
  'reject-friend-request': emit,
  'friend-requests': emit,
  'remove-friends': emit,
  'contact-list': emit,
  'update-friend': emit,
  'create-friend-group': emit,
  'rename-friend-group': emit,
  'sort-friend-groups': emit,
  'delete-friend-group': emit,
  'group-info': emit,
  'group-members': emit,
  'update-group': emit,
  'add-group-admins': emit,
  'remove-group-admins': emit,
  'transfer-group': emit,
  'remove-group-members': emit,
  'leave-group': emit,
  'dismiss-group': emit,
  'join-group': emit,
  'invite-to-group': emit,
  'group-join-requests': emit,
  'my-join-requests': emit,
  'answer-join-request': emit,
  'set-group-nickname': emit,
  'mute-group-members': emit,
};

/**
 * Emits request `name` once and settles with the `data` of its ack (`{status: 1, data}`), or
 * rejects with a {@link ParleyError}: the server's code (and `retryAfterMs`, when the ack has one)
 * for `{status: 0, code, message}`,
 * `BAD_RESPONSE` for anything else, and `TIMEOUT` when socket.io gives up waiting — after
 * `timeoutMs`, or at once when the connection drops (the caller tells the two apart by whether it is
 * still connected).
 */
export function emitRequest<K extends ClientRequestName, A extends RequestArgs<K>>(
  socket: ParleySocket,
  timeoutMs: number,
  name: K,
  ...args: A
): Promise<RequestResult<K>> {
  return new Promise((resolve, reject) => {
    const onAck: OnAck<K> = (error, reply) => {
      if (error) {
        reject(new ParleyError(ClientErrorCode.TIMEOUT, `${name}: no answer (${error.message})`, { cause: error }));
        return;
      }
      // The type is what the server promises, not what it sent: check the envelope before trusting it.
      if (typeof reply === 'object' && reply !== null) {
        if (reply.status === 1) return resolve(reply.data);
        if (reply.status === 0 && typeof reply.code === 'string') {
          const { retryAfterMs, mutedUntil } = reply;
          const wait = typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? { retryAfterMs } : {};
          const muted = typeof mutedUntil === 'number' && Number.isFinite(mutedUntil) ? { mutedUntil } : {};
          return reject(new ParleyError(reply.code, String(reply.message ?? reply.code), { ...wait, ...muted }));
        }
      }
      reject(new ParleyError(ClientErrorCode.BAD_RESPONSE, `${name}: the ack is not a Parley envelope`));
    };
    EMIT[name](socket.timeout(timeoutMs), name, ...args, onAck);
  });
}
