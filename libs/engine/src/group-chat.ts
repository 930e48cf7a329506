import type { FlowSpec, GroupChatSpec, ModelReply, PromptMessage } from '@conclave/domain';
import { agentOf, type ResolvedManager, type Team } from './agent-defaults';
import { finish } from './conversation';
import { pick } from './rng';
import {
  introductionMessage,
  mentionedAgents,
  nextAgent,
  parseManualAnswer,
  prepareSelection,
} from './speaker-selection';
import { lastMessage, type Phase, type SpeakerSelection, type Work } from './state';
import { isTerminationMessage } from './termination';

/** AG2 speaker selection: manual asks three times at most, then round robin. */
export const MANUAL_SELECTION_TRIES = 3;

export function groupSpec(flow: FlowSpec): GroupChatSpec {
  if (flow.chat.type !== 'group') throw new Error('engine: not a group chat');
  return flow.chat;
}

/** Members in order; default all agents of the flow. */
export function groupMembers(flow: FlowSpec): string[] {
  return groupSpec(flow).agents ?? flow.agents.map((a) => a.name);
}

export function groupManager(team: Team): ResolvedManager {
  if (!team.manager) throw new Error('engine: group chat without manager');
  return team.manager;
}

/** AG2 `send_introductions`: the manager's introduction every member received before the first round. */
export function groupIntroduction(flow: FlowSpec, team: Team): PromptMessage | null {
  if (flow.chat.type !== 'group' || !flow.chat.send_introductions) return null;
  const members = groupMembers(flow).map((n) => agentOf(team, n));
  return { role: 'user', content: introductionMessage(members), name: groupManager(team).name };
}

/**
 * AG2 `run_chat` round loop: the message is appended; stop if it is a termination message for the
 * manager or the last round (the initial message is round 1); otherwise select the next speaker.
 */
export function groupAfterMessage(w: Work): void {
  const chat = groupSpec(w.flow);
  if (isTerminationMessage(lastMessage(w).content, groupManager(w.team).isTerminationMsg)) {
    return finish(w, 'termination_message');
  }
  if (w.state.replies >= (chat.max_round ?? 10)) return finish(w, 'max_round');
  w.state.phase = { kind: 'select' };
}

function choose(w: Work, agent: string, selection: SpeakerSelection): void {
  w.state.reply = { agent, sender: groupManager(w.team).name, selection };
  w.state.phase = { kind: 'reply' };
}

export function selectSpeaker(w: Work): void {
  const chat = groupSpec(w.flow);
  const members = groupMembers(w.flow);
  const last = w.state.lastSpeaker;
  const prepared = prepareSelection({
    members,
    agents: w.team.agents,
    lastSpeaker: last,
    lastMessage: lastMessage(w),
    allowRepeatSpeaker: chat.allow_repeat_speaker ?? true,
    allowedTransitions: chat.allowed_transitions,
  });
  if (prepared.kind === 'none') return finish(w, 'no_next_speaker');
  if (prepared.kind === 'chosen') return choose(w, prepared.agent, prepared.selection);
  const candidates = prepared.candidates;
  switch (chat.speaker_selection ?? 'auto') {
    case 'round_robin':
      return choose(w, nextAgent(members, last, candidates), { method: 'round_robin' });
    case 'random': {
      const { item, state } = pick(candidates, w.state.rng);
      w.state.rng = state;
      return choose(w, item, { method: 'random' });
    }
    case 'manual':
      w.state.phase = { kind: 'select_manual', candidates, tries: 0 };
      return;
    case 'auto':
      if (!groupManager(w.team).llm) {
        // Without a manager LLM there is nobody to ask: round robin, recorded as a fallback.
        return choose(w, nextAgent(members, last, candidates), {
          method: 'auto',
          attempts: 0,
          fallback: true,
        });
      }
      w.state.phase = { kind: 'select_auto', candidates, replies: [] };
      return;
  }
}

/** AG2 `_validate_speaker_name`: exactly one candidate named → chosen; else retry, then round robin. */
export function applySelectionReply(
  w: Work,
  phase: Extract<Phase, { kind: 'select_auto' }>,
  reply: ModelReply,
): void {
  const content = reply.content ?? '';
  const attempts = phase.replies.length + 1;
  const mentions = mentionedAgents(content.trim(), phase.candidates);
  if (mentions.size === 1) return choose(w, [...mentions.keys()][0], { method: 'auto', attempts });
  const maxAttempts = 1 + (groupSpec(w.flow).max_retries_for_selecting_speaker ?? 2);
  if (attempts < maxAttempts) {
    w.state.phase = {
      kind: 'select_auto',
      candidates: phase.candidates,
      replies: [...phase.replies, content],
    };
    return;
  }
  const next = nextAgent(groupMembers(w.flow), w.state.lastSpeaker, phase.candidates);
  choose(w, next, { method: 'auto', attempts, fallback: true });
}

/** AG2 `manual_select_speaker`: "" or `q`, or three bad answers, fall back to round robin over all members. */
export function applyManualSelection(
  w: Work,
  phase: Extract<Phase, { kind: 'select_manual' }>,
  answer: string,
): void {
  const members = groupMembers(w.flow);
  const fallback = () =>
    choose(w, nextAgent(members, w.state.lastSpeaker), { method: 'manual', fallback: true });
  if (answer === '' || answer === 'q') return fallback();
  const chosen = parseManualAnswer(answer, phase.candidates);
  if (chosen) return choose(w, chosen, { method: 'manual' });
  const tries = phase.tries + 1;
  if (tries >= MANUAL_SELECTION_TRIES) return fallback();
  w.state.phase = { ...phase, tries };
}
