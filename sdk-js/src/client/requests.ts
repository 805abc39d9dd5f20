import { ClientErrorCode, ParleyError } from '../errors.js';
import type { ClientRequestName } from '../protocol/realtime.js';
import { emitRequest } from './emit-request.js';
import type { ParleySocket, RequestArgs, RequestResult } from './socket.js';

/** What requests need from the connection. */
export interface RequestLink {
  /** True once the client stopped for good: a request then fails at once with `DISCONNECTED`. */
  readonly stopped: boolean;
  /** Counts ready connections: a request whose connection changed before its ack was lost with it. */
  readonly connectionId: number;
  /** The socket while a connection is ready; undefined otherwise. */
  readonly readySocket: ParleySocket | undefined;
  /** Resolves when a connection is ready; rejects with `timeoutError()` after `timeoutMs`, or when the client stops. */
  whenReady(timeoutMs: number, timeoutError: () => ParleyError): Promise<void>;
}

/**
 * The client's requests and their acks, each within `timeoutMs` in all.
 *
 * A request waits for the connection when it is down, and is asked again on the next connection
 * when its connection drops before the ack: every Parley request is safe to repeat. Requests still
 * waiting for an ack when the client stops reject with its `DISCONNECTED` error.
 */
export class Requests {
  readonly #link: RequestLink;
  readonly #timeoutMs: number;
  /** Rejecters of requests awaiting their ack, to fail them when the client stops. */
  readonly #inflight = new Set<(error: ParleyError) => void>();

  constructor(link: RequestLink, timeoutMs: number) {
    this.#link = link;
    this.#timeoutMs = timeoutMs;
  }

  /** Request `name` with its ack: waits for the connection, repeats after a drop, rejects with a {@link ParleyError}. */
  async request<K extends ClientRequestName, A extends RequestArgs<K>>(name: K, ...args: A): Promise<RequestResult<K>> {
    const link = this.#link;
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      if (link.stopped) throw new ParleyError(ClientErrorCode.DISCONNECTED, `${name}: the client is disconnected`);
      const socket = link.readySocket;
      if (!socket) {
        await link.whenReady(deadline - Date.now(), () => new ParleyError(ClientErrorCode.TIMEOUT, `${name}: not connected within ${this.#timeoutMs} ms`));
        continue;
      }
      const connection = link.connectionId;
      try {
        return await this.#tracked(emitRequest(socket, Math.max(1, deadline - Date.now()), name, ...args));
      } catch (error) {
        const lost = !link.readySocket || connection !== link.connectionId;
        const again = error instanceof ParleyError && error.code === ClientErrorCode.TIMEOUT && lost && Date.now() < deadline;
        if (!again) throw error;
      }
    }
  }

  /**
   * Emits request `name` once on the ready connection, with the full `timeoutMs` for its ack and no
   * repeat: for the outbox, which decides itself when to send again. `TIMEOUT` at once when no
   * connection is ready.
   */
  emitNow<K extends ClientRequestName, A extends RequestArgs<K>>(name: K, ...args: A): Promise<RequestResult<K>> {
    const socket = this.#link.readySocket;
    if (!socket) return Promise.reject(new ParleyError(ClientErrorCode.TIMEOUT, `${name}: not connected`));
    return emitRequest(socket, this.#timeoutMs, name, ...args);
  }

  /** Rejects every request awaiting its ack with `error` (the client stopped). */
  failAll(error: ParleyError): void {
    for (const reject of [...this.#inflight]) reject(error);
    this.#inflight.clear();
  }

  /** `work`, unless {@link failAll} comes first. */
  #tracked<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#inflight.add(reject);
      work.then(resolve, reject).finally(() => this.#inflight.delete(reject));
    });
  }
}
