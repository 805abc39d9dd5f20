/**
 * Baseline of the realtime figures: the same socket.io server Parley uses, doing the least a
 * chat relay can do. A device joins a room named by `auth.user` and the rooms in `auth.rooms`;
 * `send {to, body}` is pushed to room `to` and acknowledged. No auth, validation or storage, so
 * this is the floor any socket.io-based service stands on.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

interface RelayAuth {
  user?: unknown;
  rooms?: unknown;
}

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  const auth = socket.handshake.auth as RelayAuth;
  void socket.join(String(auth.user ?? ''));
  if (Array.isArray(auth.rooms)) for (const room of auth.rooms) void socket.join(String(room));
  socket.emit('ready', {});
  socket.on('send', (payload: { to: string; body: unknown }, ack?: (reply: unknown) => void) => {
    socket.to(payload.to).emit('message', payload);
    ack?.({ status: 1 });
  });
});
http.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
