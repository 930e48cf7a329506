import type { Logger } from 'pino';
import { scrubSecrets } from './redaction';

export interface RunEndLine {
  runId: string;
  chatId: string;
  accountId?: string | null;
  status: 'completed' | 'failed' | 'cancelled';
  /** termination_reason */
  reason: string;
  /** The failure's cause (the run's last_error). */
  error?: string | null;
}

/** One line per run end with its termination reason; a failure is an error line with its cause. */
export function logRunEnd(logger: Logger, end: RunEndLine): void {
  const line = {
    context: 'Runs',
    run_id: end.runId,
    chat_id: end.chatId,
    account_id: end.accountId ?? null,
    status: end.status,
    termination_reason: end.reason,
    ...(end.error ? { error: scrubSecrets(end.error) } : {}),
  };
  if (end.status === 'failed') logger.error(line, 'run failed');
  else logger.info(line, 'run ended');
}
