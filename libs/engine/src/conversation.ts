import type { TerminationReason } from '@conclave/domain';
import { emit, setCounter, type Work } from './state';

/**
 * Opens a (sub-)chat: the initiator sends its first message (AG2 `initiate_chat`), counters between
 * the two are reset (AG2 `_prepare_chat`), and the chat's message count starts at 1.
 */
export function openChat(
  w: Work,
  initiator: string,
  recipient: string,
  content: string,
  chatIndex = 0,
): void {
  w.state.chatIndex = chatIndex;
  w.state.chatStart = w.transcript.length;
  setCounter(w.state, initiator, recipient, 0);
  setCounter(w.state, recipient, initiator, 0);
  w.state.reply = null;
  emit(w, { sender: initiator, recipient, type: 'user', content });
  w.state.replies = 1;
  w.state.lastSpeaker = initiator;
  w.state.phase = { kind: 'after_message' };
}

/** The reply being produced is complete: it counts as one turn half / one round. */
export function completeReply(w: Work): void {
  const reply = currentReply(w);
  w.state.replies += 1;
  w.state.lastSpeaker = reply.agent;
  w.state.reply = null;
  w.state.phase = { kind: 'after_message' };
}

export function finish(w: Work, reason: TerminationReason): void {
  w.state.reply = null;
  w.state.phase = { kind: 'finish', reason };
}

export function currentReply(w: { state: Work['state'] }): NonNullable<Work['state']['reply']> {
  if (!w.state.reply) throw new Error('engine: no reply in progress');
  return w.state.reply;
}
