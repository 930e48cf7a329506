import Redis from 'ioredis';
import type { BusMessage, EventBus } from './event-bus';

/** Default pub/sub channel; `REDIS_PREFIX` namespaces it (`<prefix>:bus`). */
export const DEFAULT_BUS_CHANNEL = 'conclave:bus';

/** The bus channel of a deployment whose `REDIS_PREFIX` is `prefix`: every process of it must agree. */
export function busChannel(prefix: string): string {
  return `${prefix}:bus`;
}

/**
 * Queue mode: the bus crosses processes through Redis pub/sub, so an API instance hears what a
 * worker committed and a worker hears a cancel sent to any API instance. Local subscribers are
 * called once per message, whoever published it. Losing Redis loses only wake-ups: the event log
 * in Postgres stays complete and subscribers replay from their last seq.
 */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(message: BusMessage) => void>();
  private readonly ready: Promise<unknown>;
  /** Messages published in the current tick, sent as one PUBLISH (a syscall per turn is costly). */
  private pending: BusMessage[] = [];

  constructor(
    url: string,
    private readonly channel = DEFAULT_BUS_CHANNEL,
  ) {
    this.publisher = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, payload: string) => {
      let messages: BusMessage[];
      try {
        const parsed = JSON.parse(payload) as BusMessage | BusMessage[];
        messages = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return;
      }
      for (const message of messages) for (const listener of this.listeners) listener(message);
    });
    this.ready = this.subscriber.subscribe(this.channel);
  }

  /** Resolves once the subscription is active (messages published before are not seen). */
  async connect(): Promise<void> {
    await this.ready;
  }

  /** Batched per tick; order is kept (one connection, one FIFO of batches). */
  publish(message: BusMessage): void {
    this.pending.push(message);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    void this.publisher.publish(this.channel, JSON.stringify(batch)).catch(() => undefined);
  }

  subscribe(listener: (message: BusMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.flush();
    this.listeners.clear();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

/** The bus for this process: Redis when configured, otherwise in-process. */
export async function createEventBus(
  redisUrl: string | null,
  channel = DEFAULT_BUS_CHANNEL,
): Promise<EventBus> {
  if (!redisUrl) {
    const { InProcessEventBus } = await import('./event-bus');
    return new InProcessEventBus();
  }
  const bus = new RedisEventBus(redisUrl, channel);
  await bus.connect();
  return bus;
}
