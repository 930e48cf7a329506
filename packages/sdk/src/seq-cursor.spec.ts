import { SeqCursor } from './seq-cursor';

describe('SeqCursor', () => {
  it('passes each seq once and drops what a replay repeats', () => {
    const cursor = new SeqCursor(0);
    const seen = [1, 2, 3, 2, 3, 4, 1, 5].filter((seq) => cursor.accept({ seq }));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(cursor.lastSeq).toBe(5);
  });

  it('starts after the seq it resumes from', () => {
    const cursor = new SeqCursor(7);
    expect(cursor.accept({ seq: 7 })).toBe(false);
    expect(cursor.accept({ seq: 8 })).toBe(true);
  });

  it('lets ephemeral deltas through without moving', () => {
    const cursor = new SeqCursor(3);
    expect(cursor.accept({ seq: null })).toBe(true);
    expect(cursor.lastSeq).toBe(3);
  });
});
