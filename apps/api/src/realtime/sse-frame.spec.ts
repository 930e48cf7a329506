import { sseFrame } from './sse-frame';

const envelope = (seq: number | null) => ({
  chat_id: 'c',
  seq,
  type: seq === null ? 'message.delta' : 'message.created',
  data: { text: 'a\nb' },
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('sseFrame', () => {
  it('gives a persisted event its seq as id, and one data line of JSON', () => {
    const e = envelope(7);
    expect(sseFrame(e)).toBe(`id: 7\ndata: ${JSON.stringify(e)}\n\n`);
  });

  it('gives an ephemeral event no id (it must not move Last-Event-ID)', () => {
    const e = envelope(null);
    expect(sseFrame(e)).toBe(`data: ${JSON.stringify(e)}\n\n`);
  });

  it('serialises an envelope once, whatever the number of streams', () => {
    const e = envelope(3);
    const spy = jest.spyOn(JSON, 'stringify');
    sseFrame(e);
    sseFrame(e);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
