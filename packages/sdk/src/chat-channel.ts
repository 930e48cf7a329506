import type { ChatEvent } from './events';
import { SeqCursor } from './seq-cursor';

/** One local reader of a chat on a shared connection. */
export interface ChannelReader {
  readonly cursor: SeqCursor;
  readonly deltas: boolean;
  onEvent(event: ChatEvent): void;
  onError(error: Error): void;
}

/**
 * The readers of one chat on one socket.io connection, and where the server's stream for it stands.
 * The server keeps one subscription per chat and connection, restarted by each `subscribe`; this
 * decides when to send one (a reader that needs older events than the stream has passed, a
 * reconnect) so that every reader gets each seq after its own position exactly once, in order.
 */
export class ChatChannel {
  private readonly members = new Set<ChannelReader>();
  /** The seq the server's stream has reached on this connection; null when it is not subscribed. */
  private position: number | null = null;
  /** Bumped by every subscribe sent: acks of older ones are stale. */
  private generation = 0;

  constructor(readonly chatId: string) {}

  get readers(): ReadonlySet<ChannelReader> {
    return this.members;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /**
   * Adds a reader. Returns the `after_seq` to subscribe with, or null when the stream already on
   * its way covers the reader (it has not passed the reader's position).
   */
  join(reader: ChannelReader): number | null {
    this.members.add(reader);
    if (this.position !== null && reader.cursor.lastSeq >= this.position) return null;
    return this.restartAt(this.lowestPosition());
  }

  /** Removes a reader; true when none is left (unsubscribe then). */
  leave(reader: ChannelReader): boolean {
    this.members.delete(reader);
    return this.members.size === 0;
  }

  /** The connection (re)opened: the server has no stream for us; resume from the reader furthest behind. */
  reconnected(): number | null {
    this.position = null;
    return this.members.size ? this.restartAt(this.lowestPosition()) : null;
  }

  /** The connection dropped: no stream until the next subscribe. */
  disconnected(): void {
    this.position = null;
  }

  /** The server said the stream died (a failed replay): subscribe again from the reader furthest behind. */
  streamFailed(): number | null {
    return this.reconnected();
  }

  /** The generation of the subscribe just sent (to match its ack). */
  get currentGeneration(): number {
    return this.generation;
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  /** Hands an event to each reader that has not seen it. */
  deliver(event: ChatEvent): void {
    if (event.seq !== null && this.position !== null) this.position = Math.max(this.position, event.seq);
    for (const reader of [...this.members]) {
      if (event.seq === null && !reader.deltas) continue;
      if (reader.cursor.accept(event)) reader.onEvent(event);
    }
  }

  /** The server refused the subscription: every reader ends with the error. */
  fail(error: Error): void {
    const readers = [...this.members];
    this.members.clear();
    this.position = null;
    for (const reader of readers) reader.onError(error);
  }

  private restartAt(afterSeq: number): number {
    this.position = afterSeq;
    this.generation++;
    return afterSeq;
  }

  private lowestPosition(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const reader of this.members) lowest = Math.min(lowest, reader.cursor.lastSeq);
    return lowest === Number.POSITIVE_INFINITY ? 0 : lowest;
  }
}
