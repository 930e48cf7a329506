import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';

type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

export interface RealtimeIoOptions {
  /** Queue mode: rooms and server-side broadcasts span every API instance through Redis. */
  redisUrl: string | null;
  /** Redis key/channel prefix of the adapter (`<prefix>:socket.io`). */
  redisPrefix: string;
  /** Largest incoming socket.io message, in bytes. */
  maxPayloadBytes: number;
}

/**
 * The socket.io server of the API. In queue mode it uses `@socket.io/redis-adapter`, so room
 * operations are cluster-wide: `server.to('chat:<id>').emit(...)`, `in('account:<id>').fetchSockets()`
 * or `disconnectSockets()` from any instance reach sockets held by any instance (the gateway joins
 * each socket to `chat:<id>` / `account:<id>` rooms for that). Event delivery itself goes through the
 * EventBus and a per-socket cursor (replay then live needs per-subscriber state), not room broadcasts.
 * Embedded mode keeps socket.io's in-memory adapter.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private redisAdapter: ReturnType<typeof createAdapter> | null = null;
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly options: RealtimeIoOptions,
  ) {
    super(app);
  }

  async connect(): Promise<void> {
    if (!this.options.redisUrl) return;
    const pub = new Redis(this.options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', () => undefined); // reconnects on its own
    this.clients.push(pub, sub);
    await Promise.all([pub.connect(), sub.connect()]);
    this.redisAdapter = createAdapter(pub, sub, { key: `${this.options.redisPrefix}:socket.io` });
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: true, credentials: true },
      maxHttpBufferSize: this.options.maxPayloadBytes,
    } as IoServerOptions);
    if (this.redisAdapter) server.adapter(this.redisAdapter as Parameters<IoServer['adapter']>[0]);
    return server;
  }

  /** Nest calls it when the app closes, after the socket.io server. */
  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.allSettled(this.clients.map((client) => client.quit()));
  }
}
