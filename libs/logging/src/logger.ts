import pino, { type DestinationStream, type Logger } from 'pino';
import { formatPretty } from './pretty';
import { REDACT_PATHS, scrubSecrets } from './redaction';

export type { Logger } from 'pino';

/** Nest's level names (LOG_LEVEL) → pino's. */
const LEVELS = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
} as const;

export interface LoggerSettings {
  /** LOG_LEVEL, in Nest's names. */
  level: keyof typeof LEVELS;
  /** LOG_FORMAT; `auto` → JSON lines unless stdout is a terminal. */
  format: 'json' | 'pretty' | 'auto';
  /** `api` or `worker`: on every line. */
  service: string;
}

/**
 * The process logger: pino, one JSON object per line (or the pretty format on a terminal), with
 * secret fields censored and credential-shaped text scrubbed before anything is written.
 */
export function createLogger(settings: LoggerSettings, out: NodeJS.WritableStream = process.stdout): Logger {
  const isTty = Boolean((out as NodeJS.WriteStream).isTTY);
  const pretty = settings.format === 'pretty' || (settings.format === 'auto' && isTty);
  const destination: DestinationStream = pretty
    ? { write: (line: string) => void out.write(formatPretty(JSON.parse(line), isTty)) }
    : out === process.stdout
      ? pino.destination({ fd: 1, sync: true })
      : { write: (line: string) => void out.write(line) };
  return pino(
    {
      level: LEVELS[settings.level],
      base: { service: settings.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
