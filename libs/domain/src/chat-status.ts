/**
 * Agentok's five chat states and the transitions docs/architecture.md lists. Pure: the database enforces
 * the same rules with conditional updates (see persistence), this module is the readable source.
 */
export const CHAT_STATUSES = ['ready', 'running', 'wait_for_human_input', 'completed', 'error'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

/** Statuses in which a chat has an active run. */
export const ACTIVE_CHAT_STATUSES: readonly ChatStatus[] = ['running', 'wait_for_human_input'];
/** Statuses in which a new user message starts a new run. */
export const STARTABLE_CHAT_STATUSES: readonly ChatStatus[] = ['ready', 'completed', 'error'];

export type ChatEvent =
  | 'message' // a user message starts a run
  | 'input_requested'
  | 'input_answered'
  | 'run_completed'
  | 'run_failed'
  | 'run_cancelled';

const TRANSITIONS: Record<ChatStatus, Partial<Record<ChatEvent, ChatStatus>>> = {
  ready: { message: 'running' },
  running: {
    input_requested: 'wait_for_human_input',
    run_completed: 'completed',
    run_failed: 'error',
    run_cancelled: 'completed',
  },
  wait_for_human_input: {
    input_answered: 'running',
    run_completed: 'completed',
    run_failed: 'error',
    run_cancelled: 'completed',
  },
  completed: { message: 'running' },
  error: { message: 'running' },
};

/** The status a chat moves to on `event`, or null when the event is not allowed in `from`. */
export function nextChatStatus(from: ChatStatus, event: ChatEvent): ChatStatus | null {
  return TRANSITIONS[from][event] ?? null;
}

export function isChatStatus(value: unknown): value is ChatStatus {
  return typeof value === 'string' && (CHAT_STATUSES as readonly string[]).includes(value);
}

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting'];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
