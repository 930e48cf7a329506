import { messageEventData } from '@conclave/domain';
import { activeClaim, type ChatRow, type MessageRow, type RunRow } from '@conclave/persistence';
import type { RunAccepted } from './use-cases/run-outcome';

/** Chats as the API returns them: Agentok's fields first, then ours. Internal counters stay inside. */
export function toChatDto(chat: ChatRow) {
  const waiting = chat.status === 'wait_for_human_input';
  return {
    id: chat.id,
    name: chat.name,
    status: chat.status,
    from_type: chat.from_type,
    from_flow: chat.flow_id,
    flow_version: chat.flow_version,
    agent_id: chat.agent_id,
    session_id: chat.external_id,
    metadata: chat.metadata,
    input_request: chat.input_request,
    last_error: chat.last_error,
    termination_reason: chat.termination_reason,
    active_run_id: chat.active_run_id,
    last_seq: chat.last_seq,
    // A fork (POST /chats/{id}/fork): the chat it was forked from and the message it was forked at.
    parent_chat_id: chat.parent_chat_id ?? null,
    forked_at_seq: chat.forked_at_seq ?? null,
    // Operators (issue 14): who holds the chat, since when it waits, and whether its SLA passed.
    claim: activeClaim(chat),
    waiting_since: waiting ? chat.waiting_since : null,
    input_due_at: waiting ? chat.input_due_at : null,
    input_overdue: waiting && chat.input_overdue_at !== null,
    created_at: chat.created_at,
    updated_at: chat.updated_at,
  };
}

export function toRunDto(run: RunRow) {
  return {
    id: run.id,
    chat_id: run.chat_id,
    status: run.status,
    termination_reason: run.termination_reason,
    summary: run.summary,
    last_error: run.last_error,
    attempt: run.attempt,
    usage: run.usage,
    created_at: run.created_at,
    started_at: run.started_at,
    ended_at: run.ended_at,
  };
}

export const toMessageDto = (message: MessageRow) => messageEventData(message);

/**
 * The native `/messages` and `/input` response: the chat and its run as they are now, and with
 * `?wait=true` the messages the run wrote since the request was accepted.
 */
export function toSentDto(accepted: RunAccepted) {
  const body: Record<string, unknown> = {
    chat: toChatDto(accepted.chat),
    run: accepted.run ? toRunDto(accepted.run) : null,
  };
  if (accepted.messages) body.messages = accepted.messages.map(toMessageDto);
  return body;
}
