import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { KnowledgeRepository } from '@conclave/persistence';
import type { KnowledgeIngestion } from './ingestion';

/**
 * How a source reaches an indexer. The source row in Postgres says what is to be done (pending, or
 * indexing under an expired lease); dispatching only wakes an indexer, and the sweeper re-dispatches
 * whatever a crash or a lost job left behind. Same shape as run dispatch.
 */
export interface IngestionDispatcher {
  dispatch(source: { id: string; attempt: number }): Promise<void>;
  close(): Promise<void>;
}

/** Embedded mode: sources are indexed in this process, a few at a time, never on a request's path. */
export class InProcessIngestion implements IngestionDispatcher {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private closed = false;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly ingestion: KnowledgeIngestion,
    private readonly concurrency: number,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async dispatch(source: { id: string }): Promise<void> {
    if (this.closed || this.queued.has(source.id)) return;
    this.queued.add(source.id);
    this.waiting.push(source.id);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.queued.delete(id);
      this.running++;
      // setImmediate: the request that dispatched answers before any indexing work starts.
      setImmediate(() => {
        this.ingestion
          .index(id)
          .catch((err: Error) =>
            this.log(`indexing source ${id} failed (the sweeper retries): ${err.message}`),
          )
          .finally(() => {
            this.running--;
            if (this.running === 0 && this.waiting.length === 0) this.idle.splice(0).forEach((r) => r());
            this.pump();
          });
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}

/** The BullMQ queue of indexing jobs (`{ sourceId }`), consumed by apps/worker in queue mode. */
export const KNOWLEDGE_QUEUE = 'knowledge';

export interface IngestionJobData {
  sourceId: string;
}

export class QueueIngestion implements IngestionDispatcher {
  private readonly connection: Redis;
  readonly queue: Queue<IngestionJobData>;

  constructor(
    options: { redisUrl: string; prefix: string },
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<IngestionJobData>(KNOWLEDGE_QUEUE, {
      connection: this.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
    });
    this.queue.on('error', () => undefined);
  }

  async dispatch(source: { id: string; attempt: number }): Promise<void> {
    try {
      // One job per attempt: a re-sync or a take-over gets a fresh id, a repeat dispatch is ignored.
      await this.queue.add('index', { sourceId: source.id }, { jobId: `${source.id}_${source.attempt}` });
    } catch (err) {
      this.log(`dispatch of source ${source.id} failed (the sweeper retries): ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}

/** apps/worker's consumer of the knowledge queue. */
export class IngestionWorker {
  private readonly connection: Redis;
  private readonly worker: Worker<IngestionJobData>;

  constructor(
    ingestion: KnowledgeIngestion,
    options: { redisUrl: string; prefix: string; concurrency: number; leaseMs: number },
    log: (message: string) => void = () => undefined,
  ) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<IngestionJobData>(KNOWLEDGE_QUEUE, (job) => ingestion.index(job.data.sourceId), {
      connection: this.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.leaseMs,
    });
    this.worker.on('error', (err) => log(`knowledge queue: ${err.message}`));
    this.worker.on('failed', (job, err) => log(`indexing job ${job?.id} failed: ${err.message}`));
  }

  async close(): Promise<void> {
    await this.worker.close().catch(() => undefined);
    this.connection.disconnect();
  }
}

/** Re-dispatches pending sources and those whose indexer died (expired lease). */
export class IngestionSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: KnowledgeRepository,
    private readonly dispatcher: IngestionDispatcher,
    private readonly intervalMs: number,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  async sweep(): Promise<void> {
    try {
      for (const source of await this.repository.unfinished(500)) await this.dispatcher.dispatch(source);
    } catch (err) {
      this.log(`knowledge sweep failed: ${(err as Error).message}`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
