import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/** The DevTools WebSocket URL a process started with `--inspect=127.0.0.1:0` printed (the last one). */
export function inspectorUrl(output: string): string {
  const urls = [...output.matchAll(/ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+/g)];
  if (urls.length === 0) throw new Error('the process printed no inspector URL (start it with --inspect)');
  return urls[urls.length - 1][0];
}

/**
 * Calls one DevTools Protocol method on another Node process over its inspector WebSocket (loopback),
 * e.g. `HeapProfiler.collectGarbage`. A minimal client: Node 20 has no WebSocket without a flag and
 * the bench needs one request and one answer.
 */
export async function inspectorCall(url: string, method: string, params: object = {}): Promise<unknown> {
  const socket = await upgrade(new URL(url));
  try {
    socket.write(textFrame(JSON.stringify({ id: 1, method, params })));
    for await (const text of textMessages(socket)) {
      const message = JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== 1) continue;
      if (message.error) throw new Error(`${method}: ${message.error.message}`);
      return message.result;
    }
    throw new Error(`${method}: the inspector closed without answering`);
  } finally {
    socket.destroy();
  }
}

function upgrade(url: URL): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
      },
    });
    req.once('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.once('response', (res) => reject(new Error(`inspector refused the upgrade: ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
}

/** A client text frame: final, masked (RFC 6455 §5.2). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | 127]), bigEndian64(payload.length)]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** The server's text messages (unmasked frames, continuation frames joined). */
async function* textMessages(socket: Socket): AsyncGenerator<string> {
  let buffered = Buffer.alloc(0);
  let message: Buffer[] = [];
  for await (const chunk of socket) {
    buffered = Buffer.concat([buffered, chunk as Buffer]);
    for (;;) {
      if (buffered.length < 2) break;
      const fin = (buffered[0] & 0x80) !== 0;
      const opcode = buffered[0] & 0x0f;
      let length = buffered[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) break;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) break;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + length) break;
      const payload = buffered.subarray(offset, offset + length);
      buffered = buffered.subarray(offset + length);
      if (opcode === 0x8) return; // close
      if (opcode !== 0x1 && opcode !== 0x0) continue; // ping/pong/binary: not used by the inspector
      message.push(payload);
      if (fin) {
        yield Buffer.concat(message).toString('utf8');
        message = [];
      }
    }
  }
}
