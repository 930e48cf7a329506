import { IoAdapter } from '@nestjs/platform-socket.io';

type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

export interface RealtimeIoOptions {
  /** Largest incoming socket.io message, in bytes. */
  maxPayloadBytes: number;
}

/**
 * The socket.io server of the API, with socket.io's in-memory adapter in every mode. Across API
 * instances, events reach subscribers through the EventBus (Redis pub/sub in queue mode) and each
 * instance's EventRouter, never through socket.io rooms: replay-then-live needs a cursor per
 * subscriber, and key revocation is a bus message too. So no instance needs another's sockets.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: ConstructorParameters<typeof IoAdapter>[0],
    private readonly options: RealtimeIoOptions,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    return super.createIOServer(port, {
      ...options,
      cors: { origin: true, credentials: true },
      maxHttpBufferSize: this.options.maxPayloadBytes,
    } as IoServerOptions);
  }
}
