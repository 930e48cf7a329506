import { Logger } from '@nestjs/common';
import { describeStartupError, loadConfig } from '@conclave/config';
import { createLogger, PinoNestLogger } from '@conclave/logging';
import { createWorkerApp } from './worker-app';

/** `npm run start:worker`: executes queued runs (queue mode: REDIS_URL + DATABASE_URL). */
async function main(): Promise<void> {
  const config = loadConfig();
  const pino = createLogger({ level: config.logLevel, format: config.logFormat, service: 'worker' });
  Logger.overrideLogger(new PinoNestLogger(pino));
  const logger = new Logger('Conclave');
  const worker = await createWorkerApp(config, pino);
  // Always printed (whatever LOG_LEVEL): scripts and tests wait for this line.
  process.stdout.write(
    `Conclave worker ready (pid ${process.pid}, concurrency ${config.workerConcurrency}, queue prefix ${config.queuePrefix})\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing current steps, releasing runs`);
    await worker.close().catch((err) => logger.error(err));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Conclave worker failed to start: ${describeStartupError(err)}\n`);
  process.exit(1);
});
