import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import type { RunsRepository } from '@conclave/persistence';
import type { DispatchHint, RunDispatcher } from './run-dispatcher';

/** The BullMQ queue runs are dispatched on; its jobs carry `{ runId }`. */
export const RUNS_QUEUE = 'runs';

export interface RunJobData {
  runId: string;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  prioritized: number;
}

/**
 * The job id of one dispatch of a run: `<runId>_<attempt>_<step>`.
 *
 * - Re-dispatching a run that has not moved (the sweeper every interval, a client retry) yields the
 *   same id, which BullMQ ignores while that job exists: no duplicate jobs.
 * - Every claim bumps `attempt` and every committed step bumps `step`, so a run that needs a new job
 *   — continuation after human input, resume after its worker died (its old job may still sit in
 *   `active` until BullMQ notices the stall), release on shutdown — always gets a fresh id and is
 *   never swallowed by an older job with the same id.
 * BullMQ forbids `:` in custom ids, hence `_`.
 */
export function runJobId(runId: string, run: { attempt: number; step: number }): string {
  return `${runId}_${run.attempt}_${run.step}`;
}

/** Retries are for infrastructure faults only (the job threw: DB or Redis down); run failures end the run. */
export const RUN_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { count: 1000, age: 7 * 24 * 3600 },
};

/**
 * Queue mode: a run is a BullMQ job; workers (apps/worker) execute it. The queue is only a
 * messenger — the run row in Postgres says what is to be done, and the sweeper re-dispatches from
 * there whatever the queue lost, so a failed `add` is logged, not thrown (REST keeps working while
 * Redis is away).
 */
export class QueueDispatcher implements RunDispatcher {
  readonly queue: Queue<RunJobData>;
  private readonly connection: Redis;
  private readonly log: (message: string) => void;

  constructor(
    private readonly runs: Pick<RunsRepository, 'get'>,
    options: { redisUrl: string; prefix: string; log?: (message: string) => void },
  ) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<RunJobData>(RUNS_QUEUE, {
      connection: this.connection,
      prefix: options.prefix,
      defaultJobOptions: RUN_JOB_OPTIONS,
    });
    this.queue.on('error', () => undefined);
    this.log = options.log ?? (() => undefined);
  }

  async dispatch(runId: string, hint?: DispatchHint): Promise<void> {
    try {
      const run = hint ?? (await this.runs.get(runId));
      if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
      // Redis down: do not hold the request; the run is safe in Postgres and the sweeper re-dispatches it.
      const added = this.queue.add('run', { runId }, { jobId: runJobId(runId, run) });
      added.catch(() => undefined);
      await Promise.race([
        added,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('Redis did not answer')), 2_000).unref(),
        ),
      ]);
    } catch (err) {
      this.log(`dispatch of run ${runId} failed (the sweeper retries): ${(err as Error).message}`);
    }
  }

  /** Queue health for /health and metrics. */
  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      prioritized: c.prioritized ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
