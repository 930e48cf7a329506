import type { Chat } from '@conclave/sdk';
import { formatWaited } from '../app/format';
import { upsertWaiting } from './inbox-list';

const chat = (id: string, waitingSince: string, status: Chat['status'] = 'wait_for_human_input') =>
  ({ id, status, waiting_since: waitingSince }) as Chat;

describe('inbox order', () => {
  it('keeps the longest waiting first, replaces a chat in place, drops one that stopped waiting', () => {
    let list = upsertWaiting([], chat('b', '2026-01-01T10:05:00Z'));
    list = upsertWaiting(list, chat('a', '2026-01-01T10:00:00Z'));
    list = upsertWaiting(list, chat('c', '2026-01-01T10:10:00Z'));
    expect(list.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    list = upsertWaiting(list, chat('a', '2026-01-01T10:20:00Z')); // answered, asked again
    expect(list.map((c) => c.id)).toEqual(['b', 'c', 'a']);
    list = upsertWaiting(list, chat('c', '2026-01-01T10:10:00Z', 'running'));
    expect(list.map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('says how long a chat has waited', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    expect(formatWaited('2026-01-02T11:59:15Z', now)).toBe('45s');
    expect(formatWaited('2026-01-02T11:48:00Z', now)).toBe('12m');
    expect(formatWaited('2026-01-02T08:55:00Z', now)).toBe('3h 5m');
    expect(formatWaited('2025-12-31T08:00:00Z', now)).toBe('2d 4h');
    expect(formatWaited(null, now)).toBe('—');
  });
});
