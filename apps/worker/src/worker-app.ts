import 'reflect-metadata';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigError } from '@conclave/config';
import { createLogger, logRunEnd, PinoNestLogger, type Logger as PinoLogger } from '@conclave/logging';
import { Database } from '@conclave/persistence';
import { createKnowledge, IngestionSweeper, IngestionWorker, QueueIngestion } from '@conclave/knowledge';
import { busChannel, createEventBus, type EventBus } from '@conclave/realtime';
import { createRunExecutor, QueueDispatcher, RunExecutor, RunSweeper } from '@conclave/runtime';
import { createWebhookDelivery, webhookFetch, type WebhookDelivery } from '@conclave/webhooks';
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
  const db = new Database(config.databaseUrl, {
    applicationName: 'conclave-worker',
    // A run holds a connection only while a statement runs (model calls hold none): a quarter of
    // the slots is plenty, and several workers must fit in max_connections.
    poolSize: Math.min(10 + Math.ceil(config.workerConcurrency / 4), 40),
  });
  await db.connect();
  await db.migrate();
  const bus = await createEventBus(config.redisUrl, busChannel(config.realtime.redisPrefix));
  const dispatcher = new QueueDispatcher(db, {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    log: (m) => log.warn(m),
  });
  // Knowledge: this worker indexes sources from the `knowledge` queue and retrieves for its runs.
  const knowledge = createKnowledge(db, bus, config, { log: (m) => log.warn(m) });
  const ingestionQueue = new QueueIngestion({ redisUrl: config.redisUrl, prefix: config.queuePrefix }, (m) =>
    log.warn(m),
  );
  const ingestionWorker = new IngestionWorker(
    knowledge.ingestion,
    {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      concurrency: config.knowledge.concurrency,
      leaseMs: config.leaseMs,
    },
    (m) => log.warn(m),
  );
  const ingestionSweeper = new IngestionSweeper(
    knowledge.repository,
    ingestionQueue,
    config.sweepIntervalMs,
    (m) => log.warn(m),
  );
  const executor = createRunExecutor(db, bus, config, {
    knowledge: knowledge.retriever,
    log: (m) => log.warn(m),
    onQueued: (run) => void dispatcher.dispatch(run.id, run),
    onRunEnd: (end) => logRunEnd(logger, end),
  });
  const sweeper = new RunSweeper(db, dispatcher, bus, {
    intervalMs: config.sweepIntervalMs,
    log: (m) => log.warn(m),
    onRunEnd: (end) => logRunEnd(logger, end),
  });

  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, executor }), {
    logger: new PinoNestLogger(logger),
  });
  await context.init();
  sweeper.start();
  ingestionSweeper.start();
  const webhooks = createWebhookDelivery(db, config, {
    mode: 'queue',
    fetch: webhookFetch(config),
    log: (m) => log.warn(m),
  });
  webhooks.start();

  return {
    context,
    db,
    bus,
    executor,
    dispatcher,
    webhooks,
    async close() {
      sweeper.stop();
      ingestionSweeper.stop();
      await ingestionWorker.close();
      await ingestionQueue.close();
      await webhooks.stop();
      await context.get(RunsConsumer).drain(config.shutdownGraceMs);
      await context.close();
      await dispatcher.close();
      await bus.close();
      await db.close();
    },
  };
}
