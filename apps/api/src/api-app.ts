import 'reflect-metadata';
import { type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@conclave/config';
import { engine } from '@conclave/engine';
import { createModelInvoker } from '@conclave/llm';
import { Database } from '@conclave/persistence';
import { createEventBus, type EventBus } from '@conclave/realtime';
import { InProcessDispatcher, RunExecutor, RunSweeper, type RunDispatcher } from '@conclave/runtime';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { describeError, reasonPhrase } from './common/native-exception.filter';

export interface ApiApp {
  app: INestApplication;
  db: Database;
  bus: EventBus;
  executor: RunExecutor | null;
  sweeper: RunSweeper | null;
  /** Stops accepting requests, lets in-flight runs stop, closes the pool. */
  close(): Promise<void>;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds the API process: database (migrated), event bus, run execution (in-process in embedded
 * mode), and the Nest HTTP app. Used by main.ts and by the e2e tests, so both run the same wiring.
 */
export async function createApiApp(config: AppConfig & { databaseUrl: string }): Promise<ApiApp> {
  const db = new Database(config.databaseUrl, { applicationName: 'conclave-api' });
  await db.connect();
  await db.migrate();

  const bus = await createEventBus(config.redisUrl);
  let executor: RunExecutor | null = null;
  let sweeper: RunSweeper | null = null;
  let dispatcher: RunDispatcher;
  const runtimeLog = new Logger('Runtime');
  if (config.runInProcess) {
    const models = createModelInvoker({
      openai: { ...config.llm.openai, timeoutMs: config.llm.timeoutMs },
      secrets: config.llm.secrets,
      retry: config.llm.retry,
    });
    executor = new RunExecutor(db, engine, models, bus, {
      leaseMs: config.leaseMs,
      secrets: config.llm.secrets,
      log: (m) => runtimeLog.warn(m),
    });
    dispatcher = new InProcessDispatcher(executor, config.workerConcurrency, (m) => runtimeLog.error(m));
    sweeper = new RunSweeper(db, dispatcher, bus, {
      intervalMs: config.sweepIntervalMs,
      log: (m) => runtimeLog.warn(m),
    });
  } else {
    throw new Error('queue mode is not available yet');
  }

  const levelIndex = LOG_LEVELS.indexOf(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, db, bus, dispatcher }),
    {
      bodyParser: false,
      logger: LOG_LEVELS.slice(0, Math.max(levelIndex, 1) + 1),
    },
  );
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.use(bodyParserErrors);
  app.enableCors();
  await app.init();
  sweeper?.start();

  return {
    app,
    db,
    bus,
    executor,
    sweeper,
    async close() {
      sweeper?.stop();
      await app.close();
      await dispatcher.close();
      await bus.close();
      await db.close();
    },
  };
}

/** Body-parser failures happen before Nest's router: answer them in the native error shape. */
function bodyParserErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  const { status, message } = describeError(err);
  res.status(status).json({ statusCode: status, message, error: reasonPhrase(status) });
}
