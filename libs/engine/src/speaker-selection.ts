import type { PromptMessage, TranscriptMessage } from '@conclave/domain';
import type { ResolvedAgent } from './agent-defaults';
import type { SpeakerSelection } from './state';

/** Python's repr of a list of names, as AG2 prints `{agentlist}`. */
export function agentList(names: readonly string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}

/** AG2 `_participant_roles`. */
export function participantRoles(agents: readonly ResolvedAgent[]): string {
  return agents.map((a) => `${a.name}: ${a.description}`.trim()).join('\n');
}

/** AG2 `select_speaker_message_template` (the selector's system message). */
export function selectSpeakerSystemMessage(agents: readonly ResolvedAgent[]): string {
  return `You are in a role play game. The following roles are available:
                ${participantRoles(agents)}.
                Read the following conversation.
                Then select the next role from ${agentList(agents.map((a) => a.name))} to play. Only return the role.`;
}

/** AG2 `select_speaker_prompt_template`, sent after the conversation. */
export function selectSpeakerPrompt(names: readonly string[]): string {
  return `Read the above conversation. Then select the next role from ${agentList(names)} to play. Only return the role.`;
}

/** AG2 `select_speaker_auto_multiple_template`. */
export const SELECT_SPEAKER_MULTIPLE = `You provided more than one name in your text, please return just the name of the next speaker. To determine the speaker use these prioritised rules:
    1. If the context refers to themselves as a speaker e.g. "As the..." , choose that speaker's name
    2. If it refers to the "next" speaker name, choose that name
    3. Otherwise, choose the first provided speaker's name in the context
    The names are case-sensitive and should not be abbreviated or changed.
    Respond with ONLY the name of the speaker and DO NOT provide a reason.`;

/** AG2 `select_speaker_auto_none_template`. */
export function selectSpeakerNone(names: readonly string[]): string {
  return `You didn't choose a speaker. As a reminder, to determine the speaker use these prioritised rules:
    1. If the context refers to themselves as a speaker e.g. "As the..." , choose that speaker's name
    2. If it refers to the "next" speaker name, choose that name
    3. Otherwise, choose the first provided speaker's name in the context
    The names are case-sensitive and should not be abbreviated or changed.
    The only names that are accepted are ${agentList(names)}.
    Respond with ONLY the name of the speaker and DO NOT provide a reason.`;
}

/** AG2 `introductions_msg` (send_introductions). */
export function introductionMessage(agents: readonly ResolvedAgent[]): string {
  return `Hello everyone. We have assembled a great team today to answer questions and solve tasks. In attendance are:\n\n${participantRoles(agents)}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * AG2 `_mentioned_agents`: how often each candidate is named, case-sensitively, on word boundaries;
 * `_` may appear as a space or escaped as `\_`.
 */
export function mentionedAgents(content: string | null, candidates: readonly string[]): Map<string, number> {
  const padded = ` ${content ?? ''} `;
  const mentions = new Map<string, number>();
  for (const name of candidates) {
    const forms = [name, name.replace(/_/g, ' '), name.replace(/_/g, '\\_')].map(escapeRegExp);
    const count = padded.match(new RegExp(`(?<=\\W)(${forms.join('|')})(?=\\W)`, 'g'))?.length ?? 0;
    if (count > 0) mentions.set(name, count);
  }
  return mentions;
}

/** AG2 `GroupChat.next_agent`: the next member after `last` (in member order) that is eligible. */
export function nextAgent(
  members: readonly string[],
  last: string,
  eligible: readonly string[] = members,
): string {
  const offset = members.indexOf(last) + 1;
  for (let i = 0; i < members.length; i++) {
    const candidate = members[(offset + i) % members.length];
    if (eligible.includes(candidate)) return candidate;
  }
  throw new Error('engine: no eligible agent among the group members');
}

export type SelectionPreparation =
  | { kind: 'chosen'; agent: string; selection: SpeakerSelection }
  | { kind: 'none' }
  | { kind: 'candidates'; candidates: string[] };

export interface SelectionInput {
  members: readonly string[];
  agents: ReadonlyMap<string, ResolvedAgent>;
  lastSpeaker: string;
  lastMessage: TranscriptMessage;
  allowRepeatSpeaker: boolean;
  allowedTransitions?: Record<string, string[]>;
}

/**
 * AG2 `_prepare_and_select_agents` before the method runs: tool filter → no-repeat filter →
 * transitions; a single eligible agent is chosen without asking anyone.
 */
export function prepareSelection(input: SelectionInput): SelectionPreparation {
  const { members, lastSpeaker } = input;
  const toolNames = (name: string) => new Set((input.agents.get(name)?.tools ?? []).map((t) => t.name));
  let agents = [...members];
  const called = (input.lastMessage.tool_calls ?? []).map((c) => c.name);
  if (called.length > 0) {
    // AG2 func_call_filter: the agent whose tools include all called names executes them.
    const able = members.filter((m) => called.every((n) => toolNames(m).has(n)));
    const pool = able.length > 0 ? able : members.filter((m) => toolNames(m).size > 0);
    if (pool.length === 1) return { kind: 'chosen', agent: pool[0], selection: { method: 'tool_filter' } };
    // AG2 raises when no member has tools; we carry on and the speaker answers "Function not found".
    if (pool.length > 1) agents = pool;
  }
  if (!input.allowRepeatSpeaker) agents = agents.filter((a) => a !== lastSpeaker);
  let eligible = agents;
  const transitions = input.allowedTransitions;
  if (transitions) {
    const allowed = transitions[lastSpeaker];
    // AG2: a member without outgoing transitions is a sink: NoEligibleSpeaker.
    if (!allowed && members.includes(lastSpeaker)) return { kind: 'none' };
    if (allowed) eligible = [...new Set(allowed)].filter((a) => agents.includes(a));
  }
  // AG2 falls back to all agents when the graph leaves none; we end with `no_next_speaker` (DESIGN: an
  // agent with no allowed next speaker ends the chat) so a misconfigured graph is visible.
  if (eligible.length === 0) return { kind: 'none' };
  if (eligible.length === 1)
    return { kind: 'chosen', agent: eligible[0], selection: { method: 'single_eligible' } };
  return { kind: 'candidates', candidates: eligible };
}

/** The selector's prompt (AG2 auto selection): role play system message, the conversation, the question, retries. */
export function selectionPrompt(
  candidates: readonly ResolvedAgent[],
  conversation: readonly TranscriptMessage[],
  previousReplies: readonly string[],
): PromptMessage[] {
  const names = candidates.map((a) => a.name);
  const messages: PromptMessage[] = [
    { role: 'system', content: selectSpeakerSystemMessage(candidates) },
    // AG2 GroupChat.append: every message is role user with the speaker's name; tool calls are blanked.
    ...conversation.map((m): PromptMessage => ({ role: 'user', content: m.content ?? '', name: m.sender })),
    { role: 'system', content: selectSpeakerPrompt(names) },
  ];
  for (const reply of previousReplies) {
    messages.push({ role: 'assistant', content: reply });
    const many = mentionedAgents(reply, names).size > 1;
    messages.push({ role: 'system', content: many ? SELECT_SPEAKER_MULTIPLE : selectSpeakerNone(names) });
  }
  return messages;
}

/** AG2 `manual_select_speaker` prompt (a name is accepted too). */
export function manualSelectionPrompt(candidates: readonly string[], tries: number): string {
  const invalid =
    tries > 0 ? `Invalid input. Please enter a number between 1 and ${candidates.length}.\n` : '';
  const list = candidates.map((n, i) => `${i + 1}: ${n}`).join('\n');
  return `${invalid}Please select the next speaker from the following list:\n${list}\nEnter the number of the next speaker (enter nothing or \`q\` to use auto selection):`;
}

/** The candidate a manual answer names (1-based number or exact name), or null. */
export function parseManualAnswer(answer: string, candidates: readonly string[]): string | null {
  const trimmed = answer.trim();
  if (/^\d+$/.test(trimmed)) {
    const i = Number(trimmed);
    return i >= 1 && i <= candidates.length ? candidates[i - 1] : null;
  }
  return candidates.includes(answer) ? answer : candidates.includes(trimmed) ? trimmed : null;
}
