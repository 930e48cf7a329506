import { conflict, DomainError, type InputRequest, notFound } from '@conclave/domain';
import type { ClaimHolder } from '@conclave/persistence';
import type { AnswerInputResult } from './use-cases/answer-input';
import type { CancelResult } from './use-cases/cancel-run';
import type { ConverseResult } from './use-cases/converse';
import type { StartRunResult } from './use-cases/start-run';

/** Every way a chat use case can refuse. */
export type Refusal = Extract<
  StartRunResult | AnswerInputResult | CancelResult | ConverseResult,
  { ok: false }
>;

/** The `/input` body each kind of input request takes. */
const INPUT_BODY_HINT: Record<InputRequest['kind'], string> = {
  text: '{"message": "..."} ("" lets the agent auto-reply, "exit" ends the chat)',
  speaker: '{"message": "<agent name>"} naming the next speaker (one of input_request.options)',
  tool_outputs: '{"tool_outputs": [{"tool_call_id": "...", "output": "..."}]}',
};

/**
 * The error a refusal is answered with. Every API family's exception filter renders a DomainError
 * in its own shape and status (native, Aksita, Asyntai); a failed run is a plain error (500).
 */
export function refusalError(refusal: Refusal, chatId: string): Error {
  switch (refusal.reason) {
    case 'not_found':
      return notFound('Chat');
    case 'insufficient_credits':
      return new DomainError('insufficient_credits', 'Insufficient credits');
    case 'limit_reached':
      return new DomainError('limit_reached', `Monthly message limit of the ${refusal.plan} plan reached`, {
        messages_limit: refusal.limit,
      });
    case 'busy':
      return busyConflict(chatId, refusal.status, refusal.activeRunId, refusal.inputRequest);
    case 'claimed':
      return claimedBy(refusal.holder);
    case 'wrong_kind':
      return new DomainError(
        'invalid',
        refusal.expected === 'tool_outputs'
          ? 'The pending input request expects tool_outputs'
          : 'The pending input request expects a message',
      );
    case 'not_waiting':
      return conflict(`Chat is ${refusal.status}, not waiting for human input`);
    case 'agent_disabled':
      return new DomainError('forbidden', 'Agent is disabled');
    case 'still_answering':
      return new DomainError('timeout', 'The previous message is still being answered; retry shortly');
    case 'awaits_tool_outputs':
      return new DomainError('conflict', 'The conversation waits for tool outputs, not a message');
    case 'provider_unavailable':
      return new DomainError('unavailable', 'The AI service is temporarily unavailable; retry shortly');
    case 'run_failed':
      return new Error(`run ${refusal.runId} failed`);
  }
}

/** The use case's result, or its refusal thrown as the error the route's filter renders. */
export function orThrow<T extends { ok: boolean }>(result: T, chatId: string): Extract<T, { ok: true }> {
  if (!result.ok) throw refusalError(result as unknown as Refusal, chatId);
  return result as Extract<T, { ok: true }>;
}

/**
 * The 409 for a message to a busy chat says what to do instead: a chat waiting for input is
 * answered through `/input` (with the body its request kind needs); a running one can take the
 * message after the run (`multitask=enqueue`) or instead of it (`multitask=interrupt`).
 */
function busyConflict(
  chatId: string,
  status: string,
  activeRunId: string | null,
  request: InputRequest | null,
): DomainError {
  if (!request) {
    return conflict(
      `Chat is ${status}: a run is already active; retry when it ends, or send ` +
        'with ?multitask=enqueue (after it) or ?multitask=interrupt (cancel it and start yours)',
      { active_run_id: activeRunId },
    );
  }
  const path = `/chats/${chatId}/input`;
  return conflict(
    `Chat is waiting for human input (request kind "${request.kind}"): answer it with POST ${path} ` +
      `${INPUT_BODY_HINT[request.kind]}, not /messages`,
    { active_run_id: activeRunId, input_request: request, next: { method: 'POST', path } },
  );
}

/** 409 naming the operator who holds the chat, and until when (their claim renews while they act). */
export function claimedBy(holder: ClaimHolder): DomainError {
  return conflict(
    `Chat is claimed by ${holder.operator} until ${holder.expires_at}; ask them to release it, or wait`,
    { claimed_by: holder },
  );
}
