/**
 * The machine's ceiling for `bench:peers` (run as its own process, like the API): a bare `node:http`
 * server answering the same two requests a one-turn run makes (`POST /chats`, then
 * `POST /chats/{id}/messages?wait=true`, and `POST /chats/{id}/input?wait=true` for a resume) with a
 * fixed body, doing no work at all. What it reaches with the same load generator on the same cores
 * bounds what any HTTP server could reach here. PORT from the environment, loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const settled = JSON.stringify({
  chat: { status: 'completed' },
  messages: [{ role: 'assistant', content: 'pong' }],
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const created = req.method === 'POST' && req.url === '/chats';
    const body = created ? JSON.stringify({ id: randomUUID(), status: 'idle' }) : settled;
    res.writeHead(created ? 201 : 202, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`bare http server listening on ${process.env.PORT}\n`);
});
