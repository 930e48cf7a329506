import type { Server, Socket } from 'socket.io';
import { planBroadcasts } from './broadcast-plan';

/**
 * The `event` packets the gateway sends, written once per tick: everything queued while a bus message
 * (or a replay page) is handed to the subscribers goes out in a microtask, so that
 * - an envelope that n caught-up subscribers get is encoded once (a socket.io broadcast to their ids,
 *   whose websocket frame is built once) instead of n times, and
 * - the k packets one socket gets in that tick leave in one TCP write instead of k: a write is a
 *   syscall, the dominant cost of a fan-out to 1,000 subscribers (BENCHMARKS.md, Fan-out).
 * Each socket still receives its packets in the order they were queued (see planBroadcasts).
 * Anything the gateway emits outside the outbox (an ack, an `error`) must `flush()` first.
 */
export class SocketOutbox<T> {
  private pending = new Map<Socket, T[]>();
  private scheduled = false;

  constructor(
    private readonly server: () => Server | undefined,
    private readonly event: string,
  ) {}

  /** Packets queued for this socket and not yet written. */
  queued(socket: Socket): number {
    return this.pending.get(socket)?.length ?? 0;
  }

  push(socket: Socket, item: T): void {
    const queue = this.pending.get(socket);
    if (queue) queue.push(item);
    else this.pending.set(socket, [item]);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const server = this.server();
    const released = [...pending.keys()].map(holdWrites);
    try {
      for (const { item, targets } of planBroadcasts(pending)) {
        if (targets.length === 1 || !server) for (const socket of targets) socket.emit(this.event, item);
        else
          server.local
            .to(targets.map((socket) => socket.id))
            .emit(this.event, item as Parameters<Socket['emit']>[1]);
      }
    } finally {
      for (const release of released) release();
    }
  }
}

/** The parts of engine.io's socket and websocket transport that holdWrites uses (not in their types). */
interface EngineSocket {
  readyState: string;
  transport: {
    name: string;
    writable: boolean;
    socket?: { _socket?: { cork(): void; uncork(): void } };
  };
  flush(): void;
}

/**
 * Makes the packets written to this socket from now until the returned function is called leave in
 * one TCP write. engine.io sends the first packet at once and queues the rest until that write's
 * callback, then writes each queued packet as its own websocket frame (a syscall each): holding the
 * transport as busy queues them all, and corking the TCP socket around the flush joins the frames.
 * Only for an open websocket transport that is idle; otherwise (long-polling, a write in flight,
 * closing) engine.io's own queueing is left as it is.
 */
function holdWrites(socket: Socket): () => void {
  const conn = socket.conn as unknown as EngineSocket;
  const transport = conn.transport;
  const tcp = transport.socket?._socket;
  if (conn.readyState !== 'open' || transport.name !== 'websocket' || !transport.writable || !tcp)
    return () => undefined;
  transport.writable = false;
  return () => {
    if (conn.transport !== transport || transport.writable) return;
    transport.writable = true;
    tcp.cork();
    try {
      conn.flush();
    } finally {
      tcp.uncork();
    }
  };
}
