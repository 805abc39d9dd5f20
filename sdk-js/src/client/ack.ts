import type { Socket } from 'socket.io-client';
import { ClientErrorCode, ParleyError } from '../errors.js';
import type { ErrorCode } from '../protocol/errors.js';

/**
 * Emits one request and settles with the `data` of its ack (`{status: 1, data}`), or rejects with a
 * {@link ParleyError}: the server's code for `{status: 0, code, message}`, `BAD_RESPONSE` for
 * anything else, and `TIMEOUT` when socket.io gives up waiting — after `timeoutMs`, or at once when
 * the connection drops (the caller tells the two apart by whether it is still connected).
 *
 * `payload` undefined emits the event with the ack callback alone.
 */
export function emitWithAck<T>(socket: Socket, event: string, payload: unknown, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAck = (error: Error | null, ack: unknown): void => {
      if (error) {
        reject(new ParleyError(ClientErrorCode.TIMEOUT, `${event}: no answer (${error.message})`, { cause: error }));
        return;
      }
      const reply = (typeof ack === 'object' && ack !== null ? ack : {}) as { status?: unknown; data?: unknown; code?: unknown; message?: unknown };
      if (reply.status === 1) resolve(reply.data as T);
      else if (reply.status === 0 && typeof reply.code === 'string') reject(new ParleyError(reply.code as ErrorCode, String(reply.message ?? reply.code)));
      else reject(new ParleyError(ClientErrorCode.BAD_RESPONSE, `${event}: the ack is not a Parley envelope`));
    };
    const emitter = socket.timeout(timeoutMs);
    if (payload === undefined) emitter.emit(event, onAck);
    else emitter.emit(event, payload, onAck);
  });
}
