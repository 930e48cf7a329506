import type { FlowSpec, TranscriptMessage } from '@conclave/domain';
import { resolveTeam } from './agent-defaults';
import type { Advance, Engine, EngineState, Outcome, RunStart, Step } from './contract';
import { openChat } from './conversation';
import {
  applyManualSelection,
  applySelectionReply,
  groupAfterMessage,
  groupManager,
  selectSpeaker,
} from './group-chat';
import {
  applyHumanAnswer,
  applyModelReply,
  applyToolOutputs,
  autoReply,
  beginReply,
  runTools,
} from './reply';
import { seedRng } from './rng';
import { openSequentialChat } from './sequential';
import {
  INTERNAL_PHASES,
  inGroupChat,
  modelCallIndex,
  readState,
  toEngineState,
  type ConversationState,
  type Phase,
  type Work,
} from './state';
import { stepFor } from './steps';
import { chatDone, finishChat } from './summary';
import { pairAfterMessage } from './two-agent';

/** Far above any real run (max_round ≤ 10,000); only a bug could loop this long without I/O. */
const MAX_INTERNAL_STEPS = 1_000_000;

/** Moves through the internal phases until the conversation waits for the runtime (or has ended). */
function advance(w: Work): void {
  for (let i = 0; i < MAX_INTERNAL_STEPS; i++) {
    snapshot(w);
    const phase = w.state.phase;
    switch (phase.kind) {
      case 'after_message':
        if (inGroupChat(w)) groupAfterMessage(w);
        else pairAfterMessage(w);
        break;
      case 'select':
        selectSpeaker(w);
        break;
      case 'reply':
        beginReply(w);
        break;
      case 'auto_reply':
        autoReply(w);
        break;
      case 'tools':
        runTools(w, phase.message);
        break;
      case 'finish':
        finishChat(w, phase.reason);
        break;
      default:
        return;
    }
  }
  throw new Error('engine: too many internal steps without I/O');
}

/**
 * Between internal phases the state is consistent: resuming it (`continueFrom`) replays the rest of
 * the step exactly. The first such state after each new message is that message's fork point.
 */
function snapshot(w: Work): void {
  const length = w.transcript.length;
  if (w.out.length === 0 || w.snapshots?.has(length)) return;
  (w.snapshots ??= new Map()).set(length, structuredClone(w.state));
}

function work(flow: FlowSpec, state: ConversationState, transcript: readonly TranscriptMessage[]): Work {
  return {
    flow,
    team: resolveTeam(flow),
    state: structuredClone(state),
    transcript: [...transcript],
    out: [],
  };
}

/** The advance's messages, final state, and each message's fork point. */
function result(w: Work): Advance {
  const first = w.transcript.length - w.out.length;
  // The last message's fork point is the final state itself.
  const checkpoints = w.out.map((_, i) => {
    const snap = i < w.out.length - 1 ? w.snapshots?.get(first + i + 1) : undefined;
    return snap ? toEngineState(snap) : null;
  });
  return { state: toEngineState(w.state), messages: w.out, checkpoints };
}

function checkTranscript(state: ConversationState, transcript: readonly TranscriptMessage[]): void {
  if (transcript.length !== state.length) {
    throw new Error(
      `engine: the transcript has ${transcript.length} messages but the state was saved at ${state.length}` +
        ' (pass the whole chat transcript: history followed by every message of this run)',
    );
  }
}

function start(flow: FlowSpec, run: RunStart): Advance {
  const state: ConversationState = {
    v: 1,
    base: run.history.length,
    length: run.history.length,
    context: run.context?.trim() ? run.context : null,
    rng: seedRng(run.seed),
    counters: {},
    chatIndex: 0,
    chatStart: run.history.length,
    replies: 0,
    summaries: [],
    lastSpeaker: '',
    modelCalls: { ...run.modelCalls },
    reply: null,
    phase: { kind: 'after_message' },
  };
  const w = work(flow, state, run.history);
  const chat = flow.chat;
  if (chat.type === 'two_agent') openChat(w, chat.initiator, chat.recipient, run.message);
  else if (chat.type === 'group') openChat(w, chat.initiator, groupManager(w.team).name, run.message);
  else openSequentialChat(w, 0, run.message);
  advance(w);
  return result(w);
}

function continueFrom(
  flow: FlowSpec,
  engineState: EngineState,
  transcript: readonly TranscriptMessage[],
): Advance | null {
  const state = readState(engineState);
  checkTranscript(state, transcript);
  if (!INTERNAL_PHASES.has(state.phase.kind)) return null;
  const w = work(flow, state, transcript);
  advance(w);
  return result(w);
}

function next(flow: FlowSpec, engineState: EngineState, transcript: readonly TranscriptMessage[]): Step {
  const state = readState(engineState);
  checkTranscript(state, transcript);
  return stepFor({ flow, team: resolveTeam(flow), state, transcript });
}

const EXPECTED_OUTCOME: Record<Phase['kind'], Outcome['type'] | null> = {
  model_reply: 'model_reply',
  select_auto: 'model_reply',
  summary: 'model_reply',
  human: 'human_answer',
  select_manual: 'human_answer',
  http_tools: 'tool_results',
  client_tools: 'client_tool_outputs',
  end: null,
  after_message: null,
  select: null,
  reply: null,
  auto_reply: null,
  tools: null,
  finish: null,
};

function apply(
  flow: FlowSpec,
  engineState: EngineState,
  transcript: readonly TranscriptMessage[],
  outcome: Outcome,
): Advance {
  const state = readState(engineState);
  checkTranscript(state, transcript);
  const phase = state.phase;
  const expected = EXPECTED_OUTCOME[phase.kind];
  if (phase.kind === 'end')
    throw new Error('engine: the conversation has ended; there is no outcome to apply');
  if (expected !== outcome.type) {
    throw new Error(
      `engine: expected a "${expected ?? 'none'}" outcome while waiting in "${phase.kind}", got "${outcome.type}"`,
    );
  }
  const w = work(flow, state, transcript);
  if (outcome.type === 'model_reply') countModelCall(w, phase);
  if (outcome.type === 'human_answer') w.state.context = outcome.context?.trim() ? outcome.context : null;
  const p = w.state.phase;
  switch (p.kind) {
    case 'model_reply':
      applyModelReply(w, (outcome as Extract<Outcome, { type: 'model_reply' }>).reply);
      break;
    case 'select_auto':
      applySelectionReply(w, p, (outcome as Extract<Outcome, { type: 'model_reply' }>).reply);
      break;
    case 'summary':
      chatDone(w, p.reason, (outcome as Extract<Outcome, { type: 'model_reply' }>).reply.content ?? '');
      break;
    case 'human':
      applyHumanAnswer(w, p, (outcome as Extract<Outcome, { type: 'human_answer' }>).answer);
      break;
    case 'select_manual':
      applyManualSelection(w, p, (outcome as Extract<Outcome, { type: 'human_answer' }>).answer);
      break;
    case 'http_tools':
      applyToolOutputs(w, p, (outcome as Extract<Outcome, { type: 'tool_results' }>).results);
      break;
    case 'client_tools':
      applyToolOutputs(
        w,
        p,
        (outcome as Extract<Outcome, { type: 'client_tool_outputs' }>).outputs.map((o) => ({
          tool_call_id: o.tool_call_id,
          content: o.output,
        })),
      );
      break;
    default:
      throw new Error(`engine: cannot apply an outcome in phase "${p.kind}"`);
  }
  advance(w);
  return result(w);
}

/** The call whose reply is being applied is one more model call of the agent it was made for. */
function countModelCall(w: Work, phase: Phase): void {
  const agent =
    phase.kind === 'select_auto'
      ? groupManager(w.team).name
      : phase.kind === 'model_reply' || phase.kind === 'summary'
        ? phase.agent
        : null;
  if (agent === null) return;
  w.state.modelCalls = { ...w.state.modelCalls, [agent]: modelCallIndex(w.state, agent) + 1 };
}

/** AG2 conversation semantics as a pure state machine (see docs/engine.md). */
export const engine: Engine = { start, next, apply, continueFrom };
