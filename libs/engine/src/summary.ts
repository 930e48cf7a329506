import type { PromptMessage, TerminationReason } from '@conclave/domain';
import { agentOf } from './agent-defaults';
import { groupManager, groupSpec } from './group-chat';
import { contextBlock, toPromptMessages, visibleMessages } from './prompt';
import { hasNextSequentialChat, openSequentialChat } from './sequential';
import { inGroupChat, nestingDepth, type View, type Work } from './state';
import { nestedChatDone } from './nested-chat';
import { currentPair } from './two-agent';

/** AG2 `DEFAULT_SUMMARY_PROMPT`. */
export const SUMMARY_PROMPT =
  'Summarize the takeaway from the conversation. Do not add any introductory phrases.';

/** AG2 `_last_msg_as_summary`: every `TERMINATE` removed, no trimming; a null content gives "". */
export function lastMsgSummary(content: string | null | undefined): string {
  return (content ?? '').split('TERMINATE').join('');
}

interface SummaryPlan {
  method: 'last_msg' | 'reflection_with_llm';
  initiator: string;
  /** AG2 `_reflection_with_llm`: the recipient's (manager's) client first, else the initiator's. */
  llmOwner: { name: string; llm: NonNullable<ReturnType<typeof agentOf>['llm']> } | null;
}

function summaryPlan(view: View): SummaryPlan {
  if (inGroupChat(view)) {
    const chat = groupSpec(view.flow);
    const manager = groupManager(view.team);
    const initiator = agentOf(view.team, chat.initiator);
    const owner = manager.llm ? manager : initiator.llm ? initiator : null;
    return {
      method: chat.summary_method ?? 'last_msg',
      initiator: initiator.name,
      llmOwner: owner?.llm ? { name: owner.name, llm: owner.llm } : null,
    };
  }
  const pair = currentPair(view.flow, view.state);
  const recipient = agentOf(view.team, pair.recipient);
  const initiator = agentOf(view.team, pair.initiator);
  const owner = recipient.llm ? recipient : initiator.llm ? initiator : null;
  return {
    method: pair.summaryMethod,
    initiator: initiator.name,
    llmOwner: owner?.llm ? { name: owner.name, llm: owner.llm } : null,
  };
}

/** The chat is over: summarise (maybe with a model call), then open the next sequential chat or end. */
export function finishChat(w: Work, reason: TerminationReason): void {
  const plan = summaryPlan(w);
  if (plan.method === 'reflection_with_llm' && plan.llmOwner) {
    w.state.phase = { kind: 'summary', agent: plan.llmOwner.name, reason };
    return;
  }
  // Reflection without any LLM falls back to the last message (AG2 would leave the summary empty).
  const last = w.transcript.length > w.state.chatStart ? w.transcript[w.transcript.length - 1] : undefined;
  chatDone(w, reason, lastMsgSummary(last?.content));
}

export function chatDone(w: Work, reason: TerminationReason, summary: string): void {
  // Any end of an inner chat (exit included) ends only that chat.
  if (nestingDepth(w.state) > 0) return nestedChatDone(w, summary);
  // A human's `exit` ends the whole run, not only the current chat of a sequence.
  if (reason !== 'human_exit' && hasNextSequentialChat(w)) {
    w.state.summaries = [...w.state.summaries, summary];
    openSequentialChat(w, w.state.chatIndex + 1);
    return;
  }
  w.state.phase = { kind: 'end', reason, summary };
}

/** AG2 reflection: the conversation from the initiator's side, then the summary prompt as a system message. */
export function summaryRequestMessages(view: View): PromptMessage[] {
  const plan = summaryPlan(view);
  const context = contextBlock(view.state.context);
  return [
    ...(context ? [{ role: 'system' as const, content: context }] : []),
    ...toPromptMessages(plan.initiator, visibleMessages(view)),
    { role: 'system', content: SUMMARY_PROMPT },
  ];
}

export function summaryLlm(view: View) {
  const owner = summaryPlan(view).llmOwner;
  if (!owner) throw new Error('engine: no LLM for the summary');
  return owner;
}
