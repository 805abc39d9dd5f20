/**
 * The baseline for `npm run bench`: a plain socket.io relay with no auth, storage or validation.
 * Devices join a room named by `auth.user`; `send {to, body}` is pushed to room `to` and acked.
 * Prints `listening on <url>` like the Parley server, so the benchmark starts both the same way.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  const user = String((socket.handshake.auth as { user?: unknown }).user ?? '');
  void socket.join(user);
  socket.on('send', (payload: { to: string; body: unknown }, ack?: (reply: unknown) => void) => {
    socket.to(payload.to).emit('message', payload);
    ack?.({ status: 1 });
  });
});
http.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
