import type { FlowSpec, ModelRequest, ToolCall, TranscriptMessage } from '@conclave/domain';
import { modelCallsOf, type Advance, type Engine, type EngineState, type Outcome } from '@conclave/engine';
import type { ModelInvoker } from '@conclave/llm';
import type { PendingAnswer } from '@conclave/persistence';

/**
 * Replays recorded conversations against a flow version (regression testing a flow): the same user
 * messages, seeds and human answers are fed to the engine in-process, models are called through the
 * given invoker, HTTP tools are answered with their recorded results (a replay never calls out), and
 * the new transcript is compared with the recorded one. Nothing is persisted.
 */

/** One recorded run: the message that started it, its seed, and the answers it got, in order. */
export interface RecordedRun {
  message: string;
  seed: number;
  context?: string;
  answers: PendingAnswer[];
}

export interface RecordedConversation {
  runs: RecordedRun[];
  /** The recorded transcript (all runs). */
  messages: TranscriptMessage[];
}

export interface ReplayBudget {
  /** Model calls allowed for this conversation. */
  maxModelCalls: number;
  /** Messages after which the replay stops (a flow that never ends). */
  maxMessages: number;
  signal?: AbortSignal;
}

/** How model calls are made: the invoker, and the key of an llm's `api_key_ref` (live models). */
export interface ReplayModels {
  invoker: ModelInvoker;
  keyFor?: (llm: ModelRequest['llm']) => Promise<string | undefined>;
}

/** A message as compared: who, to whom, what. */
export interface ComparedMessage {
  sender: string;
  receiver: string | null;
  type: string;
  content: string | null;
  tool_calls?: { name: string; arguments: string }[];
}

export interface Divergence {
  /** Seq of the first message that differs (1-based, as in the chat). */
  seq: number;
  /** null: the new transcript has a message the recorded one has not, and vice versa. */
  expected: ComparedMessage | null;
  actual: ComparedMessage | null;
}

export interface ReplayReport {
  status: 'pass' | 'diverged' | 'error';
  divergence: Divergence | null;
  expected_messages: number;
  actual_messages: number;
  /** How the replayed conversation ended (null: it paused or stopped). */
  termination_reason: string | null;
  /** Why the replay stopped early, if it did (budget, no recorded answer left…). */
  stopped: string | null;
  error?: string;
}

export async function replayConversation(
  engine: Engine,
  flow: FlowSpec,
  recorded: RecordedConversation,
  models: ReplayModels,
  budget: ReplayBudget,
): Promise<ReplayReport> {
  const transcript: TranscriptMessage[] = [];
  let termination: string | null = null;
  let stopped: string | null = null;
  let modelCalls = 0;
  let previous: EngineState | null = null;
  try {
    runs: for (const [r, run] of recorded.runs.entries()) {
      let state = take(
        engine.start(flow, {
          message: run.message,
          seed: run.seed,
          history: [...transcript],
          context: run.context,
          modelCalls: modelCallsOf(previous),
        }),
      );
      const answers = [...run.answers];
      for (;;) {
        budget.signal?.throwIfAborted();
        if (transcript.length > budget.maxMessages) {
          stopped = `more than ${budget.maxMessages} messages`;
          break runs;
        }
        const step = engine.next(flow, state, transcript);
        let outcome: Outcome;
        if (step.type === 'end') {
          termination = step.reason;
          previous = state;
          break;
        } else if (step.type === 'call_model') {
          if (++modelCalls > budget.maxModelCalls) {
            stopped = `more than ${budget.maxModelCalls} model calls`;
            break runs;
          }
          const apiKey = await models.keyFor?.(step.request.llm);
          outcome = {
            type: 'model_reply',
            reply: await models.invoker.invoke(step.request, { signal: budget.signal, apiKey }),
          };
        } else if (step.type === 'call_tools') {
          outcome = { type: 'tool_results', results: recordedToolResults(recorded.messages, step.calls) };
        } else {
          const answer = answers.shift();
          if (!answer) {
            if (r < recorded.runs.length - 1)
              stopped = `run ${r + 1} asked ${step.request.agent} for input but no recorded answer was left`;
            termination = null;
            previous = state;
            break runs;
          }
          outcome =
            answer.kind === 'text'
              ? { type: 'human_answer', answer: answer.message, context: answer.context }
              : { type: 'client_tool_outputs', outputs: answer.outputs };
          if (
            (answer.kind === 'tool_outputs') !== (step.request.kind === 'tool_outputs') &&
            !(answer.kind === 'text' && step.request.kind === 'speaker')
          ) {
            stopped = `the recorded answer is ${answer.kind} but ${step.request.agent} asked for ${step.request.kind}`;
            break runs;
          }
        }
        state = take(engine.apply(flow, state, transcript, outcome));
      }
    }
  } catch (err) {
    return report(recorded.messages, transcript, termination, stopped, (err as Error).message ?? String(err));
  }
  return report(recorded.messages, transcript, termination, stopped);

  function take(advance: Advance): EngineState {
    transcript.push(...advance.messages);
    return advance.state;
  }
}

/** HTTP tool results from the recording: by call id, else the same tool's results in order. */
function recordedToolResults(
  recorded: readonly TranscriptMessage[],
  calls: { call: ToolCall }[],
): { tool_call_id: string; content: string }[] {
  const byId = new Map(recorded.filter((m) => m.type === 'tool').map((m) => [m.tool_call_id, m.content]));
  return calls.map(({ call }) => ({
    tool_call_id: call.id,
    content:
      byId.get(call.id) ??
      `Error: no recorded result for tool call ${call.id} (${call.name}); a replay never calls HTTP tools`,
  }));
}

export function compared(m: TranscriptMessage): ComparedMessage {
  return {
    sender: m.sender,
    receiver: m.recipient,
    type: m.type,
    content: m.content,
    ...(m.tool_calls?.length
      ? { tool_calls: m.tool_calls.map((c) => ({ name: c.name, arguments: c.arguments })) }
      : {}),
  };
}

/** The first message that differs in sender, receiver, type, content or tool calls. */
export function firstDivergence(
  expected: readonly TranscriptMessage[],
  actual: readonly TranscriptMessage[],
): Divergence | null {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i] ? compared(expected[i]) : null;
    const a = actual[i] ? compared(actual[i]) : null;
    if (JSON.stringify(e) !== JSON.stringify(a)) return { seq: i + 1, expected: e, actual: a };
  }
  return null;
}

function report(
  expected: readonly TranscriptMessage[],
  actual: readonly TranscriptMessage[],
  termination: string | null,
  stopped: string | null,
  error?: string,
): ReplayReport {
  const divergence = firstDivergence(expected, actual);
  return {
    status: error ? 'error' : divergence ? 'diverged' : 'pass',
    divergence,
    expected_messages: expected.length,
    actual_messages: actual.length,
    termination_reason: termination,
    stopped,
    ...(error ? { error } : {}),
  };
}
