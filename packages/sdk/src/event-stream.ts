/**
 * A push-to-pull queue behind an async iterator: the socket pushes, `for await` pulls. Ends (done)
 * on `end()`, `return()` (a `break` out of the loop) or abort; `fail()` makes the next pull throw
 * once what was pushed before it is consumed. `onClose` runs once, however it ends.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private readonly pulls: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void }[] = [];
  private failure: unknown = null;
  private finished = false;

  constructor(private readonly onClose: () => void = () => undefined) {}

  get closed(): boolean {
    return this.finished;
  }

  push(value: T): void {
    if (this.finished) return;
    const pull = this.pulls.shift();
    if (pull) pull.resolve({ value, done: false });
    else this.buffered.push(value);
  }

  /** No more values: pulls resolve done once the buffer is drained. */
  end(): void {
    this.finish(null);
  }

  /** Pulls reject with `error` once the buffer is drained. */
  fail(error: unknown): void {
    this.finish(error ?? new Error('stream failed'));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length) return Promise.resolve({ value: this.buffered.shift() as T, done: false });
    if (this.failure !== null) {
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.pulls.push({ resolve, reject }));
  }

  /** `break` / `return` in a `for await`: stop now, dropping what is buffered. */
  return(): Promise<IteratorResult<T>> {
    this.buffered.length = 0;
    this.failure = null;
    this.finish(null);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    // Pulls wait only on an empty buffer: the first gets the error, if any, the rest the end.
    const pulls = this.pulls.splice(0);
    if (error !== null && pulls.length) {
      this.failure = null;
      pulls.shift()!.reject(error);
    }
    for (const pull of pulls) pull.resolve({ value: undefined, done: true });
    this.onClose();
  }
}
