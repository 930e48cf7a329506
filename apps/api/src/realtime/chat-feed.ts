import { ChatStreamCursor, type EventEnvelope } from '@conclave/realtime';

/** Rows per log read while replaying. */
const PAGE_SIZE = 500;
/** Log reads in a row that may fail to fill a gap before the feed gives up (e.g. the chat was deleted). */
const MAX_FRUITLESS_READS = 3;

export interface ChatFeedOptions {
  chatId: string;
  afterSeq: number;
  /** Persisted events with seq > afterSeq, in order, at most `limit`. */
  readLog(chatId: string, afterSeq: number, limit: number): Promise<EventEnvelope[]>;
  /** Delivers one envelope; must not block (socket.io and HTTP responses buffer per client). */
  send(envelope: EventEnvelope): void;
  /** Called after a replay and after each live batch that sent something. */
  onFlushed?(): void;
  /** The log could not be read: the feed is dead, the subscriber should resume later from `lastSeq`. */
  onError(err: unknown): void;
}

/**
 * One subscriber's stream of one chat (a socket.io subscription or an SSE response): replays the
 * log after `afterSeq`, then passes on live events from the bus, with the no-gap/no-duplicate rule
 * of {@link ChatStreamCursor}. Register it with the router *before* `start()` so nothing committed
 * during the replay is missed; `start()` switches the cursor to buffering before its first await.
 */
export class ChatFeed {
  readonly chatId: string;
  private readonly cursor: ChatStreamCursor;
  private pumping = false;
  private closed = false;

  constructor(private readonly options: ChatFeedOptions) {
    this.chatId = options.chatId;
    this.cursor = new ChatStreamCursor(options.afterSeq);
  }

  get lastSeq(): number {
    return this.cursor.lastSeq;
  }

  /** Replays the log; resolves once the subscriber is caught up (live from here on). */
  start(): Promise<void> {
    return this.pump();
  }

  /** Live persisted events of this chat, as published on the bus. */
  deliver(events: EventEnvelope[]): void {
    if (this.closed) return;
    const { send, gap } = this.cursor.offer(events);
    this.emit(send);
    if (gap) void this.pump();
    else if (send.length > 0) this.options.onFlushed?.();
  }

  /** Ephemeral `message.delta`: only to a caught-up subscriber, never replayed. */
  deliverDelta(envelope: EventEnvelope): void {
    if (this.closed || this.pumping || this.cursor.isReplaying) return;
    this.options.send(envelope);
  }

  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Reads the log until the buffered live events follow on. Only one pump runs at a time; the
   * cursor is live again only between pumps (everything after the last await is synchronous).
   */
  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    let fruitless = 0;
    try {
      for (;;) {
        const before = this.cursor.beginReplay();
        let after = before;
        for (;;) {
          const rows = await this.options.readLog(this.chatId, after, PAGE_SIZE);
          if (this.closed) return;
          this.emit(this.cursor.replayed(rows));
          if (rows.length < PAGE_SIZE || this.cursor.lastSeq === after) break;
          after = this.cursor.lastSeq;
        }
        const { send, gap } = this.cursor.endReplay();
        this.emit(send);
        if (!gap) break;
        fruitless = this.cursor.lastSeq === before ? fruitless + 1 : 0;
        if (fruitless >= MAX_FRUITLESS_READS) throw new Error('event log does not have the announced events');
      }
    } catch (err) {
      if (!this.closed) {
        this.closed = true;
        this.options.onError(err);
      }
      return;
    } finally {
      this.pumping = false;
    }
    this.options.onFlushed?.();
  }

  private emit(events: EventEnvelope[]): void {
    for (const event of events) {
      if (this.closed) return;
      this.options.send(event);
    }
  }
}
