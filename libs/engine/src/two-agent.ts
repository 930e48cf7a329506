import type { FlowSpec } from '@conclave/domain';
import { agentOf } from './agent-defaults';
import { finish } from './conversation';
import { nestedPair } from './nested-chat';
import { lastMessage, type ConversationState, type Work } from './state';
import { isTerminationMessage } from './termination';

/** A two-agent chat: the flow's `two_agent` chat or the current chat of a sequence. */
export interface PairChat {
  initiator: string;
  recipient: string;
  maxTurns?: number;
  summaryMethod: 'last_msg' | 'reflection_with_llm';
}

export function currentPair(flow: FlowSpec, state: ConversationState): PairChat {
  const inner = nestedPair(flow, state);
  if (inner) return inner;
  const chat = flow.chat;
  if (chat.type === 'two_agent') {
    return {
      initiator: chat.initiator,
      recipient: chat.recipient,
      maxTurns: chat.max_turns,
      summaryMethod: chat.summary_method ?? 'last_msg',
    };
  }
  if (chat.type === 'sequential') {
    const c = chat.chats[state.chatIndex];
    if (!c) throw new Error(`engine: no sequential chat ${state.chatIndex}`);
    return {
      initiator: c.initiator,
      recipient: c.recipient,
      maxTurns: c.max_turns,
      summaryMethod: c.summary_method ?? 'last_msg',
    };
  }
  throw new Error('engine: not a two-agent chat');
}

/**
 * AG2 `initiate_chat`: the two agents alternate, the recipient answering odd messages. With
 * `max_turns` N the chat stops after exactly 2N messages, and before each later turn it stops when
 * the recipient's `is_termination_msg` matches the last message.
 */
export function pairAfterMessage(w: Work): void {
  const pair = currentPair(w.flow, w.state);
  const n = w.state.replies;
  if (pair.maxTurns !== undefined) {
    if (n >= 2 * pair.maxTurns) return finish(w, 'max_turns');
    const recipient = agentOf(w.team, pair.recipient);
    if (n % 2 === 0 && isTerminationMessage(lastMessage(w).content, recipient.isTerminationMsg)) {
      return finish(w, 'termination_message');
    }
  }
  const recipientReplies = n % 2 === 1;
  w.state.reply = recipientReplies
    ? { agent: pair.recipient, sender: pair.initiator }
    : { agent: pair.initiator, sender: pair.recipient };
  w.state.phase = { kind: 'reply' };
}
