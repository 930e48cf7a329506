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
  /**
   * Model calls per agent in the whole chat (earlier runs included): replies, speaker selections
   * with their retries, summaries. Committed with every step, so a resumed run numbers the call in
   * flight the same. Absent in states saved before it existed (= none).
   */
  modelCalls?: Record<string, number>;
  /** The reply being produced: `agent` answers `sender`. */
  reply: { agent: string; sender: string; selection?: SpeakerSelection } | null;
  phase: Phase;
  /** Nested chats in progress, innermost last (absent or empty: the flow's own chat). */
  nested?: NestedFrame[];
};

/** The chat-position fields an inner chat reuses; saved on entering it, restored on leaving. */
export type ChatPosition = Pick<
  ConversationState,
  'chatIndex' | 'chatStart' | 'replies' | 'summaries' | 'lastSpeaker' | 'reply'
>;

/** One firing of an agent's nested chats (AG2 `_summary_from_nested_chats`). */
export interface NestedFrame {
  /** The agent answering with its nested chats, and the sender it answers. */
  owner: string;
  sender: string;
  /** The queue entries that run at this firing (empty messages skipped), with their own first message. */
  plan: { entry: number; message: string }[];
  /** Index into `plan` of the inner chat in progress. */
  position: number;
  /** Summaries of the inner chats done so far (their carryover). */
  summaries: string[];
  /** The enclosing chat's position, restored when the last inner chat is done. */
  outer: ChatPosition;
}

/** 0 for the flow's own chat, n inside n levels of nested chats. */
export function nestingDepth(state: ConversationState): number {
  return state.nested?.length ?? 0;
}

export function currentFrame(state: ConversationState): NestedFrame | undefined {
  return state.nested?.[state.nested.length - 1];
}

/** True when the chat in progress is the flow's group chat (not an inner chat of a member). */
export function inGroupChat(view: { flow: FlowSpec; state: ConversationState }): boolean {
  return view.flow.chat.type === 'group' && nestingDepth(view.state) === 0;
}

/** A message's nesting depth (0: the flow's own conversation). */
export function messageDepth(message: TranscriptMessage): number {
  const nested = message.meta?.nested as { depth?: number } | undefined;
  return nested?.depth ?? 0;
}

/** Mutable working copy used while the engine advances inside `start`/`apply`. */
export interface Work {
  flow: FlowSpec;
  team: Team;
  state: ConversationState;
  /** Full transcript so far: history, earlier messages of the run, then `out`. */
  transcript: TranscriptMessage[];
  /** Messages produced by this call, returned to the runtime. */
  out: TranscriptMessage[];
  /** Consistent states passed after a message (transcript length → state): the fork points. */
  snapshots?: Map<number, ConversationState>;
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

/** Model calls `agent` made so far in the chat: the index of its next call. */
export function modelCallIndex(state: ConversationState, agent: string): number {
  return state.modelCalls?.[agent] ?? 0;
}

/** The per-agent model-call counts of an engine state (for the next run of the chat to continue). */
export function modelCallsOf(state: Record<string, unknown> | null | undefined): Record<string, number> {
  const calls = (state as Partial<ConversationState> | null | undefined)?.modelCalls;
  return calls && typeof calls === 'object' ? { ...calls } : {};
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
  const frame = currentFrame(w.state);
  if (frame) {
    // Inner messages are recorded in the transcript, marked, and never shown to the outer chat.
    meta.nested = {
      owner: frame.owner,
      depth: nestingDepth(w.state),
      chat_index: frame.plan[frame.position]?.entry ?? 0,
    };
  } else if (w.flow.chat.type === 'sequential') meta.sequence_index = w.state.chatIndex;
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
