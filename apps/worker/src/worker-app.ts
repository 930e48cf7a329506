import 'reflect-metadata';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigError } from '@conclave/config';
import { createLogger, logRunEnd, PinoNestLogger, type Logger as PinoLogger } from '@conclave/logging';
import { Database } from '@conclave/persistence';
import { createKnowledge, IngestionSweeper, IngestionWorker, QueueIngestion } from '@conclave/knowledge';
import { busChannel, checkRedis, createEventBus, type EventBus } from '@conclave/realtime';
import {
  createRunExecutor,
  createRunRepositories,
  QueueDispatcher,
  RunExecutor,
  type RunEndReport,
  RunSweeper,
} from '@conclave/runtime';
import { createWebhookDelivery, webhookFetch, type WebhookDelivery } from '@conclave/webhooks';
import { checkReadiness, ConclaveMetrics, startMetricsServer } from '@conclave/metrics';
import Redis from 'ioredis';
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
  await checkRedis(config.redisUrl); // unreachable: a clear error within seconds, not a silent hang
  const db = new Database(config.databaseUrl, {
    applicationName: 'conclave-worker',
    // A run holds a connection only while a statement runs (model calls hold none): a quarter of
    // the slots is plenty, and several workers must fit in max_connections.
    poolSize: Math.min(10 + Math.ceil(config.workerConcurrency / 4), 40),
    timeouts: config.databaseTimeouts,
  });
  await db.connect();
  await db.migrate();
  const metrics = new ConclaveMetrics('worker');
  const bus = metrics.observeBus(
    await createEventBus(config.redisUrl, busChannel(config.realtime.redisPrefix)),
  );
  const onRunEnd = (end: RunEndReport) => {
    logRunEnd(logger, end);
    metrics.runEnded(end.status, end.reason);
  };
  const repositories = createRunRepositories(db);
  const dispatcher = new QueueDispatcher(repositories.runs, {
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
  const executor = createRunExecutor(db, repositories.store, bus, config, {
    knowledge: knowledge.retriever,
    log: (m) => log.warn(m),
    onQueued: (run) => void dispatcher.dispatch(run.id, run),
    onRunEnd,
    onModelCall: (call) => metrics.modelCall(call),
  });
  const sweeper = new RunSweeper(repositories, dispatcher, bus, {
    intervalMs: config.sweepIntervalMs,
    log: (m) => log.warn(m),
    onRunEnd,
  });

  const context = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ config, executor, metrics }),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  await context.init();
  sweeper.start();
  ingestionSweeper.start();
  const webhooks = createWebhookDelivery(db, config, {
    mode: 'queue',
    fetch: webhookFetch(config),
    onAttempt: (a) => metrics.webhookAttempt({ eventType: a.eventType, ok: a.ok, durationMs: a.durationMs }),
    log: (m) => log.warn(m),
  });
  webhooks.start();
  metrics.trackQueue('runs', async () => ({ ...(await dispatcher.counts()) }));
  if (webhooks.queue) {
    const queue = webhooks.queue;
    metrics.trackQueue('webhooks', async () => ({ ...(await queue.depth()) }));
  }
  // The worker has no HTTP server: metrics and probes only on METRICS_PORT.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const metricsServer =
    config.metrics.port === null
      ? null
      : await startMetricsServer(metrics, {
          port: config.metrics.port,
          host: config.host,
          ready: () =>
            checkReadiness({
              postgres: () => db.query('SELECT 1'),
              redis,
              queue: async () => ({ ...(await dispatcher.counts()) }),
            }),
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
      await bus.close();
      redis.disconnect();
      await db.close();
    },
  };
}
