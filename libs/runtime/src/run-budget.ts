/** Limits on one run, whatever its flow says (MAX_RUN_SECONDS, MAX_RUN_MESSAGES). */
export interface RunBudget {
  maxSeconds: number;
  maxMessages: number;
}

export type BudgetReason = 'max_run_seconds' | 'max_run_messages';

/** What a run has used so far: since when it runs (persisted `started_at`) and the messages it wrote. */
export interface RunUsage {
  startedAt: Date;
  messages: number;
}

/**
 * Whether the run may not go on: its wall-clock time is spent, or writing `adding` more messages
 * would take it past its message budget (the step is then dropped, so a run never exceeds it).
 */
export function budgetExceeded(
  budget: RunBudget,
  usage: RunUsage,
  now: Date,
  adding = 0,
): BudgetReason | null {
  if (now.getTime() - usage.startedAt.getTime() >= budget.maxSeconds * 1000) return 'max_run_seconds';
  if (usage.messages >= budget.maxMessages || usage.messages + adding > budget.maxMessages)
    return 'max_run_messages';
  return null;
}

/** Milliseconds left before the wall-clock budget runs out (≥ 0). */
export function msLeft(budget: RunBudget, startedAt: Date, now: Date): number {
  return Math.max(0, startedAt.getTime() + budget.maxSeconds * 1000 - now.getTime());
}
