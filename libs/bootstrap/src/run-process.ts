import { Logger } from '@nestjs/common';
import { type AppConfig, describeStartupError, loadConfig } from '@conclave/config';
import { createLogger, PinoNestLogger, type Logger as PinoLogger } from '@conclave/logging';

export interface RunningProcess {
  /** The graceful stop SIGINT/SIGTERM run (once). */
  close(): Promise<void>;
}

export interface ProcessDefinition {
  service: 'api' | 'worker';
  /** Start of the failure line: `<name> failed to start: <cause and fix>`. */
  name: string;
  /** What the process does when asked to stop, logged with the signal. */
  stopping: string;
  start(config: AppConfig, logger: PinoLogger): Promise<RunningProcess>;
}

/**
 * The life of an api or worker process: the configuration read and validated once, pino as the only
 * logger (Nest's `Logger` writes through it, before and after Nest starts), a start-up failure as one
 * line on stderr naming the fix and exit code 1, and a graceful stop on SIGINT/SIGTERM — once: a
 * second signal during the drain does not cut it short.
 */
export function runProcess(definition: ProcessDefinition): void {
  let config: AppConfig | undefined;
  const start = async () => {
    config = loadConfig();
    const pino = createLogger({
      level: config.logLevel,
      format: config.logFormat,
      service: definition.service,
    });
    Logger.overrideLogger(new PinoNestLogger(pino));
    const logger = new Logger('Conclave');
    const running = await definition.start(config, pino);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: ${definition.stopping}`);
      await running.close().catch((err) => logger.error(err));
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  };
  start().catch((err) => {
    // Only the API listens on PORT: a port in use elsewhere names its own port.
    const port = definition.service === 'api' ? config?.port : undefined;
    process.stderr.write(`${definition.name} failed to start: ${describeStartupError(err, { port })}\n`);
    process.exit(1);
  });
}
