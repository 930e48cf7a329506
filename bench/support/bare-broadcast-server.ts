/**
 * A bare socket.io server, the baseline of `bench:fan-out` (run as its own process, like the API):
 * every client joins one room; a `broadcast` from any client emits one `event` to the whole room,
 * stamped with the time it was sent. PORT from the environment, loopback only.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'] });
io.on('connection', (socket) => {
  void socket.join('room');
  socket.on('broadcast', (key: number, ack?: () => void) => {
    io.to('room').emit('event', { type: 'message.created', seq: key, sent_at: Date.now() });
    ack?.();
  });
});
httpServer.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`bare broadcast server listening on ${process.env.PORT}\n`);
});
