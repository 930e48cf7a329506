/** Why a run ended (docs/engine.md, termination reasons). Exposed as `termination_reason` on the chat and the run. */
export const TERMINATION_REASONS = [
  'termination_message',
  'max_turns',
  'max_round',
  'max_consecutive_auto_reply',
  'human_exit',
  'no_reply',
  'no_next_speaker',
  'cancelled',
  'input_timeout',
  'insufficient_credits',
  'max_run_seconds',
  'max_run_messages',
  'error',
] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];
