import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@conclave/config';
import {
  accessLog,
  createLogger,
  logRunEnd,
  PinoNestLogger,
  type Logger as PinoLogger,
} from '@conclave/logging';
import { Database } from '@conclave/persistence';
import {
  createKnowledge,
  InProcessIngestion,
  IngestionSweeper,
  QueueIngestion,
  type IngestionDispatcher,
} from '@conclave/knowledge';
import { busChannel, checkRedis, createEventBus, type EventBus } from '@conclave/realtime';
import {
  createRunExecutor,
  createRunRepositories,
  InProcessDispatcher,
  QueueDispatcher,
  RunExecutor,
  RunSweeper,
  type RunDispatcher,
  type RunEndReport,
} from '@conclave/runtime';
import type { NextFunction, Request, Response } from 'express';
import { createWebhookDelivery, webhookFetch, type WebhookDelivery } from '@conclave/webhooks';
import { checkReadiness, ConclaveMetrics, startMetricsServer } from '@conclave/metrics';
import Redis from 'ioredis';
import { AppModule } from './app.module';
import { httpMetrics, metricsEndpoint, probes } from './observability/observability';
import { setupOpenApi } from './openapi';
import { readsAsJson, screenBody, screenQuery } from './common/request-input';
import { describeError, reasonPhrase } from './common/native-exception.filter';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';
import { serveConsole } from './console/console-static';
import { aksitaError, isAksitaPath } from './compat/aksita/aksita-exception.filter';
import { asyntaiError, isAsyntaiPath } from './compat/asyntai/asyntai-exception.filter';

export interface ApiApp {
  app: INestApplication;
  db: Database;
  bus: EventBus;
  executor: RunExecutor | null;
  sweeper: RunSweeper | null;
  /** The outbox poller, where this process executes runs (embedded default, RUN_IN_PROCESS). */
  webhooks: WebhookDelivery | null;
  metrics: ConclaveMetrics;
  /** Stops accepting requests, lets in-flight runs stop, closes the pool. */
  close(): Promise<void>;
}

/**
 * Builds the API process: database (migrated), event bus, run execution (in-process in embedded
 * mode), and the Nest HTTP app. Used by main.ts and by the e2e tests, so both run the same wiring.
 */
export async function createApiApp(
  config: AppConfig & { databaseUrl: string },
  logger: PinoLogger = createLogger({ level: config.logLevel, format: config.logFormat, service: 'api' }),
): Promise<ApiApp> {
  // Redis unreachable at start-up: a clear error within seconds, not a silent hang.
  if (config.redisUrl) await checkRedis(config.redisUrl);
  const db = new Database(config.databaseUrl, {
    applicationName: 'conclave-api',
    timeouts: config.databaseTimeouts,
  });
  await db.connect();
  await db.migrate();

  const metrics = new ConclaveMetrics('api');
  const bus = metrics.observeBus(
    await createEventBus(config.redisUrl, busChannel(config.realtime.redisPrefix)),
  );
  const onRunEnd = (end: RunEndReport) => {
    logRunEnd(logger, end);
    metrics.runEnded(end.status, end.reason);
  };
  const repositories = createRunRepositories(db);
  let executor: RunExecutor | null = null;
  let sweeper: RunSweeper | null = null;
  let dispatcher: RunDispatcher;
  const runtimeLog = new Logger('Runtime');
  const knowledgeLog = new Logger('Knowledge');
  const knowledge = createKnowledge(db, bus, config, {
    log: (m) => knowledgeLog.warn(m),
  });
  // Indexing follows runs: in this process in embedded mode, on apps/worker in queue mode.
  let ingestion: IngestionDispatcher;
  let ingestionSweeper: IngestionSweeper | null = null;
  if (config.runInProcess || !config.redisUrl) {
    ingestion = new InProcessIngestion(knowledge.ingestion, config.knowledge.concurrency, (m) =>
      knowledgeLog.warn(m),
    );
    ingestionSweeper = new IngestionSweeper(knowledge.repository, ingestion, config.sweepIntervalMs, (m) =>
      knowledgeLog.warn(m),
    );
  } else {
    ingestion = new QueueIngestion({ redisUrl: config.redisUrl, prefix: config.queuePrefix }, (m) =>
      knowledgeLog.warn(m),
    );
  }
  if (config.runInProcess) {
    executor = createRunExecutor(db, repositories.store, bus, config, {
      knowledge: knowledge.retriever,
      log: (m) => runtimeLog.warn(m),
      onQueued: (run) => void dispatcher.dispatch(run.id, run),
      onRunEnd,
      onModelCall: (call) => metrics.modelCall(call),
    });
    dispatcher = new InProcessDispatcher(executor, config.workerConcurrency, (m) => runtimeLog.error(m));
    sweeper = new RunSweeper(repositories, dispatcher, bus, {
      intervalMs: config.sweepIntervalMs,
      log: (m) => runtimeLog.warn(m),
      onRunEnd,
    });
  } else if (config.redisUrl) {
    // Queue mode: the API only enqueues; apps/worker executes runs and runs the sweeper (which
    // re-dispatches from Postgres whatever Redis lost). See docs/queue-mode.md.
    dispatcher = new QueueDispatcher(repositories.runs, {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      log: (m) => runtimeLog.warn(m),
    });
  } else {
    throw new Error('RUN_IN_PROCESS=false needs REDIS_URL (queue mode)');
  }

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, db, bus, dispatcher, knowledge, ingestion }),
    {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    },
  );
  // First middleware: every request gets its access log line, even one the body parser rejects.
  app.use(accessLog(logger));
  app.use(httpMetrics(metrics));
  // Probes and metrics answer before authentication, rate limits and body parsing.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : null;
  redis?.on('error', () => undefined);
  const queueCounts =
    dispatcher instanceof QueueDispatcher ? () => (dispatcher as QueueDispatcher).counts() : null;
  if (queueCounts) metrics.trackQueue('runs', async () => ({ ...(await queueCounts()) }));
  const ready = () =>
    checkReadiness({
      postgres: () => db.query('SELECT 1'),
      redis,
      queue: queueCounts && (async () => ({ ...(await queueCounts()) })),
    });
  app.use(probes(ready));
  app.use(metricsEndpoint(metrics, config.metrics.token));
  // Every body is JSON, screened before parsing (see common/request-input.ts).
  // (Nest's type omits `verify`, which it only sets itself for `rawBody: true`; we don't use that.)
  const json = { limit: config.bodyLimit, type: readsAsJson, verify: screenBody };
  app.useBodyParser('json', json);
  app.use(screenQuery);
  app.use(bodyParserErrors);
  // Browsers may read the transcript's page headers too (GET /chats/{id}/messages).
  app.enableCors({ exposedHeaders: ['X-Has-More', 'X-Next-Cursor', 'Link'] });
  serveConsole(app);
  // socket.io on the same HTTP server (see realtime-io.adapter.ts for why no Redis adapter).
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config.realtime));
  setupOpenApi(app);
  await app.init();
  sweeper?.start();
  ingestionSweeper?.start();
  // Webhooks are delivered where runs execute: here in the embedded default, by the worker in queue mode.
  const webhookLog = new Logger('Webhooks');
  const webhooks = config.runInProcess
    ? createWebhookDelivery(db, config, {
        mode: 'poller',
        fetch: webhookFetch(config),
        onAttempt: (a) =>
          metrics.webhookAttempt({ eventType: a.eventType, ok: a.ok, durationMs: a.durationMs }),
        log: (m) => webhookLog.warn(m),
      })
    : null;
  webhooks?.start();
  const metricsServer =
    config.metrics.port === null
      ? null
      : await startMetricsServer(metrics, { port: config.metrics.port, host: config.host, ready });

  return {
    app,
    db,
    bus,
    executor,
    sweeper,
    webhooks,
    metrics,
    async close() {
      await metricsServer?.close();
      sweeper?.stop();
      ingestionSweeper?.stop();
      await webhooks?.stop();
      await app.close();
      await dispatcher.close();
      await ingestion.close();
      await bus.close();
      redis?.disconnect();
      await db.close();
    },
  };
}

/** Body-parser and input-screen failures happen before Nest's router: answer in the family's shape. */
function bodyParserErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  const { status, message } = describeError(err);
  const text = Array.isArray(message) ? message.join('; ') : message;
  // The chatbot APIs answer in their own error shapes (issue 7).
  if (isAsyntaiPath(req.path)) res.status(status).json(asyntaiError(text));
  else if (isAksitaPath(req.path)) res.status(status).json(aksitaError(text));
  else res.status(status).json({ statusCode: status, message, error: reasonPhrase(status) });
}
