import type { ChatEvent } from './events';

/**
 * One reader's position in a chat's event log. The server sends every event after the seq we
 * subscribe with; after a reconnect (or when several readers share a subscription) the replay
 * overlaps what this reader already has, so anything at or below its last seq is dropped.
 */
export class SeqCursor {
  constructor(private last = 0) {}

  get lastSeq(): number {
    return this.last;
  }

  /** True when `event` is new to this reader (ephemeral deltas, without seq, always are). */
  accept(event: Pick<ChatEvent, 'seq'>): boolean {
    if (event.seq === null) return true;
    if (event.seq <= this.last) return false;
    this.last = event.seq;
    return true;
  }
}
