import { randomUUID } from 'node:crypto';
import { type ChatStatus, type InputRequest, runIsIdle, type Scope, scopeOf } from '@conclave/domain';
import { newRunRow } from '@conclave/persistence';
import type {
  AdmissionTerms,
  AgentRow,
  AdmittedAnswerResult,
  AdmittedStartResult,
  AnswerResult,
  ChatRow,
  EnqueueRunResult,
  EventRow,
  FinishArgs,
  MessageAllowance,
  MessageRow,
  PendingAnswer,
  RunInput,
  RunRow,
  StartRunResult,
} from '@conclave/persistence';
import type {
  Admission,
  Admitting,
  Announcer,
  ChatSettling,
  ChatStore,
  Dispatcher,
  RunStore,
  ChatWatch,
} from '../ports';

/**
 * In-memory stand-ins for the use cases' ports, for their unit specs: chats and runs with the status
 * rules the Postgres repository enforces (the e2e suites check those), an account's credits and plan
 * allowance, and recorders for what was announced and dispatched.
 */
export class MemoryChats implements RunStore, ChatStore {
  readonly chats = new Map<string, ChatRow>();
  readonly runs = new Map<string, RunRow>();
  readonly transcript: MessageRow[] = [];
  /** End-user messages counted this month, per account. */
  readonly used = new Map<string, number>();
  /** Agents by id (whether each is enabled); a chat's agent not here is gone. */
  readonly agents = new Map<string, Pick<AgentRow, 'id' | 'enabled'>>();
  /** The callers' account (one is enough for the specs): its credit balance and plan. */
  readonly account = { credits: 100, plan: 'starter' };

  /** `now`: the clock `requestCancel` decides idleness with (the database's, in Postgres). */
  constructor(private readonly now: () => number = Date.now) {}

  addChat(accountId: string, fields: Partial<ChatRow> = {}): ChatRow {
    const now = new Date();
    const chat: ChatRow = {
      id: randomUUID(),
      account_id: accountId,
      name: 'c',
      status: 'ready',
      from_type: 'flow',
      flow_id: randomUUID(),
      flow_version: 1,
      agent_id: null,
      external_id: null,
      metadata: {},
      input_request: null,
      last_error: null,
      termination_reason: null,
      active_run_id: null,
      last_seq: 0,
      message_count: 0,
      claim_key_id: null,
      claim_name: null,
      claimed_at: null,
      claim_expires_at: null,
      waiting_since: null,
      input_due_at: null,
      input_overdue_at: null,
      parent_chat_id: null,
      forked_at_seq: null,
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** A chat whose run waits for an answer to `request`. */
  addWaitingChat(accountId: string, request: InputRequest): ChatRow {
    const chat = this.addChat(accountId, { status: 'wait_for_human_input', input_request: request });
    const run = this.addRun(chat, 'waiting');
    chat.active_run_id = run.id;
    return chat;
  }

  addRun(chat: ChatRow, status: RunRow['status'], fields: Partial<RunRow> = {}): RunRow {
    const run: RunRow = {
      ...newRunRow({
        id: randomUUID(),
        chat_id: chat.id,
        account_id: chat.account_id,
        status,
        input: { message: '' },
        seed: 1,
        created_at: new Date(),
      }),
      ...fields,
    };
    this.runs.set(run.id, run);
    return run;
  }

  /** What an executor would write: a message of the chat's active run. */
  write(
    chatId: string,
    message: Pick<MessageRow, 'type' | 'sender' | 'content'> & Partial<MessageRow>,
  ): MessageRow {
    const chat = this.chats.get(chatId)!;
    chat.message_count += 1;
    const row: MessageRow = {
      id: randomUUID(),
      chat_id: chatId,
      seq: chat.message_count,
      run_id: chat.active_run_id,
      recipient: null,
      tool_calls: null,
      tool_call_id: null,
      meta: {},
      usage: null,
      credits: '0',
      created_at: new Date(),
      ...message,
    };
    this.transcript.push(row);
    return row;
  }

  async get(scope: Scope, chatId: string): Promise<ChatRow | null> {
    const chat = this.chats.get(chatId);
    if (!chat || chat.account_id !== scope.accountId) return null;
    if (scope.agentId !== null && chat.agent_id !== scope.agentId) return null;
    return { ...chat };
  }

  async getWithAgent(scope: Scope, chatId: string) {
    const chat = await this.get(scope, chatId);
    if (!chat) return null;
    return { chat, agentEnabled: chat.agent_id ? (this.agents.get(chat.agent_id)?.enabled ?? null) : null };
  }

  async messages(scope: Scope, chatId: string, options: { after?: number } = {}): Promise<MessageRow[]> {
    if (!(await this.get(scope, chatId))) return [];
    return this.transcript.filter((m) => m.chat_id === chatId && m.seq > (options.after ?? 0));
  }

  async getInScope(scope: Scope, runId: string): Promise<RunRow | null> {
    const run = this.runs.get(runId);
    return run && (await this.get(scope, run.chat_id)) ? { ...run } : null;
  }

  async runOutcome(scope: Scope, chatId: string, runId: string, messagesAfter: number | null) {
    const chat = await this.get(scope, chatId);
    if (!chat) return null;
    const run = this.runs.get(runId);
    return {
      chat,
      run: run?.chat_id === chatId ? { ...run } : null,
      messages: messagesAfter === null ? null : await this.messages(scope, chatId, { after: messagesAfter }),
    };
  }

  async admitAndStart(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    terms: AdmissionTerms,
  ): Promise<AdmittedStartResult> {
    if (this.account.credits < terms.minimumCredits) return { ok: false, reason: 'insufficient_credits' };
    const monthlyLimit = terms.monthlyLimits[this.account.plan] ?? terms.unlistedPlans;
    const started = await this.start(scope, chatId, input, seed, { monthlyLimit });
    return started.ok || started.reason !== 'limit_reached'
      ? started
      : { ok: false, reason: 'limit_reached', plan: this.account.plan };
  }

  async start(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    allowance?: MessageAllowance,
  ): Promise<StartRunResult> {
    const chat = this.chats.get(chatId);
    if (!chat || !(await this.get(scope, chatId))) return { ok: false, reason: 'not_found' };
    if (!['ready', 'completed', 'error'].includes(chat.status))
      return { ok: false, reason: 'busy', status: chat.status, activeRunId: chat.active_run_id };
    if (allowance && !this.count(chat.account_id, allowance)) return { ok: false, reason: 'limit_reached' };
    const previous = chat.status;
    const run = this.addRun(chat, 'queued', { input, seed });
    Object.assign(chat, {
      status: 'running',
      active_run_id: run.id,
      last_error: null,
      termination_reason: null,
    });
    return { ok: true, chat: { ...chat }, run, events: [this.event(chat, 'running', previous, run.id)] };
  }

  async enqueue(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    allowance?: MessageAllowance,
  ): Promise<EnqueueRunResult> {
    const started = await this.start(scope, chatId, input, seed, allowance);
    if (started.ok) return { ...started, started: true };
    if (started.reason !== 'busy') return started;
    const chat = this.chats.get(chatId)!;
    if (allowance && !this.count(chat.account_id, allowance)) return { ok: false, reason: 'limit_reached' };
    const run = this.addRun(chat, 'pending', { input, seed });
    return { ok: true, started: false, chat: { ...chat }, run, events: [] };
  }

  async answer(
    scope: Scope,
    chatId: string,
    answer: PendingAnswer,
    operator?: { keyId: string },
    allowance?: MessageAllowance,
  ): Promise<AnswerResult> {
    const chat = this.chats.get(chatId);
    if (!chat || !(await this.get(scope, chatId))) return { ok: false, reason: 'not_found' };
    if (operator && chat.claim_key_id && chat.claim_key_id !== operator.keyId)
      return {
        ok: false,
        reason: 'claimed',
        holder: {
          key_id: chat.claim_key_id,
          operator: chat.claim_name ?? '',
          claimed_at: '',
          expires_at: '',
        },
      };
    if (chat.status !== 'wait_for_human_input' || !chat.active_run_id)
      return { ok: false, reason: 'not_waiting', status: chat.status };
    const expected = chat.input_request?.kind === 'tool_outputs' ? 'tool_outputs' : 'text';
    if (answer.kind !== expected) return { ok: false, reason: 'wrong_kind', expected };
    if (allowance && !this.count(chat.account_id, allowance)) return { ok: false, reason: 'limit_reached' };
    const run = this.runs.get(chat.active_run_id)!;
    Object.assign(run, { status: 'queued', pending_answer: answer });
    Object.assign(chat, { status: 'running', input_request: null });
    return {
      ok: true,
      chat: { ...chat },
      run: { ...run },
      events: [this.event(chat, 'running', 'wait_for_human_input', run.id)],
    };
  }

  async admitAndAnswer(
    scope: Scope,
    chatId: string,
    answer: PendingAnswer,
    operator: { keyId: string } | undefined,
    terms: AdmissionTerms,
  ): Promise<AdmittedAnswerResult> {
    if (this.account.credits < terms.minimumCredits) return { ok: false, reason: 'insufficient_credits' };
    const monthlyLimit = terms.monthlyLimits[this.account.plan] ?? terms.unlistedPlans;
    const answered = await this.answer(scope, chatId, answer, operator, { monthlyLimit });
    return answered.ok || answered.reason !== 'limit_reached'
      ? answered
      : { ok: false, reason: 'limit_reached', plan: this.account.plan };
  }

  async requestCancel(
    scope: Scope,
    chatId: string,
  ): Promise<{ found: boolean; run: RunRow | null; idle: boolean }> {
    const chat = this.chats.get(chatId);
    if (!chat || !(await this.get(scope, chatId))) return { found: false, run: null, idle: false };
    const run = chat.active_run_id ? this.runs.get(chat.active_run_id) : undefined;
    if (!run || !['queued', 'running', 'waiting'].includes(run.status))
      return { found: true, run: null, idle: false };
    run.cancel_requested = true;
    return { found: true, run: { ...run }, idle: runIsIdle(run, new Date(this.now())) };
  }

  async finish(args: FinishArgs): Promise<EventRow[] | null> {
    const run = this.runs.get(args.runId);
    if (!run || !['queued', 'running', 'waiting'].includes(run.status)) return null;
    const chat = this.chats.get(run.chat_id)!;
    const status: ChatStatus = args.end.status === 'failed' ? 'error' : 'completed';
    Object.assign(run, {
      status: args.end.status,
      termination_reason: args.end.reason,
      last_error: args.end.status === 'failed' ? args.end.error : null,
      failure_kind: args.end.status === 'failed' ? args.end.kind : null,
      ended_at: new Date(),
    });
    const previous = chat.status;
    Object.assign(chat, {
      status,
      active_run_id: null,
      input_request: null,
      termination_reason: args.end.reason,
      last_error: run.last_error,
    });
    return [this.event(chat, status, previous, run.id)];
  }

  private count(accountId: string, allowance: MessageAllowance): boolean {
    const used = this.used.get(accountId) ?? 0;
    if (used >= allowance.monthlyLimit) return false;
    this.used.set(accountId, used + 1);
    return true;
  }

  private event(chat: ChatRow, status: ChatStatus, previous: ChatStatus, runId: string): EventRow {
    chat.last_seq += 1;
    return {
      chat_id: chat.id,
      seq: chat.last_seq,
      type: 'chat.status',
      data: { status, previous, run_id: runId },
      created_at: new Date(),
    };
  }
}

/**
 * The account's credits and plan (kept on the store's account, which `admitAndStart` reads): `credits`
 * below 1 refuses the message, `monthlyLimit` is the plan's allowance (other plans have none).
 */
export class MemoryAdmission implements Admitting {
  monthlyLimit = 10;

  constructor(private readonly account: { credits: number; plan: string }) {}

  get credits(): number {
    return this.account.credits;
  }
  set credits(credits: number) {
    this.account.credits = credits;
  }
  get plan(): string {
    return this.account.plan;
  }
  set plan(plan: string) {
    this.account.plan = plan;
  }

  get terms(): AdmissionTerms {
    return { minimumCredits: 1, monthlyLimits: { [this.plan]: this.monthlyLimit }, unlistedPlans: 0 };
  }

  limitOf(plan: string): number {
    return plan === this.plan ? this.monthlyLimit : 0;
  }

  async admit(): Promise<Admission> {
    if (this.credits < this.terms.minimumCredits) return { ok: false, reason: 'insufficient_credits' };
    return { ok: true, plan: this.plan, allowance: { monthlyLimit: this.monthlyLimit } };
  }
}

export class RecordingAnnouncer implements Announcer {
  readonly published: EventRow[] = [];
  readonly cancels: string[] = [];
  readonly ended: string[] = [];

  events(_accountId: string, _chatId: string, events: EventRow[]): void {
    this.published.push(...events);
  }
  cancel(runId: string): void {
    this.cancels.push(runId);
  }
  runEnded(entry: { runId: string }): void {
    this.ended.push(entry.runId);
  }
}

export class RecordingDispatcher implements Dispatcher {
  readonly dispatched: string[] = [];
  async dispatch(runId: string): Promise<void> {
    this.dispatched.push(runId);
  }
}

/**
 * The executor's part, played when a use case waits: `whenWaited` gets the chat and may write the
 * agents' messages and end or pause the run (as the worker would have by then).
 */
export class ScriptedSettling implements ChatSettling {
  whenWaited: ((chatId: string) => void) | null = null;
  waits = 0;

  async untilSettled(_scope: Scope, chatId: string): Promise<boolean> {
    return this.settle(chatId);
  }
  async untilIdle(scope: Scope, chatId: string): Promise<boolean> {
    return this.untilSettled(scope, chatId);
  }
  watch(chatId: string): ChatWatch {
    return { settledAfter: async () => this.settle(chatId), stop: () => undefined };
  }
  private settle(chatId: string): boolean {
    this.waits += 1;
    this.whenWaited?.(chatId);
    return true;
  }
}

export const callerOf = (accountId: string, agentId: string | null = null) => ({
  accountId,
  keyId: 'key-1',
  scope: scopeOf(accountId, agentId),
});
