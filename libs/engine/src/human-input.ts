import type { HumanInputMode, TerminationReason } from '@conclave/domain';
import type { HumanBranch } from './state';

/** AG2 `check_termination_and_human_reply`, before asking anyone. */
export type HumanCheck =
  { kind: 'ask'; branch: HumanBranch } | { kind: 'end'; reason: TerminationReason } | { kind: 'auto' };

export function checkBeforeReply(
  mode: HumanInputMode,
  counter: number,
  limit: number,
  lastIsTermination: boolean,
): HumanCheck {
  // AG2: ALWAYS asks every time and never checks the auto-reply limit.
  if (mode === 'ALWAYS') return { kind: 'ask', branch: 'always' };
  if (counter >= limit) {
    return mode === 'NEVER'
      ? { kind: 'end', reason: 'max_consecutive_auto_reply' }
      : { kind: 'ask', branch: 'limit' };
  }
  if (lastIsTermination) {
    return mode === 'NEVER'
      ? { kind: 'end', reason: 'termination_message' }
      : { kind: 'ask', branch: 'termination' };
  }
  return { kind: 'auto' };
}

/** What a human's answer does: end the chat, be sent as the agent's reply, or let the agent auto-reply. */
export type HumanAnswerEffect =
  { kind: 'end'; reason: TerminationReason } | { kind: 'send'; content: string } | { kind: 'auto' };

export function interpretAnswer(
  branch: HumanBranch,
  answer: string,
  lastIsTermination: boolean,
  limit: number,
): HumanAnswerEffect {
  // AG2: `exit` is exact and case-sensitive.
  if (answer === 'exit') return { kind: 'end', reason: 'human_exit' };
  if (answer !== '') return { kind: 'send', content: answer };
  // AG2: an empty answer on a termination message ends the conversation.
  if (branch === 'termination' || lastIsTermination) return { kind: 'end', reason: 'termination_message' };
  // AG2: `if reply or max_consecutive_auto_reply == 0` sends the (empty) human reply.
  if (limit === 0) return { kind: 'send', content: '' };
  return { kind: 'auto' };
}

/** AG2's prompts (without the trailing space). */
export function humanInputPrompt(
  branch: HumanBranch,
  agent: string,
  sender: string,
  lastIsTermination: boolean,
): string {
  if (branch === 'always') {
    return `Replying as ${agent}. Provide feedback to ${sender}. Press enter to skip and use auto-reply, or type 'exit' to end the conversation:`;
  }
  if (branch === 'termination' || lastIsTermination) {
    return `Please give feedback to ${sender}. Press enter or type 'exit' to stop the conversation:`;
  }
  return `Please give feedback to ${sender}. Press enter to skip and use auto-reply, or type 'exit' to stop the conversation:`;
}
