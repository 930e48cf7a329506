import { compileRulePattern } from '@conclave/domain';
import type {
  FlowSpec,
  InputRequest,
  ModelReply,
  ModelRequest,
  ScriptedReply,
  ToolCall,
  TranscriptMessage,
} from '@conclave/domain';
import type { Advance, EngineState, Outcome, RunStart, Step } from '../contract';
import { engine } from '../engine';

/**
 * A tiny in-memory runtime: the reference loop `next → perform the step → apply → persist`.
 * The real runtime does the same with a database, model providers and input requests.
 */
export interface DriveHandlers {
  /** Model calls; default: the flow's scripted LLMs (`scriptedModel`). */
  model?: (request: ModelRequest) => ModelReply | string;
  /** Answers to `text` and `speaker` requests, in order (or a function); none left / undefined = pause. */
  human?: readonly string[] | ((request: InputRequest) => string | undefined);
  /** Outputs for `tool_outputs` requests; undefined = pause. */
  clientTools?: (request: InputRequest) => { tool_call_id: string; output: string }[] | undefined;
  /** HTTP tools; default: every call returns `ok:<name>`. */
  httpTools?: (calls: ToolCall[]) => { tool_call_id: string; content: string }[];
}

/** State and transcript length persisted after one advance, and the step `next` returned there. */
export interface Checkpoint {
  state: EngineState;
  length: number;
  step: Step;
}

export interface DriveResult {
  /** Whole transcript: history then this run. */
  transcript: TranscriptMessage[];
  /** This run's messages. */
  messages: TranscriptMessage[];
  state: EngineState;
  /** The `end` step, or the step the drive paused at (no answer available). */
  step: Step;
  steps: Step[];
  checkpoints: Checkpoint[];
  /** Fork points: the state right after each message that has one (transcript length → state). */
  forkPoints: Map<number, EngineState>;
}

export function drive(
  flow: FlowSpec,
  run: RunStart,
  handlers: DriveHandlers = {},
  maxSteps = 10_000,
): DriveResult {
  const first = engine.start(flow, run);
  const result = resume(
    flow,
    first.state,
    [...run.history, ...first.messages],
    handlers,
    maxSteps,
    run.history.length,
  );
  addForkPoints(result.forkPoints, run.history.length, first);
  return result;
}

export function resume(
  flow: FlowSpec,
  initialState: EngineState,
  initialTranscript: readonly TranscriptMessage[],
  handlers: DriveHandlers = {},
  maxSteps = 10_000,
  base = (initialState as { base?: number }).base ?? 0,
): DriveResult {
  const model = handlers.model ?? scriptedModel();
  const humanQueue = Array.isArray(handlers.human) ? [...handlers.human] : null;
  const human = (request: InputRequest): string | undefined =>
    humanQueue
      ? humanQueue.shift()
      : typeof handlers.human === 'function'
        ? handlers.human(request)
        : undefined;
  const http =
    handlers.httpTools ??
    ((calls: ToolCall[]) => calls.map((c) => ({ tool_call_id: c.id, content: `ok:${c.name}` })));

  let state = initialState;
  const transcript = [...initialTranscript];
  const steps: Step[] = [];
  const checkpoints: Checkpoint[] = [];
  const forkPoints = new Map<number, EngineState>();
  const take = (advanced: Advance) => {
    addForkPoints(forkPoints, transcript.length, advanced);
    state = advanced.state;
    transcript.push(...advanced.messages);
  };
  // A state saved mid-step (a fork point) first finishes its step.
  const continued = engine.continueFrom(flow, state, transcript);
  if (continued) take(continued);
  for (let i = 0; i < maxSteps; i++) {
    const step = engine.next(flow, state, transcript);
    steps.push(step);
    checkpoints.push({ state, length: transcript.length, step });
    const outcome = perform(step);
    if (!outcome)
      return { transcript, messages: transcript.slice(base), state, step, steps, checkpoints, forkPoints };
    take(engine.apply(flow, state, transcript, outcome));
  }
  throw new Error(`drive: no end after ${maxSteps} steps`);

  function perform(step: Step): Outcome | null {
    switch (step.type) {
      case 'end':
        return null;
      case 'call_model': {
        const reply = model(step.request);
        return { type: 'model_reply', reply: typeof reply === 'string' ? { content: reply } : reply };
      }
      case 'call_tools':
        return { type: 'tool_results', results: http(step.calls.map((c) => c.call)) };
      case 'ask_human': {
        if (step.request.kind === 'tool_outputs') {
          const outputs = handlers.clientTools?.(step.request);
          return outputs ? { type: 'client_tool_outputs', outputs } : null;
        }
        const answer = human(step.request);
        return answer === undefined ? null : { type: 'human_answer', answer };
      }
    }
  }
}

/** Records an advance's fork points: each message's checkpoint, and the final state for the last. */
function addForkPoints(points: Map<number, EngineState>, before: number, advanced: Advance): void {
  advanced.messages.forEach((_, i) => {
    const last = i === advanced.messages.length - 1;
    const state = last ? advanced.state : advanced.checkpoints?.[i];
    if (state) points.set(before + i + 1, state);
  });
}

/**
 * Answers model requests from the requesting agent's `scripted` LLM spec: the first matching rule
 * (regex on the last non-system message), else echo, else the replies in order (the last repeats).
 */
export function scriptedModel(): (request: ModelRequest) => ModelReply {
  const used = new Map<string, number>();
  return (request) => {
    const llm = request.llm;
    if (llm.provider !== 'scripted')
      throw new Error(`scriptedModel: ${request.agent} has a ${llm.provider} llm`);
    const last = [...request.messages].reverse().find((m) => m.role !== 'system')?.content ?? '';
    const rule = (llm.rules ?? []).find((r) => compileRulePattern(r.match).test(last));
    if (rule) return toReply(rule.reply);
    if (llm.echo) return { content: last };
    const replies = llm.replies ?? [];
    // The engine's count of the agent's model calls; the local count only for hand-made requests.
    const n = request.call_index ?? used.get(request.agent) ?? 0;
    used.set(request.agent, n + 1);
    if (replies.length === 0) return { content: '' };
    return toReply(replies[Math.min(n, replies.length - 1)]);
  };
}

function toReply(reply: ScriptedReply): ModelReply {
  if (typeof reply === 'string') return { content: reply };
  return {
    content: reply.content ?? null,
    ...(reply.tool_calls
      ? {
          tool_calls: reply.tool_calls.map((c) => ({
            id: c.id,
            name: c.name,
            arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
          })),
        }
      : {}),
  };
}
