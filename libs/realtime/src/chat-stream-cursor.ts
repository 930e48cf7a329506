import type { EventEnvelope } from './envelope';

/** What to send now, and whether the log must be re-read because live events skipped a seq. */
export interface CursorOffer {
  send: EventEnvelope[];
  gap: boolean;
}

/**
 * One subscriber's position in a chat's event log: the replay-then-live rule (README: real-time),
 * without I/O. Live events that arrive while the log is being read are buffered; after the read
 * they are sent if they continue the sequence; anything at or below the last sent seq is dropped
 * (no duplicate) and a jump past `lastSeq + 1` asks for another read of the log (no gap).
 *
 * Protocol for the owner: `beginReplay()` → read the log after `lastSeq` (in pages) →
 * `replayed(rows)` per page → `endReplay()`; repeat the cycle while it reports `gap`. Feed live
 * events to `offer()` at any time.
 */
export class ChatStreamCursor {
  private last: number;
  private reading = false;
  private buffer: EventEnvelope[] = [];

  constructor(afterSeq = 0) {
    this.last = Math.max(0, Math.trunc(afterSeq));
  }

  /** Seq of the last event handed out (the `after_seq` to resume from). */
  get lastSeq(): number {
    return this.last;
  }

  /** True while the log is being read: live persisted events are held back. */
  get isReplaying(): boolean {
    return this.reading;
  }

  /** Starts a log read; returns the seq to read after. */
  beginReplay(): number {
    this.reading = true;
    return this.last;
  }

  /** Rows read from the log (ordered by seq): the ones that continue the sequence. */
  replayed(rows: EventEnvelope[]): EventEnvelope[] {
    const send: EventEnvelope[] = [];
    for (const row of sortBySeq(rows)) {
      const seq = row.seq as number;
      if (seq <= this.last) continue;
      if (seq !== this.last + 1) break; // the log is dense: a hole means a concurrent write, read again
      send.push(row);
      this.last = seq;
    }
    return send;
  }

  /** Ends a log read: the buffered live events that follow on, and whether another read is needed. */
  endReplay(): CursorOffer {
    this.reading = false;
    const buffered = this.buffer;
    this.buffer = [];
    return this.offer(buffered);
  }

  /** Live persisted events (ephemeral ones, seq null, are ignored here). */
  offer(events: EventEnvelope[]): CursorOffer {
    const persisted = events.filter((e) => typeof e.seq === 'number');
    if (this.reading) {
      this.buffer.push(...persisted);
      return { send: [], gap: false };
    }
    const send: EventEnvelope[] = [];
    const sorted = sortBySeq(persisted);
    for (let i = 0; i < sorted.length; i++) {
      const seq = sorted[i].seq as number;
      if (seq <= this.last) continue;
      if (seq === this.last + 1) {
        send.push(sorted[i]);
        this.last = seq;
        continue;
      }
      // Missed something (a bus message lost or reordered): hold the rest until the log is re-read.
      this.reading = true;
      this.buffer.push(...sorted.slice(i));
      return { send, gap: true };
    }
    return { send, gap: false };
  }
}

function sortBySeq(events: EventEnvelope[]): EventEnvelope[] {
  return [...events].sort((a, b) => (a.seq as number) - (b.seq as number));
}
