import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@conclave/config';
import { createExecutor, createSweeper, openProcessCore, startWebhookDelivery } from '@conclave/bootstrap';
import { accessLog, createLogger, PinoNestLogger, type Logger as PinoLogger } from '@conclave/logging';
import type { Database } from '@conclave/persistence';
import {
  InProcessIngestion,
  IngestionSweeper,
  QueueIngestion,
  type IngestionDispatcher,
} from '@conclave/knowledge';
import type { EventBus } from '@conclave/realtime';
import {
  InProcessDispatcher,
  QueueDispatcher,
  type RunDispatcher,
  type RunExecutor,
  type RunSweeper,
} from '@conclave/runtime';
import type { NextFunction, Request, Response } from 'express';
import type { WebhookDelivery } from '@conclave/webhooks';
import { type ConclaveMetrics, startMetricsServer } from '@conclave/metrics';
import { AppModule } from './app.module';
import { httpMetrics, metricsEndpoint, probes } from './observability/observability';
import { mountQueueDashboard } from './observability/queue-dashboard';
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
  const runtimeLog = new Logger('Runtime');
  const knowledgeLog = new Logger('Knowledge');
  const core = await openProcessCore(config, logger, { service: 'api', log: (m) => knowledgeLog.warn(m) });
  const { db, bus, metrics, knowledge } = core;
  let executor: RunExecutor | null = null;
  let sweeper: RunSweeper | null = null;
  let dispatcher: RunDispatcher;
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
    executor = createExecutor(
      core,
      config,
      () => dispatcher,
      (m) => runtimeLog.warn(m),
    );
    dispatcher = new InProcessDispatcher(executor, config.workerConcurrency, (m) => runtimeLog.error(m));
    sweeper = createSweeper(core, config, dispatcher, (m) => runtimeLog.warn(m));
  } else if (config.redisUrl) {
    // Queue mode: the API only enqueues; apps/worker executes runs and runs the sweeper (which
    // re-dispatches from Postgres whatever Redis lost). See docs/queue-mode.md.
    dispatcher = new QueueDispatcher(core.repositories.runs, {
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
  // Behind the compose proxy (or any): req.ip is the client, for the failed-auth limiter and rate limits.
  if (config.trustProxy.length > 0) app.set('trust proxy', config.trustProxy);
  // First middleware: every request gets its access log line, even one the body parser rejects.
  app.use(accessLog(logger));
  app.use(httpMetrics(metrics));
  // Probes and metrics answer before authentication, rate limits and body parsing.
  const queueCounts =
    dispatcher instanceof QueueDispatcher
      ? async () => ({ ...(await (dispatcher as QueueDispatcher).counts()) })
      : null;
  if (queueCounts) metrics.trackQueue('runs', queueCounts);
  const ready = () => core.ready(queueCounts);
  app.use(probes(ready));
  app.use(metricsEndpoint(metrics, config.metrics.token));
  // Operators only (QUEUE_DASHBOARD + its token); config refuses it outside queue mode.
  const dashboard =
    config.queueDashboard && config.redisUrl
      ? mountQueueDashboard(app, {
          redisUrl: config.redisUrl,
          prefix: config.queuePrefix,
          token: config.queueDashboard.token,
        })
      : null;
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
    ? startWebhookDelivery(core, config, 'poller', (m) => webhookLog.warn(m))
    : null;
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
      await dashboard?.close();
      await core.close();
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
