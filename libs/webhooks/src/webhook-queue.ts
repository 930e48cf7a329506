import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { WebhooksRepository } from '@conclave/persistence';
import type { WebhookDeliverer } from './deliverer';

export const WEBHOOKS_QUEUE = 'webhooks';

interface WebhookJobData {
  deliveryId: string;
}

/**
 * Queue mode's deliverer (runs in apps/worker): one BullMQ job per attempt, a failed attempt
 * schedules the next one as a delayed job. Postgres stays the source of truth: a poller turns every
 * due, unleased outbox row into a job (new events, and anything Redis lost), and job ids
 * `<delivery>_<attempt>` make that idempotent — a duplicate job finds the row leased or not due and
 * does nothing.
 */
export class WebhookQueue {
  private readonly queue: Queue<WebhookJobData>;
  private worker: Worker<WebhookJobData> | null = null;
  private readonly connections: Redis[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly deliverer: WebhookDeliverer,
    private readonly options: {
      redisUrl: string;
      prefix: string;
      concurrency: number;
      pollIntervalMs: number;
      batchSize: number;
      log?: (message: string) => void;
    },
  ) {
    const connection = this.connection(3);
    this.queue = new Queue<WebhookJobData>(WEBHOOKS_QUEUE, {
      connection,
      prefix: options.prefix,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
        attempts: 3,
        backoff: 1000,
      },
    });
    this.queue.on('error', () => undefined);
  }

  start(): void {
    this.worker = new Worker<WebhookJobData>(WEBHOOKS_QUEUE, (job) => this.process(job.data.deliveryId), {
      // Blocking commands need maxRetriesPerRequest: null (BullMQ requirement).
      connection: this.connection(null),
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
    });
    this.worker.on('error', (err) => this.options.log?.(`webhook queue: ${err.message}`));
    this.stopped = false;
    this.schedulePoll(0);
  }

  /** Jobs waiting or delayed (for metrics and readiness). */
  async depth(): Promise<{ waiting: number; delayed: number; active: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active');
    return { waiting: counts.waiting ?? 0, delayed: counts.delayed ?? 0, active: counts.active ?? 0 };
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.worker?.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }

  private async process(deliveryId: string): Promise<void> {
    const outcome = await this.deliverer.deliverOne(deliveryId);
    if (outcome?.status === 'pending' && outcome.nextAttemptAt) {
      const delayMs = Math.max(0, outcome.nextAttemptAt.getTime() - Date.now());
      await this.enqueue(deliveryId, outcome.attempts, delayMs);
    }
  }

  private async enqueue(deliveryId: string, attempts: number, delayMs: number): Promise<void> {
    try {
      // BullMQ forbids ':' in custom ids.
      await this.queue.add('deliver', { deliveryId }, { jobId: `${deliveryId}_${attempts}`, delay: delayMs });
    } catch (err) {
      this.options.log?.(
        `webhook job for ${deliveryId} not queued (the poller retries): ${(err as Error).message}`,
      );
    }
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        this.schedulePoll(this.options.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    try {
      const due = await this.repository.dueIds(this.options.batchSize);
      await Promise.all(due.map((d) => this.enqueue(d.id, d.attempts, 0)));
    } catch (err) {
      this.options.log?.(`webhook outbox poll failed (retrying): ${(err as Error).message}`);
    }
  }

  private connection(maxRetriesPerRequest: number | null): Redis {
    const redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest });
    redis.on('error', () => undefined);
    this.connections.push(redis);
    return redis;
  }
}
