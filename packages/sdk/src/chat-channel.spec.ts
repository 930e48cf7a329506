import { ChatChannel, type ChannelReader } from './chat-channel';
import type { ChatEvent } from './events';
import { SeqCursor } from './seq-cursor';

const event = (seq: number | null, type = 'message.created'): ChatEvent => ({
  chat_id: 'c',
  seq,
  type: seq === null ? 'message.delta' : type,
  data: {},
  created_at: '',
});

function reader(afterSeq = 0, deltas = false) {
  const got: (number | null)[] = [];
  const errors: Error[] = [];
  const r: ChannelReader = {
    cursor: new SeqCursor(afterSeq),
    deltas,
    onEvent: (e) => got.push(e.seq),
    onError: (e) => errors.push(e),
  };
  return { r, got, errors };
}

describe('ChatChannel', () => {
  it('subscribes the first reader from its position, then only when a reader needs older events', () => {
    const channel = new ChatChannel('c');
    const a = reader(3);
    expect(channel.join(a.r)).toBe(3);
    channel.deliver(event(4));
    channel.deliver(event(5));
    // the stream is at 5: a reader from 5 or later rides on it, one from 2 restarts it
    expect(channel.join(reader(5).r)).toBeNull();
    expect(channel.join(reader(6).r)).toBeNull();
    expect(channel.join(reader(2).r)).toBe(2);
  });

  it('a replay restarted for a newcomer gives the earlier reader nothing twice', () => {
    const channel = new ChatChannel('c');
    const a = reader(0);
    channel.join(a.r);
    [1, 2, 3].forEach((s) => channel.deliver(event(s)));
    const b = reader(1);
    expect(channel.join(b.r)).toBe(1);
    [2, 3, 4].forEach((s) => channel.deliver(event(s)));
    expect(a.got).toEqual([1, 2, 3, 4]);
    expect(b.got).toEqual([2, 3, 4]);
  });

  it('resumes after a reconnect from the reader furthest behind, each reader getting every seq once', () => {
    const channel = new ChatChannel('c');
    const a = reader(0);
    const b = reader(0);
    channel.join(a.r);
    channel.join(b.r);
    [1, 2, 3].forEach((s) => channel.deliver(event(s)));
    channel.disconnected();
    expect(channel.reconnected()).toBe(3);
    // the server replays from 3; a late duplicate of an old live event is dropped
    [3, 4, 2, 5].forEach((s) => channel.deliver(event(s)));
    expect(a.got).toEqual([1, 2, 3, 4, 5]);
    expect(b.got).toEqual([1, 2, 3, 4, 5]);
  });

  it('has nothing to resubscribe when no reader is left', () => {
    const channel = new ChatChannel('c');
    const a = reader(0);
    channel.join(a.r);
    expect(channel.leave(a.r)).toBe(true);
    expect(channel.reconnected()).toBeNull();
  });

  it('ignores acks of a subscribe that a later one replaced', () => {
    const channel = new ChatChannel('c');
    channel.join(reader(5).r);
    const first = channel.currentGeneration;
    channel.join(reader(1).r);
    expect(channel.isCurrent(first)).toBe(false);
    expect(channel.isCurrent(channel.currentGeneration)).toBe(true);
  });

  it('gives deltas only to readers that asked for them', () => {
    const channel = new ChatChannel('c');
    const plain = reader(0);
    const streaming = reader(0, true);
    channel.join(plain.r);
    channel.join(streaming.r);
    channel.deliver(event(null));
    channel.deliver(event(1));
    expect(plain.got).toEqual([1]);
    expect(streaming.got).toEqual([null, 1]);
  });

  it('ends every reader when the subscription is refused', () => {
    const channel = new ChatChannel('c');
    const a = reader(0);
    const b = reader(0);
    channel.join(a.r);
    channel.join(b.r);
    channel.fail(new Error('Chat not found'));
    expect(a.errors.map((e) => e.message)).toEqual(['Chat not found']);
    expect(b.errors).toHaveLength(1);
    expect(channel.isEmpty).toBe(true);
  });
});
