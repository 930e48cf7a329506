/**
 * AG2 nested chats (`ConversableAgent.register_nested_chats` / `_summary_from_nested_chats`, run with
 * `initiate_chats`): an agent whose trigger matches the sender answers by running a queue of inner
 * two-agent chats and replying with the last inner chat's summary.
 *
 * Traced from AG2 (conversable_agent.py, chat.py):
 * - The nested-chat reply sits after the termination / human-input check and before tool execution
 *   and the LLM: it runs only where the agent would auto-reply (so each firing counts against its
 *   `max_consecutive_auto_reply`); a typed human answer or an ended conversation skips it.
 * - Trigger: the sender's name (the group manager's too), `{type}` of agent, or a list (any matches).
 * - The queue is read at each firing. An entry's sender defaults to the owner; the first entry's
 *   message defaults to the triggering message's content; an empty message, or a later entry without
 *   one, skips that chat. Nothing left to run → the agent replies "nothing" (the conversation ends).
 * - Inner chats are ordinary two-agent chats (history cleared, `max_turns`, `summary_method`), run in
 *   order with the earlier inner summaries as carryover ("\nContext: \n" + summaries joined by "\n").
 * - Every end of an inner chat (max_turns, termination, `exit`, no reply) ends only that chat; the
 *   owner then sends the last summary to the outer sender as an ordinary message, even "".
 * - Human input inside follows each inner agent's own mode: the whole run pauses on it.
 *
 * Our transcript records inner messages in place with `meta.nested {owner, depth, chat_index}`; the
 * outer agents never see them (prompts filter by depth).
 */
import type { FlowSpec, NestedChatTrigger, NestedChatsSpec } from '@conclave/domain';
import type { Team } from './agent-defaults';
import { completeReply, currentReply, openChat } from './conversation';
import { carryoverMessage } from './sequential';
import { currentFrame, emit, nestingDepth, type ConversationState, type Work } from './state';
import type { PairChat } from './two-agent';

/** A cycle of nested chats (A's inner chat triggers B's, which triggers A's…) stops here. */
export const MAX_NESTING_DEPTH = 8;

/** The owner's nested chats when `sender` matches their trigger, else null. */
export function triggeredNestedChats(
  flow: FlowSpec,
  team: Team,
  owner: string,
  sender: string,
): NestedChatsSpec | null {
  const spec = flow.agents.find((a) => a.name === owner)?.nested_chats;
  if (!spec) return null;
  const triggers = Array.isArray(spec.trigger) ? spec.trigger : [spec.trigger];
  return triggers.some((t) => triggerMatches(t, team, sender)) ? spec : null;
}

export function triggerMatches(trigger: NestedChatTrigger, team: Team, sender: string): boolean {
  if (typeof trigger === 'string') return trigger === sender;
  if (trigger.type === 'group_manager') return team.manager?.name === sender;
  return team.agents.get(sender)?.type === trigger.type;
}

/** Which queue entries run, with their first message (AG2 skips chats without a message). */
export function planNestedChats(
  spec: NestedChatsSpec,
  triggerContent: string | null,
): { entry: number; message: string }[] {
  const plan: { entry: number; message: string }[] = [];
  spec.chat_queue.forEach((c, i) => {
    const message = c.message ?? (i === 0 ? (triggerContent ?? '') : '');
    if (message) plan.push({ entry: i, message });
  });
  return plan;
}

/**
 * Fires the owner's nested chats in answer to the message being replied to. Returns false when no
 * chat has a message to run: the agent then says "nothing".
 */
export function fireNestedChats(w: Work, spec: NestedChatsSpec): boolean {
  const reply = currentReply(w);
  const trigger = w.transcript[w.transcript.length - 1];
  const plan = planNestedChats(spec, trigger?.content ?? null);
  if (plan.length === 0) return false;
  if (nestingDepth(w.state) >= MAX_NESTING_DEPTH) {
    throw new Error(
      `engine: nested chats deeper than ${MAX_NESTING_DEPTH} levels (agent "${reply.agent}"); ` +
        'check the nested_chats triggers for a cycle',
    );
  }
  const s = w.state;
  s.nested = [
    ...(s.nested ?? []),
    {
      owner: reply.agent,
      sender: reply.sender,
      plan,
      position: 0,
      summaries: [],
      outer: {
        chatIndex: s.chatIndex,
        chatStart: s.chatStart,
        replies: s.replies,
        summaries: s.summaries,
        lastSpeaker: s.lastSpeaker,
        reply: s.reply,
      },
    },
  ];
  openInnerChat(w);
  return true;
}

function openInnerChat(w: Work): void {
  const frame = currentFrame(w.state)!;
  const pair = nestedPair(w.flow, w.state)!;
  const message = carryoverMessage(frame.plan[frame.position].message, frame.summaries);
  openChat(w, pair.initiator, pair.recipient, message, 0);
}

/** The inner chat in progress as a two-agent chat, or null outside nested chats. */
export function nestedPair(flow: FlowSpec, state: ConversationState): PairChat | null {
  const frame = currentFrame(state);
  if (!frame) return null;
  const spec = flow.agents.find((a) => a.name === frame.owner)?.nested_chats;
  const entry = spec?.chat_queue[frame.plan[frame.position]?.entry ?? -1];
  if (!entry) throw new Error(`engine: the nested chats of "${frame.owner}" changed under a running chat`);
  return {
    initiator: entry.sender ?? frame.owner,
    recipient: entry.recipient,
    maxTurns: entry.max_turns,
    summaryMethod: entry.summary_method ?? 'last_msg',
  };
}

/**
 * An inner chat is over (whatever the reason): run the next one with the carryover, or, after the
 * last, return to the enclosing chat where the owner sends the last summary to its sender.
 */
export function nestedChatDone(w: Work, summary: string): void {
  const frames = w.state.nested ?? [];
  const frame = frames[frames.length - 1];
  if (!frame) throw new Error('engine: no nested chat in progress');
  frame.summaries = [...frame.summaries, summary];
  frame.position += 1;
  if (frame.position < frame.plan.length) return openInnerChat(w);
  w.state.nested = frames.slice(0, -1);
  if (w.state.nested.length === 0) delete w.state.nested;
  Object.assign(w.state, frame.outer);
  const reply = currentReply(w);
  // emit() moves a pending speaker choice (saved with the outer reply) onto this message.
  emit(w, {
    sender: reply.agent,
    recipient: reply.sender,
    type: 'assistant',
    content: summary,
    meta: { nested_summary: true },
  });
  completeReply(w);
}
