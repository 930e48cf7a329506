import { isProviderFailure } from '@conclave/domain';
import type { ChatRow, FlowsRepository, MessageRow, RunRow } from '@conclave/persistence';
import { markersFor, withoutMarkers } from '../chatbot-text';
import type { AnswerInput } from './answer-input';
import type { Caller, ChatSettling, ChatStore, LimitRefusal, UsageReader } from './ports';
import type { StartRun } from './start-run';

/** What one end-user message produced (both chatbot APIs render it in their own shape). */
export interface Conversed {
  ok: true;
  chat: ChatRow;
  /** Id of the stored user message (null when the message ended the chat, e.g. "exit"). */
  messageId: string | null;
  /** Every agent text produced for this message, in order. */
  texts: string[];
  /** Credits debited for this message's agent replies. */
  credits: number;
  remainingCredits: number;
  /** The agents were still working when the bounded wait ended. */
  incomplete: boolean;
}

export type ConverseResult =
  | Conversed
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'agent_disabled' }
  /** The previous message is still being answered and the bounded wait ended. */
  | { ok: false; reason: 'still_answering' }
  | { ok: false; reason: 'awaits_tool_outputs' }
  /** No credits to accept the message, or they ran out before any reply. */
  | { ok: false; reason: 'insufficient_credits' }
  | LimitRefusal
  /** The run failed at the model provider (`runs.failure_kind`) before any reply. */
  | { ok: false; reason: 'provider_unavailable' }
  /** The run failed for another reason before any reply. */
  | { ok: false; reason: 'run_failed'; runId: string };

/**
 * The chatbot use case shared by the Aksita and Asyntai adapters (docs/compatibility.md): a conversation is
 * one chat bound to an agent; an end user's message is delivered as the pending human input when the
 * chat waits for it, starts a run when the chat is idle, and waits (bounded) when a run is still going.
 * Then it waits for the agents' next pause or end and collects their texts.
 */
export class Converse {
  constructor(
    private readonly startRun: Pick<StartRun, 'execute'>,
    private readonly answerInput: Pick<AnswerInput, 'execute'>,
    private readonly chats: Pick<ChatStore, 'getWithAgent'>,
    private readonly flows: Pick<FlowsRepository, 'get'>,
    private readonly usage: UsageReader,
    private readonly settling: ChatSettling,
    private readonly waitTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Delivers one end-user message and waits (bounded by WAIT_TIMEOUT_MS) for the agents' replies. */
  async execute(caller: Caller, chatId: string, message: string, context?: string): Promise<ConverseResult> {
    const deadline = this.now() + this.waitTimeoutMs;
    const input = context ? { message, context } : { message };
    for (;;) {
      const found = await this.chats.getWithAgent(caller.scope, chatId);
      if (!found) return { ok: false, reason: 'not_found' };
      const { chat, agentEnabled } = found;
      if (agentEnabled === false) return { ok: false, reason: 'agent_disabled' };
      const remaining = deadline - this.now();
      if (remaining <= 0) return { ok: false, reason: 'still_answering' };
      if (chat.status === 'running') {
        await this.settling.untilSettled(caller.scope, chatId, remaining);
        continue;
      }
      const waiting = chat.status === 'wait_for_human_input';
      if (waiting && chat.input_request?.kind === 'tool_outputs')
        return { ok: false, reason: 'awaits_tool_outputs' };
      const result = waiting
        ? await this.answerInput.execute(caller, chatId, { kind: 'text', ...input }, { wait: true })
        : await this.startRun.execute(caller, chatId, input, { wait: true });
      if (result.ok) return this.collect(caller, result.chat, result.run, result.messages ?? []);
      switch (result.reason) {
        case 'busy':
        case 'not_waiting':
        case 'claimed':
          continue; // another message won the race for this chat: look again (still bounded by the deadline)
        case 'wrong_kind':
          return { ok: false, reason: 'awaits_tool_outputs' };
        default:
          return result;
      }
    }
  }

  /** Agent messages are debited as they are written; this is what this request's replies cost. */
  private async collect(
    caller: Caller,
    chat: ChatRow,
    run: RunRow | null,
    messages: MessageRow[],
  ): Promise<ConverseResult> {
    const display = await displayText(this.flows, caller, chat);
    const texts = messages
      .filter((m) => m.type === 'assistant' && typeof m.content === 'string')
      .map((m) => display({ sender: m.sender, receiver: m.recipient, content: m.content }))
      .filter((text) => text !== '');
    if (run?.status === 'failed' && texts.length === 0) {
      return isProviderFailure(run.failure_kind)
        ? { ok: false, reason: 'provider_unavailable' }
        : { ok: false, reason: 'run_failed', runId: run.id };
    }
    if (run?.termination_reason === 'insufficient_credits' && texts.length === 0)
      return { ok: false, reason: 'insufficient_credits' };
    // Each message row carries what it was debited (written with it, never changed): no second read.
    const credits = messages.reduce((sum, m) => sum + Number(m.credits ?? 0), 0);
    const balance = await this.usage.balance(caller.accountId);
    return {
      ok: true,
      chat,
      messageId: messages.find((m) => m.type === 'user')?.id ?? null,
      texts,
      credits,
      remainingCredits: balance ?? 0,
      incomplete: chat.status === 'running',
    };
  }
}

/**
 * How the chatbot APIs show a message of this chat to its end user: without the termination
 * markers of its sender and receiver (the native transcript keeps them).
 */
export async function displayText(
  flows: Pick<FlowsRepository, 'get'>,
  caller: Pick<Caller, 'scope'>,
  chat: ChatRow,
): Promise<(m: { sender?: unknown; receiver?: unknown; content?: unknown }) => string> {
  const flow = await flows.get(caller.scope, chat.flow_id, chat.flow_version);
  return (m) =>
    withoutMarkers(
      typeof m.content === 'string' ? m.content : '',
      markersFor(flow?.spec ?? null, String(m.sender), typeof m.receiver === 'string' ? m.receiver : null),
    );
}
