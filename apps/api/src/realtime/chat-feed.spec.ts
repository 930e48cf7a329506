import type { EventEnvelope } from '@conclave/realtime';
import { ChatFeed } from './chat-feed';

const ev = (seq: number | null, type = 'message.created'): EventEnvelope => ({
  chat_id: 'c',
  seq,
  type,
  data: {},
  created_at: '2026-01-01T00:00:00.000Z',
});

/** An in-memory event log whose reads can be held open, to interleave live events with a replay. */
function harness(initial: number, afterSeq = 0) {
  const log = Array.from({ length: initial }, (_, i) => ev(i + 1));
  const sent: EventEnvelope[] = [];
  const reads: number[] = [];
  let hold: Promise<void> | null = null;
  let flushed = 0;
  const errors: unknown[] = [];
  const feed = new ChatFeed({
    chatId: 'c',
    afterSeq,
    async readLog(_chatId, after, limit) {
      reads.push(after);
      const rows = log.filter((e) => (e.seq as number) > after).slice(0, limit);
      if (hold) await hold;
      return rows;
    },
    send: (e) => sent.push(e),
    onFlushed: () => flushed++,
    onError: (err) => errors.push(err),
  });
  /** Commits an event to the log (as the runtime would), returning it for `deliver`. */
  const commit = (type = 'message.created') => {
    const e = ev(log.length + 1, type);
    log.push(e);
    return e;
  };
  return {
    feed,
    log,
    sent,
    reads,
    errors,
    commit,
    flushed: () => flushed,
    holdReads() {
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

const seqs = (events: EventEnvelope[]) => events.map((e) => e.seq);

describe('ChatFeed (replay then live over a log)', () => {
  it('replays, then delivers live events; events committed during the replay are neither lost nor doubled', async () => {
    const h = harness(3, 1);
    const release = h.holdReads();
    const started = h.feed.start();
    // Committed and published while the replay read is in flight (its snapshot has only 1..3).
    const e4 = h.commit();
    h.feed.deliver([e4]);
    h.feed.deliver([ev(3)]); // a late duplicate
    expect(h.sent).toEqual([]);
    release();
    await started;
    expect(seqs(h.sent)).toEqual([2, 3, 4]);
    h.feed.deliver([h.commit()]);
    expect(seqs(h.sent)).toEqual([2, 3, 4, 5]);
    expect(h.feed.lastSeq).toBe(5);
  });

  it('re-reads the log when a live event skips a seq (a lost bus message)', async () => {
    const h = harness(2);
    await h.feed.start();
    h.commit(); // seq 3: its bus message is lost
    const e4 = h.commit();
    h.feed.deliver([e4]);
    await new Promise((r) => setImmediate(r));
    expect(seqs(h.sent)).toEqual([1, 2, 3, 4]);
    expect(h.reads).toEqual([0, 2]);
  });

  it('pages through a long log', async () => {
    const h = harness(1234);
    await h.feed.start();
    expect(h.sent).toHaveLength(1234);
    expect(h.reads).toEqual([0, 500, 1000]);
    expect(h.flushed()).toBe(1);
  });

  it('passes message.delta on only when live, and nothing after close', async () => {
    const h = harness(1);
    const release = h.holdReads();
    const started = h.feed.start();
    h.feed.deliverDelta(ev(null, 'message.delta'));
    release();
    await started;
    h.feed.deliverDelta(ev(null, 'message.delta'));
    expect(h.sent.map((e) => e.type)).toEqual(['message.created', 'message.delta']);
    h.feed.close();
    h.feed.deliver([h.commit()]);
    h.feed.deliverDelta(ev(null, 'message.delta'));
    expect(h.sent).toHaveLength(2);
  });

  it('gives up with onError when the log never has the announced events (e.g. chat deleted)', async () => {
    const h = harness(1);
    await h.feed.start();
    h.feed.deliver([ev(5)]);
    await new Promise((r) => setTimeout(r, 10));
    expect(h.errors).toHaveLength(1);
    expect(h.feed.isClosed).toBe(true);
  });
});
