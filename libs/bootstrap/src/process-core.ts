import type { AppConfig } from '@conclave/config';
import { createKnowledge, type KnowledgeServices } from '@conclave/knowledge';
import { logRunEnd, type Logger as PinoLogger } from '@conclave/logging';
import { checkReadiness, ConclaveMetrics, type Readiness } from '@conclave/metrics';
import { Database } from '@conclave/persistence';
import { busChannel, checkRedis, createEventBus, type EventBus } from '@conclave/realtime';
import {
  createRunExecutor,
  createRunRepositories,
  type RunDispatcher,
  type RunEndReport,
  type RunExecutor,
  type RunRepositories,
  RunSweeper,
} from '@conclave/runtime';
import { createWebhookDelivery, webhookFetch, type WebhookDelivery } from '@conclave/webhooks';
import Redis from 'ioredis';

type Log = (message: string) => void;
type QueueCounts = () => Promise<Record<string, number>>;

/** What the api and the worker both stand on: the migrated database, the event bus, metrics, knowledge. */
export interface ProcessCore {
  db: Database;
  bus: EventBus;
  metrics: ConclaveMetrics;
  knowledge: KnowledgeServices;
  /** The run lifecycle's repositories and run store, built once for the executor, sweeper and dispatcher. */
  repositories: RunRepositories;
  /** Logs a run's end and counts it, wherever the run executed. */
  onRunEnd(end: RunEndReport): void;
  /** Readiness of Postgres, Redis (queue mode) and, when given, the queue. */
  ready(queue: QueueCounts | null): Promise<Readiness>;
  /** Closes the bus, the readiness Redis connection and the pool (after everything using them). */
  close(): Promise<void>;
}

/**
 * Opens the core: Redis checked first when configured (unreachable: a clear error naming REDIS_URL
 * within seconds, not a silent hang), then the database migrated under its advisory lock (every
 * process may race to it), metrics, the event bus (in-process, or Redis pub/sub in queue mode).
 */
export async function openProcessCore(
  config: AppConfig & { databaseUrl: string },
  logger: PinoLogger,
  options: { service: 'api' | 'worker'; poolSize?: number; log: Log },
): Promise<ProcessCore> {
  if (config.redisUrl) await checkRedis(config.redisUrl);
  const db = new Database(config.databaseUrl, {
    applicationName: `conclave-${options.service}`,
    poolSize: options.poolSize,
    timeouts: config.databaseTimeouts,
  });
  await db.connect();
  await db.migrate();
  const metrics = new ConclaveMetrics(options.service);
  const bus = metrics.observeBus(
    await createEventBus(config.redisUrl, busChannel(config.realtime.redisPrefix)),
  );
  const knowledge = createKnowledge(db, bus, config, { log: options.log });
  const repositories = createRunRepositories(db);
  // Probes answer from their own connection: a busy bus or queue client must not hide Redis state.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
  redis?.on('error', () => undefined);
  return {
    db,
    bus,
    metrics,
    knowledge,
    repositories,
    onRunEnd(end) {
      logRunEnd(logger, end);
      metrics.runEnded(end.status, end.reason);
    },
    ready: (queue) => checkReadiness({ postgres: () => db.query('SELECT 1'), redis, queue }),
    async close() {
      await bus.close();
      redis?.disconnect();
      await db.close();
    },
  };
}

/**
 * The run executor of a process that executes runs. `dispatcher` is read when a run is queued behind
 * a finished one (`multitask=enqueue`): the in-process dispatcher is itself built from the executor.
 */
export function createExecutor(
  core: ProcessCore,
  config: AppConfig,
  dispatcher: () => RunDispatcher,
  log: Log,
): RunExecutor {
  return createRunExecutor(core.db, core.repositories.store, core.bus, config, {
    knowledge: core.knowledge.retriever,
    log,
    onQueued: (run) => void dispatcher().dispatch(run.id, run),
    onRunEnd: (end) => core.onRunEnd(end),
    onModelCall: (call) => core.metrics.modelCall(call),
  });
}

/** The sweeper: re-dispatches runs whose lease expired or whose job was lost, ends overdue inputs. */
export function createSweeper(
  core: ProcessCore,
  config: AppConfig,
  dispatcher: RunDispatcher,
  log: Log,
): RunSweeper {
  return new RunSweeper(core.repositories, dispatcher, core.bus, {
    intervalMs: config.sweepIntervalMs,
    log,
    onRunEnd: (end) => core.onRunEnd(end),
  });
}

/** Webhook delivery where runs execute: the outbox poller (embedded) or BullMQ delayed jobs (queue). */
export function startWebhookDelivery(
  core: ProcessCore,
  config: AppConfig,
  mode: 'poller' | 'queue',
  log: Log,
): WebhookDelivery {
  const webhooks = createWebhookDelivery(core.db, config, {
    mode,
    fetch: webhookFetch(config),
    onAttempt: (a) =>
      core.metrics.webhookAttempt({ eventType: a.eventType, ok: a.ok, durationMs: a.durationMs }),
    log,
  });
  webhooks.start();
  return webhooks;
}
