import type { RunDispatcher } from './run-dispatcher';
import type { RunExecutor } from './run-executor';

/**
 * Embedded mode: runs execute in this process, at most `concurrency` at a time. Dispatching a run
 * that is already executing here is a no-op (the lease would refuse it anyway).
 */
export class InProcessDispatcher implements RunDispatcher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly backlog: string[] = [];
  /** Dispatched again while executing: executed once more after (a run deferred by the per-account cap). */
  private readonly again = new Set<string>();
  private closed = false;

  constructor(
    private readonly executor: RunExecutor,
    private readonly concurrency: number,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async dispatch(runId: string): Promise<void> {
    if (this.closed || this.backlog.includes(runId)) return;
    if (this.running.has(runId)) {
      // Its execution may be finishing without it (deferred, or just ending): try once more after.
      this.again.add(runId);
      return;
    }
    this.backlog.push(runId);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.backlog.length > 0) {
      const runId = this.backlog.shift()!;
      const task = this.executor
        .execute(runId)
        .then(() => undefined)
        .catch((err: Error) => this.log(`run ${runId}: ${err.stack ?? err.message}`))
        .finally(() => {
          this.running.delete(runId);
          if (this.again.delete(runId)) this.backlog.push(runId);
          this.pump();
        });
      this.running.set(runId, task);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.backlog.length = 0;
    this.executor.stop();
    await Promise.allSettled([...this.running.values()]);
  }
}
