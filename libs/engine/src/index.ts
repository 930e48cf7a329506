/**
 * @conclave/engine — AG2 conversation semantics as a pure, deterministic state machine
 * (start → next → apply). See testing/drive.ts for the reference runtime loop.
 *
 * Decisions where AG2 is silent, unusable from a web API, or the spec asks otherwise:
 * - Two-agent tool calls: the agent receiving the tool-call message executes any tool declared by
 *   either agent (unknown name → "Error: Function X not found."). Group: the tool filter picks the
 *   member whose tools include all called names; if no member has tools the chat goes on and the
 *   speaker answers "not found" (AG2 raises).
 * - A reply of "nothing" always ends the chat (AG2's max_turns loop would carry on oddly). In a
 *   group it is `no_reply`, except a human's `exit` (`human_exit`).
 * - allowed_transitions leaving no eligible agent ends with `no_next_speaker` (AG2 falls back to all).
 * - Manual selection accepts a number or a name; three bad answers fall back to round robin.
 * - Auto selection without a manager LLM uses round robin (meta fallback).
 * - reflection_with_llm uses the recipient's (manager's) LLM, else the initiator's (AG2
 *   `_reflection_with_llm`); without any LLM the summary is last_msg.
 * - Sequential: `exit` ends the whole run; other reasons hand over to the next chat. A chat's
 *   prompts hold the earlier runs and the current chat only (AG2 clears history per chat).
 * - Rounds/turns count replies: a tool reply with several `tool` messages is one reply.
 */
export * from './contract';
export { engine } from './engine';
export {
  agentDefaults,
  managerDefaults,
  resolveTeam,
  ASSISTANT_SYSTEM_MESSAGE,
  CONVERSABLE_SYSTEM_MESSAGE,
  DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY,
  MANAGER_SYSTEM_MESSAGE,
  type ResolvedAgent,
  type ResolvedManager,
  type Team,
} from './agent-defaults';
export { isTerminationMessage, DEFAULT_TERMINATION } from './termination';
export { checkBeforeReply, interpretAnswer, humanInputPrompt } from './human-input';
export { toPromptMessages } from './prompt';
export { mentionedAgents, nextAgent, prepareSelection, selectSpeakerPrompt } from './speaker-selection';
export { carryoverMessage } from './sequential';
export { lastMsgSummary, SUMMARY_PROMPT } from './summary';
export { USER_INTERRUPTED } from './tools';
export type { ConversationState, SpeakerSelection } from './state';
export { modelCallsOf } from './state';
export {
  drive,
  resume,
  scriptedModel,
  type Checkpoint,
  type DriveHandlers,
  type DriveResult,
} from './testing/drive';
