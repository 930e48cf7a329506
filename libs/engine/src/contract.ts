import type {
  FlowSpec,
  InputRequest,
  ModelReply,
  ModelRequest,
  TerminationReason,
  ToolCall,
  ToolSpec,
  TranscriptMessage,
} from '@conclave/domain';

/**
 * The engine's contract with the runtime. The engine is pure: given the flow, its own small JSON
 * state and the run's transcript it decides the next step; the runtime performs the step's I/O
 * (model call, tool call, asking a human) and hands back the outcome, which yields the messages to
 * persist and the next state. Persisting (state, messages) in one transaction after each outcome is
 * what makes a crashed run resumable without duplicates.
 */

export type Step =
  | { type: 'call_model'; request: ModelRequest }
  /** HTTP tools the server executes; results come back as `tool_results`. */
  | { type: 'call_tools'; agent: string; calls: { call: ToolCall; tool: ToolSpec }[] }
  | { type: 'ask_human'; request: InputRequest }
  | { type: 'end'; reason: TerminationReason; summary: string | null };

export type Outcome =
  | { type: 'model_reply'; reply: ModelReply }
  /** A human's answer to `ask_human`: text (may be ""), or tool outputs for a `tool_outputs` request. */
  /**
   * `context`: extra context for the turn this answer starts (Aksita additional_context). A human's
   * answer always replaces the run's context, so it applies to that turn only.
   */
  | { type: 'human_answer'; answer: string; context?: string }
  | { type: 'client_tool_outputs'; outputs: { tool_call_id: string; output: string }[] }
  | { type: 'tool_results'; results: { tool_call_id: string; content: string }[] };

export interface RunStart {
  /** The user's message that starts this run. */
  message: string;
  /** Seed for random speaker selection. */
  seed: number;
  /** Messages of earlier runs of the same chat: context for the agents (AG2 clear_history=False). */
  history: TranscriptMessage[];
  /** Extra context for this run only (Aksita additional_context); given to the models, not stored as a message. */
  context?: string;
  /** Model calls per agent in earlier runs of the chat (the last run's `modelCallsOf`); default none. */
  modelCalls?: Record<string, number>;
}

export interface Advance {
  state: EngineState;
  /** New transcript messages, in order, to persist with `state`. */
  messages: TranscriptMessage[];
  /**
   * Fork points: for each message, the state right after it when the engine passed a consistent
   * point there (null otherwise); `continueFrom` resumes such a state. The last message's point is
   * `state` itself.
   */
  checkpoints?: (EngineState | null)[];
}

/** Opaque-to-the-runtime, JSON-serialisable engine state (counters, positions, pending request). */
export type EngineState = Record<string, unknown> & { v: number };

export interface Engine {
  /** State and the first messages (the user's message) of a new run. */
  start(flow: FlowSpec, start: RunStart): Advance;
  /**
   * The next step. `transcript` is the chat's whole transcript: the history given at `start`
   * followed by every message this run produced so far.
   */
  next(flow: FlowSpec, state: EngineState, transcript: readonly TranscriptMessage[]): Step;
  /**
   * Continues a state saved mid-step (a fork point from `Advance.checkpoints`) until it waits for the
   * runtime again; null when `state` already waits (nothing to continue).
   */
  continueFrom(flow: FlowSpec, state: EngineState, transcript: readonly TranscriptMessage[]): Advance | null;
  /** Applies the outcome of the step `next` returned. */
  apply(
    flow: FlowSpec,
    state: EngineState,
    transcript: readonly TranscriptMessage[],
    outcome: Outcome,
  ): Advance;
}
