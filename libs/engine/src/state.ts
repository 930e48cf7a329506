import type { FlowSpec, TerminationReason, TranscriptMessage } from '@conclave/domain';
import type { Team } from './agent-defaults';
import type { EngineState } from './contract';

/** Which human-input rule asked the human (AG2 `check_termination_and_human_reply` branches). */
export type HumanBranch = 'always' | 'limit' | 'termination';

/** How a group speaker was chosen; recorded on the speaker's first message as `meta.speaker_selection`. */
export interface SpeakerSelection {
  method: 'auto' | 'round_robin' | 'random' | 'manual' | 'tool_filter' | 'single_eligible';
  attempts?: number;
  fallback?: true;
}

/**
 * Where the conversation stands. Internal phases are moved through by the engine itself within one
 * `start`/`apply`; the others wait for the runtime and are what `next` turns into a step.
 */
export type Phase =
  | { kind: 'after_message' }
  | { kind: 'select' }
  | { kind: 'reply' }
  | { kind: 'auto_reply' }
  | { kind: 'tools'; message: number }
  | { kind: 'finish'; reason: TerminationReason }
  | { kind: 'model_reply'; agent: string }
  | { kind: 'human'; agent: string; sender: string; branch: HumanBranch }
  | { kind: 'http_tools'; agent: string; message: number }
  | { kind: 'client_tools'; agent: string; message: number }
  | { kind: 'select_auto'; candidates: string[]; replies: string[] }
  | { kind: 'select_manual'; candidates: string[]; tries: number }
  | { kind: 'summary'; agent: string; reason: TerminationReason }
  | { kind: 'end'; reason: TerminationReason; summary: string | null };

export const INTERNAL_PHASES: ReadonlySet<Phase['kind']> = new Set([
  'after_message',
  'select',
  'reply',
  'auto_reply',
  'tools',
  'finish',
]);

/** The engine's JSON state. Never holds the transcript, only positions into it. */
export type ConversationState = {
  v: 1;
  /** Index in the full transcript of this run's first message (= length of the history). */
  base: number;
  /** Transcript length the state corresponds to; `next` refuses any other. */
  length: number;
  /** RunStart.context: given to the models, never stored as a message. */
  context: string | null;
  rng: number;
  /** AG2 `_consecutive_auto_reply_counter`: agent → sender → count. */
  counters: Record<string, Record<string, number>>;
  /** Sequential chats: index of the current chat (0 otherwise). */
  chatIndex: number;
  /** Transcript index of the current chat's first message. */
  chatStart: number;
  /** Messages (replies) of the current chat, the first message included: turns halves or group rounds. */
  replies: number;
  /** Summaries of the finished sequential chats (the carryover). */
  summaries: string[];
  lastSpeaker: string;
  /** The reply being produced: `agent` answers `sender`. */
  reply: { agent: string; sender: string; selection?: SpeakerSelection } | null;
  phase: Phase;
};

/** Mutable working copy used while the engine advances inside `start`/`apply`. */
export interface Work {
  flow: FlowSpec;
  team: Team;
  state: ConversationState;
  /** Full transcript so far: history, earlier messages of the run, then `out`. */
  transcript: TranscriptMessage[];
  /** Messages produced by this call, returned to the runtime. */
  out: TranscriptMessage[];
}

/** Read-only view used by `next`. */
export interface View {
  flow: FlowSpec;
  team: Team;
  state: ConversationState;
  transcript: readonly TranscriptMessage[];
}

export function readState(state: EngineState): ConversationState {
  if (state.v !== 1 || typeof state.phase !== 'object' || state.phase === null)
    throw new Error(`engine: unsupported state (v=${String(state.v)})`);
  return state as unknown as ConversationState;
}

export function toEngineState(state: ConversationState): EngineState {
  return state as unknown as EngineState;
}

export function lastMessage(view: View): TranscriptMessage {
  const last = view.transcript[view.transcript.length - 1];
  if (!last) throw new Error('engine: empty transcript');
  return last;
}

export function getCounter(state: ConversationState, agent: string, sender: string): number {
  return state.counters[agent]?.[sender] ?? 0;
}

export function setCounter(state: ConversationState, agent: string, sender: string, value: number): void {
  state.counters[agent] = { ...state.counters[agent], [sender]: value };
}

/** Appends a message produced by the engine (adds the sequential index and the pending speaker choice). */
export function emit(w: Work, message: TranscriptMessage): void {
  const meta: Record<string, unknown> = { ...message.meta };
  if (w.flow.chat.type === 'sequential') meta.sequence_index = w.state.chatIndex;
  if (w.state.reply?.selection) {
    meta.speaker_selection = w.state.reply.selection;
    delete w.state.reply.selection;
  }
  const out: TranscriptMessage = { ...message };
  if (Object.keys(meta).length > 0) out.meta = meta;
  else delete out.meta;
  w.transcript.push(out);
  w.out.push(out);
  w.state.length += 1;
}
