import { ChatStreamCursor } from './chat-stream-cursor';
import type { EventEnvelope } from './envelope';

const ev = (seq: number | null, type = 'message.created'): EventEnvelope => ({
  chat_id: 'c',
  seq,
  type,
  data: {},
  created_at: '2026-01-01T00:00:00.000Z',
});
const seqs = (events: EventEnvelope[]) => events.map((e) => e.seq);

describe('ChatStreamCursor (replay then live, no gap, no duplicate)', () => {
  it('replays after the given seq, then passes live events through', () => {
    const cursor = new ChatStreamCursor(2);
    expect(cursor.beginReplay()).toBe(2);
    expect(seqs(cursor.replayed([ev(3), ev(4)]))).toEqual([3, 4]);
    expect(cursor.endReplay()).toEqual({ send: [], gap: false });
    expect(seqs(cursor.offer([ev(5), ev(6)]).send)).toEqual([5, 6]);
    expect(cursor.lastSeq).toBe(6);
  });

  it('buffers live events during the replay and drops those the replay already sent', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    expect(cursor.offer([ev(2), ev(3)])).toEqual({ send: [], gap: false });
    expect(seqs(cursor.replayed([ev(1), ev(2)]))).toEqual([1, 2]);
    const flushed = cursor.endReplay();
    expect(seqs(flushed.send)).toEqual([3]);
    expect(flushed.gap).toBe(false);
    expect(cursor.lastSeq).toBe(3);
  });

  it('drops duplicates and out-of-date live events', () => {
    const cursor = new ChatStreamCursor(5);
    cursor.beginReplay();
    cursor.endReplay();
    expect(seqs(cursor.offer([ev(4), ev(5), ev(6), ev(6)]).send)).toEqual([6]);
    expect(seqs(cursor.offer([ev(6)]).send)).toEqual([]);
  });

  it('sorts a live batch that arrives out of order', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    cursor.endReplay();
    expect(seqs(cursor.offer([ev(2), ev(1), ev(3)]).send)).toEqual([1, 2, 3]);
  });

  it('reports a gap in live events, holds what follows it, and fills it from the next read', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    cursor.endReplay();
    expect(seqs(cursor.offer([ev(1)]).send)).toEqual([1]);
    const offered = cursor.offer([ev(3), ev(4)]);
    expect(offered).toEqual({ send: [], gap: true });
    expect(cursor.isReplaying).toBe(true);
    // Live events keep coming while the log is re-read: buffered.
    expect(cursor.offer([ev(5)]).send).toEqual([]);
    expect(cursor.beginReplay()).toBe(1);
    expect(seqs(cursor.replayed([ev(2), ev(3)]))).toEqual([2, 3]);
    const flushed = cursor.endReplay();
    expect(seqs(flushed.send)).toEqual([4, 5]);
    expect(flushed.gap).toBe(false);
  });

  it('asks for another read when the buffer still does not follow on after a read', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    cursor.offer([ev(4)]);
    expect(seqs(cursor.replayed([ev(1), ev(2)]))).toEqual([1, 2]);
    expect(cursor.endReplay()).toEqual({ send: [], gap: true });
    cursor.beginReplay();
    expect(seqs(cursor.replayed([ev(3), ev(4)]))).toEqual([3, 4]);
    expect(cursor.endReplay()).toEqual({ send: [], gap: false });
    expect(cursor.lastSeq).toBe(4);
  });

  it('stops a replay page at a hole rather than skipping a seq', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    expect(seqs(cursor.replayed([ev(1), ev(3)]))).toEqual([1]);
    expect(cursor.lastSeq).toBe(1);
  });

  it('ignores ephemeral events (no seq)', () => {
    const cursor = new ChatStreamCursor(0);
    cursor.beginReplay();
    cursor.offer([ev(null, 'message.delta')]);
    expect(cursor.endReplay()).toEqual({ send: [], gap: false });
    expect(cursor.offer([ev(null, 'message.delta')])).toEqual({ send: [], gap: false });
  });

  it('treats a negative or fractional after_seq as a position in the log', () => {
    expect(new ChatStreamCursor(-3).lastSeq).toBe(0);
    expect(new ChatStreamCursor(2.7).lastSeq).toBe(2);
  });
});
