import type { PromptMessage, TranscriptMessage } from '@conclave/domain';
import type { ResolvedAgent } from './agent-defaults';
import { messageDepth, nestingDepth, type View } from './state';
import { USER_INTERRUPTED } from './tools';

/**
 * The transcript as `agent` sees it (AG2): its own messages are `assistant`, everyone else's are
 * `user` with the sender's name; tool-call messages are always `assistant` (only they may carry
 * tool calls) and tool results keep role `tool` with their `tool_call_id`.
 */
export function toPromptMessages(agent: string, messages: readonly TranscriptMessage[]): PromptMessage[] {
  const out: PromptMessage[] = [];
  let unanswered: string[] = [];
  for (const m of messages) {
    if (m.type !== 'tool') closeToolCalls(out, unanswered);
    if (m.type === 'tool') {
      unanswered = unanswered.filter((id) => id !== m.tool_call_id);
      out.push({ role: 'tool', content: m.content ?? '', tool_call_id: m.tool_call_id });
      continue;
    }
    unanswered = [];
    const own = m.sender === agent;
    if (m.tool_calls?.length) {
      unanswered = m.tool_calls.map((c) => c.id);
      out.push({
        role: 'assistant',
        content: m.content,
        tool_calls: m.tool_calls,
        ...(own ? {} : { name: m.sender }),
      });
    } else if (own) out.push({ role: 'assistant', content: m.content ?? '' });
    else out.push({ role: 'user', content: m.content ?? '', name: m.sender });
  }
  return out;
}

/**
 * A run that stopped while tool calls were pending (cancelled, timed out) leaves calls without
 * results; models reject such prompts, so they read as interrupted (prompt only, never stored).
 */
function closeToolCalls(out: PromptMessage[], unanswered: string[]): void {
  for (const id of unanswered) out.push({ role: 'tool', content: USER_INTERRUPTED, tool_call_id: id });
  unanswered.length = 0;
}

/**
 * Messages a model sees: earlier runs (AG2 clear_history=False) and the current chat. In a sequential
 * run earlier chats reach the next one only through the carryover (AG2 clears each chat's history).
 */
export function visibleMessages(view: View): TranscriptMessage[] {
  return [...historyMessages(view), ...currentChatMessages(view)];
}

/**
 * Earlier runs' messages of the flow's own conversation. Inner chats clear history (AG2 default), so
 * they see none; nested-chat messages are never shown to the outer chat.
 */
function historyMessages(view: View): TranscriptMessage[] {
  if (nestingDepth(view.state) > 0) return [];
  return view.transcript.slice(0, view.state.base).filter((m) => messageDepth(m) === 0);
}

/** The current (inner) chat's messages, without the messages of chats nested in it. */
function currentChatMessages(view: View): TranscriptMessage[] {
  const depth = nestingDepth(view.state);
  return view.transcript.slice(view.state.chatStart).filter((m) => messageDepth(m) === depth);
}

/** The run's extra context, appended to the system message (never stored as a message). */
export function contextBlock(context: string | null): string | null {
  return context ? `Context:\n${context}` : null;
}

export function systemMessage(base: string, context: string | null): PromptMessage[] {
  const content = [base, contextBlock(context)].filter((s): s is string => !!s).join('\n\n');
  return content ? [{ role: 'system', content }] : [];
}

/** The prompt of `agent`'s reply: system message (+ context), optional group introduction, the conversation. */
export function replyPrompt(
  view: View,
  agent: ResolvedAgent,
  introduction: PromptMessage | null,
): PromptMessage[] {
  const history = historyMessages(view);
  const current = currentChatMessages(view);
  return [
    ...systemMessage(agent.systemMessage, view.state.context),
    ...toPromptMessages(agent.name, history),
    ...(introduction ? [introduction] : []),
    ...toPromptMessages(agent.name, current),
  ];
}
