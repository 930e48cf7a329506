import { randomUUID } from 'node:crypto';
import { type ChatStatus, decide, type InputRequest, messageEventData, stepCredits } from '@conclave/domain';
import {
  type Committed,
  type EventRow,
  type Finished,
  type FinishArgs,
  InsufficientCreditsError,
  LeaseLostError,
  type MessageRow,
  type NewEvent,
  newRunRow,
  type PendingAnswer,
  type RunInput,
  type RunRow,
  storedMessage,
} from '@conclave/persistence';
import { toTranscriptMessage } from './transcript';
import type { FinalStepCommit, InputWait, RunContext, RunStore, StepCommit } from './run-store';

/** The part of a chat the run lifecycle reads and writes. */
export interface MemoryChat {
  id: string;
  account_id: string;
  status: ChatStatus;
  active_run_id: string | null;
  input_request: (InputRequest & Record<string, unknown>) | null;
  termination_reason: string | null;
  last_error: string | null;
  message_count: number;
  last_seq: number;
  flowSpec: unknown;
  knowledgeBase: string | null;
}

const ACTIVE_RUN = new Set(['queued', 'running', 'waiting']);
const STARTABLE_CHAT = new Set<ChatStatus>(['ready', 'completed', 'error']);

/**
 * The run store in memory, with the Postgres store's promises (the conformance suite holds both to
 * them): lease and step guards, dense seqs per chat, all-or-nothing credit debits, pending runs
 * promoted on finish. Every method completes synchronously inside its promise, so each is as atomic
 * as a transaction. For executor specs; it also plays the API's part (`startRun`, `answer`,
 * `requestCancel`) so a spec can drive a chat end to end.
 */
export class MemoryRunStore implements RunStore {
  private readonly accounts = new Map<string, { credits: number }>();
  private readonly chats = new Map<string, MemoryChat>();
  /** In creation order (the order Postgres gives by `created_at, id`). */
  private readonly runs: RunRow[] = [];
  private readonly messageLog = new Map<string, MessageRow[]>();
  private readonly eventLog = new Map<string, EventRow[]>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  // ---- the port ----

  async claim(
    runId: string,
    owner: string,
    leaseMs: number,
    maxPerAccount?: number,
  ): Promise<RunRow | 'deferred' | null> {
    const run = this.findRun(runId);
    if (!run) return null;
    if (maxPerAccount !== undefined && run.status === 'queued') {
      const executing = this.runs.filter(
        (r) => r.account_id === run.account_id && r.status === 'running' && r.id !== runId,
      ).length;
      if (executing >= maxPerAccount) return 'deferred';
    }
    const now = this.now();
    const claimable =
      (run.status === 'queued' || run.status === 'running') &&
      !run.cancel_requested &&
      (run.lease_until === null || run.lease_until < now || run.lease_owner === owner);
    if (!claimable) return null;
    if (run.status === 'running' && run.lease_owner !== owner) run.takeovers += 1;
    run.status = 'running';
    run.lease_owner = owner;
    run.lease_until = new Date(now.getTime() + leaseMs);
    run.attempt += 1;
    run.started_at ??= now;
    return copy(run);
  }

  async heartbeat(
    runId: string,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: boolean; cancel: boolean }> {
    const run = this.findRun(runId);
    if (!run || run.lease_owner !== owner || run.status !== 'running') return { held: false, cancel: false };
    run.lease_until = new Date(this.now().getTime() + leaseMs);
    return { held: true, cancel: run.cancel_requested };
  }

  async cancelRequested(runId: string): Promise<boolean> {
    return this.findRun(runId)?.cancel_requested ?? false;
  }

  async load(run: RunRow): Promise<RunContext | null> {
    const chat = this.chats.get(run.chat_id);
    if (!chat) return null;
    const position = this.runs.findIndex((r) => r.id === run.id);
    const previous = this.runs
      .slice(0, position < 0 ? this.runs.length : position)
      .filter((r) => r.chat_id === run.chat_id && r.state !== null)
      .pop();
    const answers = this.eventsOf(run.chat_id).filter(
      (e) =>
        e.type === 'chat.status' && e.data.run_id === run.id && e.data.previous === 'wait_for_human_input',
    );
    return {
      accountId: chat.account_id,
      knowledgeBase: chat.knowledgeBase,
      flowSpec: chat.flowSpec,
      transcript: this.messagesOf(run.chat_id).map(toTranscriptMessage),
      previousState: previous?.state ? structuredClone(previous.state) : null,
      messages: this.messagesOf(run.chat_id).filter((m) => m.run_id === run.id).length,
      answeredAt: answers.length ? answers[answers.length - 1].created_at : null,
    };
  }

  async commitStep(args: StepCommit): Promise<Committed> {
    return this.commitStepNow(args);
  }

  private commitStepNow(args: StepCommit): Committed {
    const run = this.heldAt(args.run.id, args.owner, args.step);
    const chat = this.chats.get(args.run.chat_id)!;
    const credits = args.charge
      ? stepCredits(args.messages, args.charge.rule, new Set(args.charge.executedToolCalls ?? []))
      : [];
    const total = credits.reduce((a, b) => a + b, 0);
    const account = args.charge ? this.accounts.get(args.charge.accountId) : undefined;
    // All or nothing: the debit is checked before anything of the step is written.
    if (args.charge && total > 0 && (account?.credits ?? 0) < total)
      throw new InsufficientCreditsError(args.charge.accountId);
    if (account) account.credits -= total;

    const now = this.now();
    const tokens = (key: 'input_tokens' | 'output_tokens') =>
      args.messages.reduce((n, m) => n + (m.usage?.[key] ?? 0), args.extraUsage?.[key] ?? 0);
    const input = tokens('input_tokens');
    const output = tokens('output_tokens');
    run.state = structuredClone(args.state);
    run.step += 1;
    run.lease_until = new Date(now.getTime() + args.leaseMs);
    if (args.consumeAnswer) run.pending_answer = null;
    run.usage = {
      input_tokens: run.usage.input_tokens + input,
      output_tokens: run.usage.output_tokens + output,
      total_tokens: run.usage.total_tokens + input + output,
    };
    const messages = args.messages.map((m, i): MessageRow => {
      chat.message_count += 1;
      return {
        id: randomUUID(),
        chat_id: chat.id,
        seq: chat.message_count,
        run_id: run.id,
        ...storedMessage(m),
        credits: String(credits[i] ?? 0),
        created_at: now,
      };
    });
    this.messagesOf(chat.id).push(...messages);
    const events = this.append(chat, [
      ...(args.leadingEvents ?? []),
      ...messages.map((m) => ({ type: 'message.created', data: messageEventData(m) })),
    ]);
    return { messages, events };
  }

  async commitFinalStep(args: FinalStepCommit): Promise<Committed & { finished: Finished | null }> {
    const { end, reportQueued, ...step } = args;
    // Both before the promise settles: nothing else runs in between (one write, as in Postgres).
    const committed = this.commitStepNow(step);
    const finished = this.finishNow({
      runId: args.run.id,
      owner: args.owner,
      step: args.step + 1,
      state: args.state,
      end,
      reportQueued,
    });
    return { ...committed, finished };
  }

  async waitForInput(args: InputWait): Promise<EventRow[]> {
    const run = this.heldAt(args.run.id, args.owner, args.step);
    const chat = this.chats.get(args.run.chat_id)!;
    run.state = structuredClone(args.state);
    run.step += 1;
    run.lease_owner = null;
    run.lease_until = null;
    run.input_expires_at = args.expiresAt;
    const last = this.messagesOf(chat.id).at(-1);
    const request = {
      ...args.request,
      expires_at: args.expiresAt?.toISOString() ?? null,
      question: last ? { sender: last.sender, content: last.content?.slice(0, 4000) ?? null } : null,
    };
    const decision = decide(chat.status, 'running', { type: 'wait_for_input', runId: run.id, request });
    if (!decision.ok) throw new LeaseLostError(run.id);
    run.status = decision.run;
    chat.status = decision.chat;
    chat.input_request = request;
    return this.append(chat, decision.events);
  }

  async finish(args: FinishArgs): Promise<Finished | null> {
    return this.finishNow(args);
  }

  private finishNow(args: FinishArgs): Finished | null {
    const run = this.findRun(args.runId);
    if (!run) return null;
    const allowed =
      args.owner !== undefined
        ? run.status === 'running' && run.lease_owner === args.owner && run.step === args.step
        : ACTIVE_RUN.has(run.status);
    if (!allowed) return null;
    const { end } = args;
    const chat = this.chats.get(run.chat_id)!;
    const decision = decide(chat.status, run.status, {
      type: 'finish',
      run: { id: run.id, usage: run.usage },
      end,
    });
    if (!decision.ok) return null;
    run.status = decision.run;
    run.termination_reason = end.reason;
    run.summary = end.status === 'completed' ? end.summary : null;
    run.last_error = end.status === 'failed' ? end.error : null;
    run.failure_kind = end.status === 'failed' ? end.kind : null;
    if (args.state) run.state = structuredClone(args.state);
    run.step += 1;
    run.lease_owner = null;
    run.lease_until = null;
    run.pending_answer = null;
    run.ended_at = this.now();

    const promoted = this.promotePending(chat.id, end.status === 'cancelled');
    if (chat.active_run_id === run.id) {
      chat.status = decision.chat;
      chat.termination_reason = end.reason;
      chat.last_error = run.last_error;
      chat.input_request = null;
      chat.active_run_id = null;
    }
    const events = this.append(chat, [
      ...decision.events,
      ...(promoted
        ? [{ type: 'chat.status', data: { status: 'running', previous: decision.chat, run_id: promoted.id } }]
        : []),
    ]);
    if (promoted) {
      chat.status = 'running';
      chat.active_run_id = promoted.id;
      chat.termination_reason = null;
      chat.last_error = null;
    }
    return {
      events,
      promoted: promoted ? copy(promoted) : null,
      ...(args.reportQueued ? { accountQueued: this.hasQueued(run.account_id) } : {}),
    };
  }

  async release(runId: string, owner: string): Promise<RunRow | null> {
    const run = this.findRun(runId);
    if (!run || run.lease_owner !== owner || run.status !== 'running') return null;
    run.status = 'queued';
    run.lease_owner = null;
    run.lease_until = null;
    return copy(run);
  }

  async queuedOfAccount(accountId: string, limit: number): Promise<RunRow[]> {
    return this.queuedOf(accountId).slice(0, limit).map(copy);
  }

  // ---- the API's part, for specs ----

  addAccount(credits = 0): string {
    const id = randomUUID();
    this.accounts.set(id, { credits });
    return id;
  }

  addChat(accountId: string, flowSpec: unknown, knowledgeBase: string | null = null): string {
    const chat: MemoryChat = {
      id: randomUUID(),
      account_id: accountId,
      status: 'ready',
      active_run_id: null,
      input_request: null,
      termination_reason: null,
      last_error: null,
      message_count: 0,
      last_seq: 0,
      flowSpec,
      knowledgeBase,
    };
    this.chats.set(chat.id, chat);
    this.append(chat, [{ type: 'chat.status', data: { status: 'ready', previous: null } }]);
    return chat.id;
  }

  /** ready/completed/error → running with a new queued run; an active chat gets a pending run (enqueue). */
  startRun(chatId: string, input: RunInput, seed = 0): RunRow {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    const startable = STARTABLE_CHAT.has(chat.status);
    const run = this.insertRun(chat, startable ? 'queued' : 'pending', input, seed);
    if (!startable) return copy(run);
    const previous = chat.status;
    chat.status = 'running';
    chat.input_request = null;
    chat.last_error = null;
    chat.termination_reason = null;
    chat.active_run_id = run.id;
    this.append(chat, [{ type: 'chat.status', data: { status: 'running', previous, run_id: run.id } }]);
    return copy(run);
  }

  /** wait_for_human_input → running: the answer waits on the run for its next execution. */
  answer(chatId: string, answer: PendingAnswer): RunRow {
    const chat = this.chats.get(chatId);
    const run = chat?.active_run_id ? this.findRun(chat.active_run_id) : undefined;
    if (!chat || !run || chat.status !== 'wait_for_human_input' || run.status !== 'waiting')
      throw new Error(`chat ${chatId} is not waiting for input`);
    run.status = 'queued';
    run.pending_answer = answer;
    run.input_expires_at = null;
    run.answers = [...run.answers, answer];
    chat.status = 'running';
    chat.input_request = null;
    this.append(chat, [
      { type: 'chat.status', data: { status: 'running', previous: 'wait_for_human_input', run_id: run.id } },
    ]);
    return copy(run);
  }

  /** Asks the chat's active run to stop (its holder sees it on its next heartbeat). */
  requestCancel(chatId: string): RunRow | null {
    const chat = this.chats.get(chatId);
    const run = chat?.active_run_id ? this.findRun(chat.active_run_id) : undefined;
    if (!run || !ACTIVE_RUN.has(run.status)) return null;
    run.cancel_requested = true;
    return copy(run);
  }

  chat(chatId: string): MemoryChat | null {
    const chat = this.chats.get(chatId);
    return chat ? { ...chat } : null;
  }

  run(runId: string): RunRow | null {
    const run = this.findRun(runId);
    return run ? copy(run) : null;
  }

  events(chatId: string): EventRow[] {
    return [...this.eventsOf(chatId)];
  }

  messages(chatId: string): MessageRow[] {
    return [...this.messagesOf(chatId)];
  }

  balance(accountId: string): number {
    return this.accounts.get(accountId)?.credits ?? 0;
  }

  // ---- internals ----

  private queuedOf(accountId: string): RunRow[] {
    const now = this.now();
    return this.runs.filter(
      (r) =>
        r.account_id === accountId &&
        r.status === 'queued' &&
        (r.lease_until === null || r.lease_until < now),
    );
  }

  private hasQueued(accountId: string): boolean {
    return this.queuedOf(accountId).length > 0;
  }

  private findRun(runId: string): RunRow | undefined {
    return this.runs.find((r) => r.id === runId);
  }

  /** The lease and step guard of every write of engine progress. */
  private heldAt(runId: string, owner: string, step: number): RunRow {
    const run = this.findRun(runId);
    if (!run || run.lease_owner !== owner || run.step !== step || run.status !== 'running')
      throw new LeaseLostError(runId);
    return run;
  }

  private insertRun(chat: MemoryChat, status: RunRow['status'], input: RunInput, seed: number): RunRow {
    const run = newRunRow({
      id: randomUUID(),
      chat_id: chat.id,
      account_id: chat.account_id,
      status,
      input,
      seed,
      created_at: this.now(),
    });
    this.runs.push(run);
    return run;
  }

  private promotePending(chatId: string, dropAll: boolean): RunRow | null {
    const pending = this.runs.filter((r) => r.chat_id === chatId && r.status === 'pending');
    if (dropAll) {
      for (const run of pending) {
        run.status = 'cancelled';
        run.termination_reason = 'cancelled';
        run.ended_at = this.now();
      }
      return null;
    }
    const next = pending[0];
    if (next) next.status = 'queued';
    return next ?? null;
  }

  private append(chat: MemoryChat, events: NewEvent[]): EventRow[] {
    const created_at = this.now();
    const rows = events.map((e) => {
      chat.last_seq += 1;
      return { chat_id: chat.id, seq: chat.last_seq, type: e.type, data: e.data, created_at };
    });
    this.eventsOf(chat.id).push(...rows);
    return rows;
  }

  private messagesOf(chatId: string): MessageRow[] {
    let log = this.messageLog.get(chatId);
    if (!log) this.messageLog.set(chatId, (log = []));
    return log;
  }

  private eventsOf(chatId: string): EventRow[] {
    let log = this.eventLog.get(chatId);
    if (!log) this.eventLog.set(chatId, (log = []));
    return log;
  }
}

function copy(run: RunRow): RunRow {
  return structuredClone(run);
}
