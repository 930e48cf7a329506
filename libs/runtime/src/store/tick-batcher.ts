/**
 * Group commit, the part without a database: callers `submit` one item each; the items submitted in
 * the same tick of the event loop go out together as one batch (`send`), and each caller gets its own
 * item's result or error, exactly as if it had been sent alone. A batch of one goes by `single`
 * (no batching overhead). At most `maxBatch` items per batch and `maxInFlight` batches at a time;
 * items arriving while the limit is reached wait and go together as soon as a batch returns — so the
 * busier the store, the bigger the batches.
 *
 * Items are sent in submission order; a caller waits for its result before submitting its next item,
 * so one caller's items never share a batch.
 */
export interface TickBatcherOptions {
  maxBatch: number;
  maxInFlight: number;
}

export type Schedule = (flush: () => void) => void;

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(reason: unknown): void;
}

export class TickBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly send: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly single: (item: I) => Promise<O>,
    private readonly options: TickBatcherOptions,
    private readonly schedule: Schedule = (flush) => setImmediate(flush),
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.dispatch(batch).finally(() => {
        this.inFlight--;
        // Items that arrived meanwhile go together; waiting a tick lets the callers this batch just
        // answered submit their next items into the same batch.
        if (this.waiting.length > 0) this.scheduleFlush();
      });
    }
  }

  private async dispatch(batch: Waiting<I, O>[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.single(only.item).then(only.resolve, only.reject);
      return;
    }
    let results: PromiseSettledResult<O>[];
    try {
      results = await this.send(batch.map((w) => w.item));
    } catch (err) {
      // The batch as a whole failed (connection lost, …): nothing of it is known to be written, as
      // when a single commit fails that way.
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const result = results[i];
      if (!result) w.reject(new Error(`group commit returned ${results.length} results for ${batch.length} items`));
      else if (result.status === 'fulfilled') w.resolve(result.value);
      else w.reject(result.reason);
    });
  }
}
