import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { scrubSecrets } from './redaction';

/**
 * Nest start-up chatter (module wiring, ~100 lines of route mapping): debug, not info, so what a
 * person needs right after `npm start` (the address, the demo key) is not buried.
 */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Nest's LoggerService over pino: every `new Logger(context)` in the code writes through it. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest, true);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest, true);
  }

  private write(level: Level, message: unknown, rest: unknown[], mayHaveStack = false): void {
    const params = [...rest];
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    // Nest passes error(message, stack, context)
    const stack = mayHaveStack && typeof params[0] === 'string' ? scrubSecrets(params[0]) : undefined;
    const effective: Level = level === 'info' && context && START_UP_CONTEXTS.has(context) ? 'debug' : level;
    if (message instanceof Error) this.logger[effective]({ context, err: message }, message.message);
    else if (message && typeof message === 'object') {
      const { msg, ...fields } = message as Record<string, unknown>;
      this.logger[effective]({ context, ...fields }, typeof msg === 'string' ? msg : '');
    } else this.logger[effective]({ context, ...(stack ? { stack } : {}) }, String(message));
  }
}
