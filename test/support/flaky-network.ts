import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between clients and a server that a test can break like a real network: cut every
 * live connection, and refuse new ones for a while. Nothing in the client or server knows it is
 * there.
 */
export class FlakyNetwork {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #down = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts relaying 127.0.0.1:<free port> to `target` (`http://127.0.0.1:1234`). */
  static async start(target: string): Promise<FlakyNetwork> {
    const { hostname, port } = new URL(target);
    let network!: FlakyNetwork;
    const server = createServer((client) => network.#accept(client, hostname, Number(port)));
    network = new FlakyNetwork(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return network;
  }

  /** The URL clients should use instead of the server's. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Drops every live connection at once, as a lost Wi-Fi would, and keeps refusing new ones until `restore()`. */
  cut(): void {
    this.#down = true;
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Lets connections through again. */
  restore(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, host: string, port: number): void {
    if (this.#down) {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
