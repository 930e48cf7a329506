import type { ModelReply, TerminationReason, ToolSpec, TranscriptMessage } from '@conclave/domain';
import { agentOf, type ResolvedAgent } from './agent-defaults';
import { completeReply, currentReply, finish } from './conversation';
import { checkBeforeReply, interpretAnswer } from './human-input';
import { fireNestedChats, triggeredNestedChats } from './nested-chat';
import {
  emit,
  getCounter,
  inGroupChat,
  lastMessage,
  setCounter,
  type Phase,
  type View,
  type Work,
} from './state';
import { isTerminationMessage } from './termination';
import { pendingToolCalls, resolveToolCall, toolResultMessage, USER_INTERRUPTED } from './tools';
import { currentPair } from './two-agent';

/**
 * One agent's reply (AG2 `generate_reply`), first rule that produces a reply wins:
 * 1. termination / human-input check, 2. pending tool calls, 3. LLM, 4. default auto reply.
 */
export function beginReply(w: Work): void {
  const reply = currentReply(w);
  const agent = agentOf(w.team, reply.agent);
  const counter = getCounter(w.state, agent.name, reply.sender);
  const terminating = isTerminationMessage(lastMessage(w).content, agent.isTerminationMsg);
  const check = checkBeforeReply(agent.humanInputMode, counter, agent.maxConsecutiveAutoReply, terminating);
  if (check.kind === 'ask') {
    w.state.phase = { kind: 'human', agent: agent.name, sender: reply.sender, branch: check.branch };
  } else if (check.kind === 'end') {
    noReply(w, check.reason);
  } else {
    setCounter(w.state, agent.name, reply.sender, counter + 1);
    w.state.phase = { kind: 'auto_reply' };
  }
}

/** The agent answers "nothing" (AG2 None): the conversation ends. In a group chat that is `no_reply`. */
function noReply(w: Work, reason: TerminationReason): void {
  finish(w, inGroupChat(w) && reason !== 'human_exit' ? 'no_reply' : reason);
}

/** Steps 2–4 of the reply, after the human-input check let the agent auto-reply. */
export function autoReply(w: Work): void {
  const reply = currentReply(w);
  const agent = agentOf(w.team, reply.agent);
  const index = w.transcript.length - 1;
  const nested = triggeredNestedChats(w.flow, w.team, agent.name, reply.sender);
  if (nested) {
    // AG2: a nested-chat reply with no chat to run is None, "nothing": the conversation ends.
    if (!fireNestedChats(w, nested)) noReply(w, 'no_reply');
  } else if (index >= w.state.chatStart && pendingToolCalls(w.transcript, index).length > 0) {
    w.state.phase = { kind: 'tools', message: index };
  } else if (agent.llm) {
    w.state.phase = { kind: 'model_reply', agent: agent.name };
  } else {
    sendDefaultReply(w, agent);
  }
}

function sendDefaultReply(w: Work, agent: ResolvedAgent): void {
  emitReply(w, { type: 'assistant', content: agent.defaultAutoReply });
  completeReply(w);
}

function emitReply(w: Work, message: Omit<TranscriptMessage, 'sender' | 'recipient'>): void {
  const reply = currentReply(w);
  emit(w, { sender: reply.agent, recipient: reply.sender, ...message });
}

/**
 * Tools the replying agent executes. Two-agent chats: the agent receiving the tool-call message
 * executes any tool declared by either agent (in AG2 one agent proposes, the other executes).
 * Group chats: the speaker's own tools (the tool filter made the right agent the speaker).
 */
export function executableTools(view: View, agentName: string): ToolSpec[] {
  const own = agentOf(view.team, agentName).tools;
  if (inGroupChat(view)) return own;
  const pair = currentPair(view.flow, view.state);
  const other = agentOf(view.team, pair.initiator === agentName ? pair.recipient : pair.initiator).tools;
  return [...own, ...other.filter((t) => !own.some((o) => o.name === t.name))];
}

export type ToolPlan = { resolved: { id: string; content: string }[]; http: string[]; client: string[] };

export function planTools(view: View, agentName: string, message: number): ToolPlan {
  const tools = executableTools(view, agentName);
  const plan: ToolPlan = { resolved: [], http: [], client: [] };
  for (const call of pendingToolCalls(view.transcript, message)) {
    const r = resolveToolCall(call, tools);
    if (r.kind === 'result') plan.resolved.push({ id: call.id, content: r.content });
    else plan[r.kind].push(call.id);
  }
  return plan;
}

/** AG2 `generate_tool_calls_reply`: one `tool` message per call; the reply completes when all are answered. */
export function runTools(w: Work, message: number): void {
  const reply = currentReply(w);
  const plan = planTools(w, reply.agent, message);
  for (const r of plan.resolved) emitReply(w, toolResultMessage(reply.agent, reply.sender, r.id, r.content));
  if (plan.http.length > 0) w.state.phase = { kind: 'http_tools', agent: reply.agent, message };
  else if (plan.client.length > 0) w.state.phase = { kind: 'client_tools', agent: reply.agent, message };
  else completeReply(w);
}

export function applyHumanAnswer(w: Work, phase: Extract<Phase, { kind: 'human' }>, answer: string): void {
  const agent = agentOf(w.team, phase.agent);
  const terminating = isTerminationMessage(lastMessage(w).content, agent.isTerminationMsg);
  const effect = interpretAnswer(phase.branch, answer, terminating, agent.maxConsecutiveAutoReply);
  if (effect.kind === 'end') return noReply(w, effect.reason);
  if (effect.kind === 'auto') {
    // AG2: the counter grows; only a non-empty answer or `exit` resets it.
    setCounter(w.state, agent.name, phase.sender, getCounter(w.state, agent.name, phase.sender) + 1);
    w.state.phase = { kind: 'auto_reply' };
    return;
  }
  setCounter(w.state, agent.name, phase.sender, 0);
  const index = w.transcript.length - 1;
  const meta = { human_input: true };
  // AG2: a human answer instead of executing tool calls answers each of them with USER INTERRUPTED.
  for (const call of pendingToolCalls(w.transcript, index)) {
    emitReply(w, toolResultMessage(agent.name, phase.sender, call.id, USER_INTERRUPTED, meta));
  }
  emitReply(w, { type: 'user', content: effect.content, meta });
  completeReply(w);
}

export function applyModelReply(w: Work, reply: ModelReply): void {
  const toolCalls = reply.tool_calls?.length ? reply.tool_calls : undefined;
  const content = reply.content ?? null;
  // AG2: a model reply with neither content nor tool calls falls through to the default auto reply.
  if (content === null && !toolCalls) return sendDefaultReply(w, agentOf(w.team, currentReply(w).agent));
  emitReply(w, {
    type: 'assistant',
    content,
    ...(toolCalls ? { tool_calls: toolCalls } : {}),
    ...(reply.usage ? { usage: reply.usage } : {}),
  });
  completeReply(w);
}

/** Tool results from the runtime (http) or the API caller (client): exactly the calls that were asked. */
export function applyToolOutputs(
  w: Work,
  phase: Extract<Phase, { kind: 'http_tools' | 'client_tools' }>,
  results: readonly { tool_call_id: string; content: string }[],
): void {
  const plan = planTools(w, phase.agent, phase.message);
  const expected = phase.kind === 'http_tools' ? plan.http : plan.client;
  const byId = new Map(results.map((r) => [r.tool_call_id, r.content]));
  const unknown = [...byId.keys()].filter((id) => !expected.includes(id));
  const missing = expected.filter((id) => !byId.has(id));
  if (unknown.length > 0 || missing.length > 0 || byId.size !== results.length) {
    throw new Error(
      `engine: tool outputs must answer exactly ${expected.join(', ')}` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (unknown.length ? `; unexpected ${unknown.join(', ')}` : '') +
        (byId.size !== results.length ? '; duplicate tool_call_id' : ''),
    );
  }
  for (const id of expected)
    emitReply(w, toolResultMessage(phase.agent, currentReply(w).sender, id, byId.get(id) ?? ''));
  w.state.phase = { kind: 'tools', message: phase.message };
}
