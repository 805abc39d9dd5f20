import { Agent, type ClientRequestArgs } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An `http.Agent` for socket.io-client (its `agent` option, passed on to the websocket and to
 * every long-polling request) that can make the client stop reading its TCP connections, as a
 * frozen tab or a phone asleep with its socket open does: the server keeps writing, the kernel
 * buffers fill, and what the server sends next waits in its memory. Nothing in the client or the
 * server knows: the connection is only paused with `net.Socket#pause()`.
 */
export class StallingAgent extends Agent {
  readonly #sockets = new Set<Socket>();
  #stalled = false;

  /** Stops reading every connection the agent opened, and every one it opens from now on. */
  stall(): void {
    this.#stalled = true;
    for (const socket of this.#sockets) socket.pause();
  }

  /** Reads again: what the server managed to send arrives, then whatever the server did (a close). */
  resume(): void {
    this.#stalled = false;
    for (const socket of this.#sockets) socket.resume();
  }

  /**
   * The option value for socket.io-client. Its typings say `string | boolean` (a browser-era
   * leftover); in Node engine.io-client hands it to `ws` and to `http.request` as an `http.Agent`.
   */
  get option(): string {
    return this as unknown as string;
  }

  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as Socket;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    // A stalled connection stays stalled even if the client library resumes it (ws does after backpressure).
    socket.on('resume', () => {
      if (this.#stalled) socket.pause();
    });
    if (this.#stalled) socket.pause();
    return socket;
  }
}
