import { EventStream } from './event-stream';

describe('EventStream', () => {
  it('yields what was pushed before and after the pull, in order', async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    const pending = stream.next();
    stream.push(2);
    stream.push(3);
    stream.end();
    expect(await pending).toEqual({ value: 1, done: false });
    const rest: number[] = [];
    for await (const v of stream) rest.push(v);
    expect(rest).toEqual([2, 3]);
  });

  it('a waiting pull ends when the stream ends', async () => {
    const stream = new EventStream<number>();
    const pending = stream.next();
    stream.end();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('break closes it once, dropping what is buffered', async () => {
    let closed = 0;
    const stream = new EventStream<number>(() => closed++);
    [1, 2, 3].forEach((v) => stream.push(v));
    for await (const v of stream) if (v === 1) break;
    expect(closed).toBe(1);
    stream.push(4);
    stream.end();
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it('a failure surfaces after the values pushed before it', async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    stream.fail(new Error('refused'));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of stream) got.push(v);
      })(),
    ).rejects.toThrow('refused');
    expect(got).toEqual([1]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('a failure rejects a waiting pull', async () => {
    const stream = new EventStream<number>();
    const pending = stream.next();
    stream.fail(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });
});
