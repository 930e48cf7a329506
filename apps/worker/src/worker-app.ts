import 'reflect-metadata';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigError } from '@conclave/config';
import { createExecutor, createSweeper, openProcessCore, startWebhookDelivery } from '@conclave/bootstrap';
import { createLogger, PinoNestLogger, type Logger as PinoLogger } from '@conclave/logging';
import type { Database } from '@conclave/persistence';
import { IngestionSweeper, IngestionWorker, QueueIngestion } from '@conclave/knowledge';
import type { EventBus } from '@conclave/realtime';
import { QueueDispatcher, type RunExecutor } from '@conclave/runtime';
import type { WebhookDelivery } from '@conclave/webhooks';
import { startMetricsServer } from '@conclave/metrics';
import { RunsConsumer } from './runs.consumer';
import { WorkerModule } from './worker.module';

export interface WorkerApp {
  context: INestApplicationContext;
  db: Database;
  bus: EventBus;
  executor: RunExecutor;
  dispatcher: QueueDispatcher;
  webhooks: WebhookDelivery;
  /** Graceful: stop taking jobs, let current runs finish their step and release them, close. */
  close(): Promise<void>;
}

/**
 * Builds a queue-mode worker: database (migrated under the advisory lock, like the API), Redis
 * event bus (events out, cancel signals in), the run executor, the BullMQ consumer of `runs`, and
 * the sweeper — which runs here, not in the API: it re-dispatches runs whose lease expired or whose
 * job Redis lost, and ends runs whose input request timed out. Every worker sweeps; claims and
 * job ids make that idempotent.
 */
export async function createWorkerApp(
  config: AppConfig,
  logger: PinoLogger = createLogger({ level: config.logLevel, format: config.logFormat, service: 'worker' }),
): Promise<WorkerApp> {
  if (!config.redisUrl || !config.databaseUrl)
    throw new ConfigError('The worker needs REDIS_URL and DATABASE_URL (queue mode, see docs/queue-mode.md)');
  const log = new Logger('Worker');
  const warn = (m: string) => log.warn(m);
  const core = await openProcessCore({ ...config, databaseUrl: config.databaseUrl }, logger, {
    service: 'worker',
    // A run holds a connection only while a statement runs (model calls hold none): a quarter of
    // the slots is plenty, and several workers must fit in max_connections.
    poolSize: Math.min(10 + Math.ceil(config.workerConcurrency / 4), 40),
    log: warn,
  });
  const { db, bus, metrics, knowledge } = core;
  const dispatcher = new QueueDispatcher(core.repositories.runs, {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    log: warn,
  });
  // Knowledge: this worker indexes sources from the `knowledge` queue and retrieves for its runs.
  const ingestionQueue = new QueueIngestion({ redisUrl: config.redisUrl, prefix: config.queuePrefix }, warn);
  const ingestionWorker = new IngestionWorker(
    knowledge.ingestion,
    {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      concurrency: config.knowledge.concurrency,
      leaseMs: config.leaseMs,
    },
    warn,
  );
  const ingestionSweeper = new IngestionSweeper(
    knowledge.repository,
    ingestionQueue,
    config.sweepIntervalMs,
    warn,
  );
  const executor = createExecutor(core, config, () => dispatcher, warn);
  const sweeper = createSweeper(core, config, dispatcher, warn);

  const context = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ config, executor, metrics }),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  await context.init();
  sweeper.start();
  ingestionSweeper.start();
  const webhooks = startWebhookDelivery(core, config, 'queue', warn);
  const queueCounts = async () => ({ ...(await dispatcher.counts()) });
  metrics.trackQueue('runs', queueCounts);
  if (webhooks.queue) {
    const queue = webhooks.queue;
    metrics.trackQueue('webhooks', async () => ({ ...(await queue.depth()) }));
  }
  // The worker has no HTTP server: metrics and probes only on METRICS_PORT.
  const metricsServer =
    config.metrics.port === null
      ? null
      : await startMetricsServer(metrics, {
          port: config.metrics.port,
          host: config.host,
          ready: () => core.ready(queueCounts),
        });

  return {
    context,
    db,
    bus,
    executor,
    dispatcher,
    webhooks,
    async close() {
      await metricsServer?.close();
      sweeper.stop();
      ingestionSweeper.stop();
      await ingestionWorker.close();
      await ingestionQueue.close();
      await webhooks.stop();
      await context.get(RunsConsumer).drain(config.shutdownGraceMs);
      await context.close();
      await dispatcher.close();
      await core.close();
    },
  };
}
