/**
 * The chat's five Agentok statuses and the run statuses behind them (the runs table's CHECK), with
 * the sets the run lifecycle (run-lifecycle.ts) and its SQL guards are built from.
 */
export const CHAT_STATUSES = ['ready', 'running', 'wait_for_human_input', 'completed', 'error'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

/** Statuses in which a chat has an active run. */
export const ACTIVE_CHAT_STATUSES: readonly ChatStatus[] = ['running', 'wait_for_human_input'];
/** Statuses in which a new user message starts a new run. */
export const STARTABLE_CHAT_STATUSES: readonly ChatStatus[] = ['ready', 'completed', 'error'];
/** Statuses a chat takes when its run ends (a `pending` run may then start). */
export const ENDED_CHAT_STATUSES: readonly ChatStatus[] = ['completed', 'error'];

export function isChatStatus(value: unknown): value is ChatStatus {
  return typeof value === 'string' && (CHAT_STATUSES as readonly string[]).includes(value);
}

/**
 * `pending`: enqueued behind the chat's active run (`multitask=enqueue`), not yet started;
 * `queued`: waiting for a worker; `running`: a worker holds its lease; `waiting`: asking a human.
 */
export const RUN_STATUSES = [
  'pending',
  'queued',
  'running',
  'waiting',
  'completed',
  'failed',
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A chat's one active run (the partial unique index `runs_one_active_per_chat`). */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting'];
/** Runs a worker may take: queued, or running under a lease that may have expired. */
export const CLAIMABLE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running'];
/** The one status in which a run has a lease holder. */
export const LEASED_RUN_STATUSES: readonly RunStatus[] = ['running'];
/** Runs that never executed (not part of the chat's recorded conversation). */
export const UNSTARTED_RUN_STATUSES: readonly RunStatus[] = ['pending', 'queued'];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}
