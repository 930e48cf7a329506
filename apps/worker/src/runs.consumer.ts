import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ConclaveMetrics } from '@conclave/metrics';
import { RUNS_QUEUE, RunExecutor, type RunJobData } from '@conclave/runtime';

/**
 * The BullMQ consumer of the `runs` queue: one job = one run segment, executed under the run's
 * Postgres lease. The lease, not BullMQ's job lock, decides who may execute: a job re-run after a
 * stall (or a duplicate) simply fails to claim and completes as `skipped`.
 */
@Injectable()
export class RunsConsumer implements OnApplicationBootstrap {
  private readonly log = new Logger('RunsConsumer');
  private worker: Worker<RunJobData> | null = null;
  private connection: Redis | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executor: RunExecutor,
    private readonly metrics: ConclaveMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const leaseMs = this.config.leaseMs;
    // Blocking commands need maxRetriesPerRequest: null (BullMQ requirement).
    this.connection = new Redis(this.config.redisUrl!, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    const execute = (job: { data: RunJobData; timestamp: number; delay?: number }) => {
      // Queue wait: from when the job became due to when this worker took it.
      this.metrics.queueWaited('runs', (Date.now() - job.timestamp - (job.delay ?? 0)) / 1000);
      return this.executor.execute(job.data.runId);
    };
    this.worker = new Worker<RunJobData>(RUNS_QUEUE, execute, {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: this.config.workerConcurrency,
      // Consistent with the lease: a dead worker's job is noticed as stalled about when its lease
      // expires; the sweeper re-dispatches the run anyway, so one stalled retry is plenty.
      lockDuration: leaseMs,
      stalledInterval: leaseMs,
      maxStalledCount: 1,
    });
    this.worker.on('error', (err) => this.log.warn(`queue: ${err.message}`));
    this.worker.on('failed', (job, err) =>
      this.log.warn(`job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`),
    );
  }

  /**
   * SIGTERM: stop taking jobs; runs in flight finish their current step and release their lease
   * (re-dispatched at once for another worker). After `graceMs` whatever is left is aborted — its
   * lease expires and the sweeper hands it on.
   */
  async drain(graceMs: number): Promise<void> {
    if (!this.worker) return;
    const closing = this.worker.close();
    this.executor.drain();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.log.warn(`runs still in flight after ${graceMs} ms: aborting them`);
      this.executor.stop();
      await closing;
    }
    this.connection?.disconnect();
    this.worker = null;
  }
}
