import { connect, createServer, type Server, type Socket } from 'node:net';

/** Ports of URLs that leave theirs out. */
const DEFAULT_PORTS: Record<string, number> = { 'redis:': 6379, 'mongodb:': 27017 };

/**
 * A TCP relay to a server (Redis, MongoDB) that a test can cut and restore, as a network failure
 * or a server restart would. Restored on the same port, so clients reconnect to the same URL.
 */
export class CuttableLink {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    const relayed = new URL(this.target);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString();
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || DEFAULT_PORTS[this.target.protocol] || 0), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
