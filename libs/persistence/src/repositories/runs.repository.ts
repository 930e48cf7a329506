import { randomUUID } from 'node:crypto';
import {
  CLAIMABLE_RUN_STATUSES,
  decide,
  LEASED_RUN_STATUSES,
  messageEventBody,
  RUN_LIFECYCLE,
  ruleOf,
  runIsIdle,
  stepCredits,
  UNSTARTED_RUN_STATUSES,
  type ChatStatus,
  type CreditRule,
  type InputRequest,
  type LifecycleEvent,
  type RunEnd,
  type RunStatus,
  type Scope,
  type TokenUsage,
  type TranscriptMessage,
} from '@conclave/domain';
import type { Database, Sql } from '../database';
import { isUniqueViolation } from '../database';
import { chatFromJson, eventFromJson, runFromJson } from '../json-rows';
import {
  type ChatRow,
  type EventRow,
  type MessageRow,
  type PendingAnswer,
  type RunInput,
  type RunRow,
  storedMessage,
} from '../rows';
import { activeClaim, type ClaimHolder } from './claims.repository';
import { scopeCondition } from '../scope-filter';
import { statusList } from '../status-sql';
import { EventsRepository, type NewEvent } from './events.repository';
import {
  type AdmissionTerms,
  type MessageAllowance,
  MessageLimitReached,
  UsageRepository,
} from './usage.repository';

export type { RunEnd } from '@conclave/domain';

/** Thrown when a worker commits a step of a run whose lease it no longer holds. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`lease on run ${runId} was lost`);
    this.name = 'LeaseLostError';
  }
}

/** Thrown when the account cannot pay for a step's agent messages: nothing of the step was written. */
export class InsufficientCreditsError extends Error {
  constructor(readonly accountId: string) {
    super('insufficient credits');
    this.name = 'InsufficientCreditsError';
  }
}

export type StartRunResult =
  | { ok: true; chat: ChatRow; run: RunRow; events: EventRow[] }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'busy'; status: ChatStatus; activeRunId: string | null }
  | LimitReached;

/** The refusals of a statement that admits the message it starts or resumes a run for: nothing was written. */
export type AdmissionRefusal =
  | { ok: false; reason: 'insufficient_credits' }
  /** `plan`: the account's plan, whose monthly allowance is used up. */
  | { ok: false; reason: 'limit_reached'; plan: string }
  /** The caller's account does not exist (deleted since its key was checked). */
  | { ok: false; reason: 'no_account' };

/** `admitAndStart`: `start`'s answers, and the admission's refusals. */
export type AdmittedStartResult = Exclude<StartRunResult, LimitReached> | AdmissionRefusal;

/** `admitAndAnswer`: `answer`'s answers, and the admission's refusals. */
export type AdmittedAnswerResult = Exclude<AnswerResult, LimitReached> | AdmissionRefusal;

/** What `conclave_answer_run` answers (rows as JSON). */
type AnswerStatementResult =
  | {
      outcome: 'answered';
      chat: Record<string, unknown>;
      run: Record<string, unknown>;
      events: Record<string, unknown>[];
    }
  | { outcome: 'claimed'; chat: Record<string, unknown> }
  | { outcome: 'not_waiting'; status: ChatStatus }
  | { outcome: 'wrong_kind'; expected: string }
  | { outcome: 'limit_reached'; plan: string }
  | { outcome: 'not_found' | 'insufficient_credits' | 'no_account' };

/** The admission a start or answer statement applies: NULLs skip the credit check or the counting. */
interface StatementAdmission {
  minimumCredits: number | null;
  monthlyLimits: Record<string, number> | null;
  unlistedPlans: number;
}

/** What `conclave_start_run` answers (rows as JSON). */
type StartStatementResult =
  | {
      outcome: 'started';
      chat: Record<string, unknown>;
      run: Record<string, unknown>;
      events: Record<string, unknown>[];
    }
  | { outcome: 'busy'; status: ChatStatus; active_run_id: string | null }
  | { outcome: 'limit_reached'; plan: string }
  | { outcome: 'not_found' | 'insufficient_credits' | 'no_account' };

/** The month's message allowance was used up: nothing was started or counted. */
export type LimitReached = { ok: false; reason: 'limit_reached' };

export type AnswerResult =
  | { ok: true; chat: ChatRow; run: RunRow; events: EventRow[] }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_waiting'; status: ChatStatus }
  | { ok: false; reason: 'wrong_kind'; expected: string }
  | { ok: false; reason: 'claimed'; holder: ClaimHolder }
  | LimitReached;

/** The operator answering (issue 14): another key's live claim refuses the answer; the holder's renews. */
export interface AnsweringOperator {
  keyId: string;
  claimIdleMs: number;
}

export type EnqueueRunResult =
  | { ok: true; started: boolean; chat: ChatRow; run: RunRow; events: EventRow[] }
  | { ok: false; reason: 'not_found' }
  | LimitReached;

/** A run that ended, and the enqueued (`multitask=enqueue`) run that became queued in its place. */
export interface Finished {
  events: EventRow[];
  promoted: RunRow | null;
  /**
   * Whether the run's account has queued runs (asked for with `FinishArgs.reportQueued`); undefined
   * when not known (not asked, or the end took the general path).
   */
  accountQueued?: boolean;
}

export interface Committed {
  messages: MessageRow[];
  events: EventRow[];
}

const LEASED = statusList(LEASED_RUN_STATUSES);

/**
 * Takes (or renews) a run's lease in one round trip (`conclave_claim_run`, migration 1766000000000):
 * $1 run id, $2 owner, $3 lease in ms, $4 the per-account cap (null: none); the statuses are the
 * lifecycle's. The lease clock is the database's.
 */
const CLAIM_SQL = `SELECT * FROM conclave_claim_run($1, $2, $3, $4, $5, $6, $7, $8)`;
/** A run in this status counts its account's executing runs before it is claimed. */
const CAPPED: RunStatus = 'queued';

function claimParams(runId: string, owner: string, leaseMs: number, maxPerAccount: number | null): unknown[] {
  const rule = RUN_LIFECYCLE.claim;
  return [
    runId,
    owner,
    leaseMs,
    maxPerAccount,
    [...rule.runFrom],
    [...LEASED_RUN_STATUSES],
    rule.runTo,
    CAPPED,
  ];
}

/**
 * The statuses the lease holder's end of a run expects (its run leased, its chat running): the end is
 * decided for them in TypeScript and applied in one round trip when they hold (`conclave_finish_run`).
 */
const HELD: { chat: ChatStatus; run: RunStatus } = { chat: 'running', run: 'running' };
/** `decide` puts the run's usage in `run.completed`; `conclave_finish_run` writes the database's in its place. */
const USAGE_FROM_DATABASE: TokenUsage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };

/** What `conclave_finish_run` answers. */
interface HeldEndResult {
  outcome: 'finished' | 'refused' | 'mismatch';
  events?: EventRow[];
  account_queued?: boolean | null;
}

/**
 * `conclave_finish_run`'s parameters after run, owner, step and state: the holder's end decided for
 * `HELD` (null when the rules refuse it there: the general path decides).
 */
function heldEndParams(args: FinishArgs): unknown[] | null {
  const { end } = args;
  const decision = decide(HELD.chat, HELD.run, {
    type: 'finish',
    run: { id: args.runId, usage: USAGE_FROM_DATABASE },
    end,
  });
  if (!decision.ok) return null;
  return [
    HELD.chat,
    HELD.run,
    decision.chat,
    decision.run,
    [...RUN_LIFECYCLE.promote.runFrom],
    end.reason,
    end.status === 'completed' ? end.summary : null,
    end.status === 'failed' ? end.error : null,
    end.status === 'failed' ? end.kind : null,
    JSON.stringify(decision.events),
    args.reportQueued ?? false,
    CAPPED,
  ];
}

function finishedOf(result: HeldEndResult, reportQueued?: boolean): Finished | null | 'mismatch' {
  if (result.outcome === 'mismatch') return 'mismatch';
  if (result.outcome === 'refused') return null;
  return {
    events: result.events ?? [],
    promoted: null,
    ...(reportQueued ? { accountQueued: result.account_queued === true } : {}),
  };
}

/** `conclave_commit_step`'s parameter count (`RunsRepository.sendStep`). */
const STEP_PARAMS = 13;

/** `$from, …` for `count` parameters. */
function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

interface StepResult {
  held: boolean;
  messages?: MessageRow[];
  events?: EventRow[];
}

function committedOf(args: StepArgs, result: StepResult): Committed {
  if (!result.held) throw new LeaseLostError(args.run.id);
  return { messages: result.messages ?? [], events: result.events ?? [] };
}

/** What `conclave_commit_step` raises when the account cannot pay for a step. */
const CREDITS_SQLSTATE = 'CN402';

/** A step's `conclave_commit_step` arguments by name (the items of `conclave_commit_steps`). */
interface StepInput {
  run: string;
  owner: string;
  step: number;
  state: Record<string, unknown>;
  lease_ms: number;
  consume_answer: boolean;
  input_tokens: number;
  output_tokens: number;
  chat: string;
  messages: unknown[];
  leading_events: NewEvent[];
  account: string | null;
  credits: number;
}

/**
 * Each message goes as its API object (`messageEventBody`); SQL adds id, seq, created_at. Credits are
 * per message, all or nothing for the step.
 */
function stepInput(args: StepArgs): StepInput {
  const usage = sumUsage(args.messages, args.extraUsage);
  const credits = args.charge
    ? stepCredits(args.messages, args.charge.rule, new Set(args.charge.executedToolCalls ?? []))
    : [];
  return {
    run: args.run.id,
    owner: args.owner,
    step: args.step,
    state: args.state,
    lease_ms: args.leaseMs,
    consume_answer: args.consumeAnswer ?? false,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    chat: args.run.chat_id,
    messages: args.messages.map((m, i) => ({
      message: messageEventBody({ ...storedMessage(m), chat_id: args.run.chat_id, run_id: args.run.id }),
      credits: credits[i] ?? 0,
      ...(args.checkpoints?.[i] ? { checkpoint: args.checkpoints[i] } : {}),
    })),
    leading_events: args.leadingEvents ?? [],
    account: args.charge?.accountId ?? null,
    credits: credits.reduce((a, b) => a + b, 0),
  };
}

/** `StepInput` as `conclave_commit_step`'s STEP_PARAMS positional parameters. */
function stepParams(input: StepInput): unknown[] {
  return [
    input.run,
    input.owner,
    input.step,
    JSON.stringify(input.state),
    input.lease_ms,
    input.consume_answer,
    input.input_tokens,
    input.output_tokens,
    input.chat,
    JSON.stringify(input.messages),
    JSON.stringify(input.leading_events),
    input.account,
    input.credits,
  ];
}

/** One engine step to commit (`RunsRepository.commitStep`). */
export interface StepArgs {
  run: Pick<RunRow, 'id' | 'chat_id'>;
  owner: string;
  step: number;
  state: Record<string, unknown>;
  messages: TranscriptMessage[];
  leaseMs: number;
  consumeAnswer?: boolean;
  /** Events that precede the messages' (e.g. `run.started`). */
  leadingEvents?: NewEvent[];
  /**
   * Debit the step's agent messages, and the results of the HTTP tool calls the server executed
   * (`executedToolCalls`), from this account, all or nothing (issue 7).
   */
  charge?: { accountId: string; rule: CreditRule; executedToolCalls?: string[] };
  /** Usage of a model call that produced no message (speaker selection, reflection summary). */
  extraUsage?: TokenUsage;
  /** Fork points: the engine state right after each message, where it has one (`Advance.checkpoints`). */
  checkpoints?: (Record<string, unknown> | null)[];
}

/** What the engine reads of a stored message (`RunsRepository.executionContext`). */
export type TranscriptRow = Pick<
  MessageRow,
  'sender' | 'recipient' | 'type' | 'content' | 'tool_calls' | 'tool_call_id' | 'meta' | 'usage'
>;

/** `RunsRepository.executionContext`. */
export interface ExecutionContext {
  account_id: string;
  knowledge_base: string | null;
  flow_spec: unknown;
  /** The chat's messages, oldest first, with what the engine reads of them. */
  messages: TranscriptRow[];
  previous_state: Record<string, unknown> | null;
  run_messages: number;
  answered_at: Date | null;
}

export interface FinishArgs {
  runId: string;
  owner?: string;
  step?: number;
  state?: Record<string, unknown>;
  end: RunEnd;
  /** Tell whether the run's account has queued runs (`Finished.accountQueued`) when it can be had in passing. */
  reportQueued?: boolean;
}

/**
 * The run lifecycle's I/O. What a transition does — the statuses it moves from and to, the events it
 * appends — is decided by `decide` in `@conclave/domain` (run-lifecycle.ts); the guards here are built
 * from the same status sets, and the SQL adds only what the database assigns (seqs, timestamps, the
 * lease clock). Each transition is one transaction whose conditional updates carry the invariant (one
 * active run per chat, dense seqs, the lease owner is the only writer), so two processes racing for
 * the same chat or run cannot both win.
 *
 * Lock order: a transaction that locks both a chat and one of its runs locks the chat row first, then
 * the run (start, enqueue, answer, waitForInput, finishRun, and `conclave_commit_step`). Two paths
 * taking them in opposite orders deadlock (Postgres 40P01) — an input timeout racing an answer did.
 * Statements that touch only the run (claim, heartbeat, release, requestCancel) take no chat lock.
 */
export class RunsRepository {
  constructor(private readonly db: Database) {}

  /** The runs a chat executed, oldest first, with what started them and the answers they got. */
  async recordedRuns(chatId: string): Promise<Pick<RunRow, 'input' | 'seed' | 'answers'>[]> {
    return this.db.query(
      `SELECT input, seed, answers FROM runs WHERE chat_id = $1 AND status NOT IN ${statusList(UNSTARTED_RUN_STATUSES)}
       ORDER BY created_at, id`,
      [chatId],
    );
  }

  /**
   * ready/completed/error → running with a new queued run (docs/architecture.md). With an
   * `allowance`, the message counts against the account's month in the same statement.
   */
  async start(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    allowance?: MessageAllowance,
  ): Promise<StartRunResult> {
    return unadmitted(
      await this.startStatement(scope, chatId, input, seed, randomUUID(), admittedBefore(allowance)),
    );
  }

  /**
   * A user message admitted (the account's credits and the plan's monthly allowance, MessageAdmission's
   * rules given as `terms`) and its run started, in one round trip: `start` with the admission in the
   * same statement.
   */
  async admitAndStart(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    terms: AdmissionTerms,
  ): Promise<AdmittedStartResult> {
    return this.startStatement(scope, chatId, input, seed, randomUUID(), terms);
  }

  /** `conclave_start_run` (migration 1766100000000) with the lifecycle's decision for each status it may start from. */
  private async startStatement(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    runId: string,
    admission: StatementAdmission,
  ): Promise<AdmittedStartResult> {
    const decisions = Object.fromEntries(
      RUN_LIFECYCLE.start.chatFrom.map((status) => [status, decided(status, null, { type: 'start', runId })]),
    );
    let result: StartStatementResult;
    try {
      [{ result }] = await this.db.query<{ result: StartStatementResult }>(
        `SELECT conclave_start_run($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS result`,
        [
          chatId,
          scope.accountId,
          scope.agentId,
          runId,
          JSON.stringify(input),
          seed,
          JSON.stringify(decisions),
          admission.minimumCredits,
          admission.monthlyLimits && JSON.stringify(admission.monthlyLimits),
          admission.unlistedPlans,
        ],
      );
    } catch (err) {
      // The partial unique index caught a concurrent start the chat row lock could not see.
      if (!isUniqueViolation(err)) throw err;
      const chat = await this.db.query<ChatRow>(`SELECT * FROM chats WHERE id = $1`, [chatId]);
      return {
        ok: false,
        reason: 'busy',
        status: chat[0]?.status ?? 'running',
        activeRunId: chat[0]?.active_run_id ?? null,
      };
    }
    switch (result.outcome) {
      case 'started':
        return {
          ok: true,
          chat: chatFromJson(result.chat),
          run: runFromJson(result.run),
          events: result.events.map(eventFromJson),
        };
      case 'busy':
        return { ok: false, reason: 'busy', status: result.status, activeRunId: result.active_run_id };
      case 'limit_reached':
        return { ok: false, reason: 'limit_reached', plan: result.plan };
      default:
        return { ok: false, reason: result.outcome };
    }
  }

  /**
   * `multitask=enqueue`: starts at once when the chat is idle, otherwise adds a `pending` run that
   * `finish` promotes to queued when the active run ends (oldest first). The chat row lock orders this
   * against `finish`, so a pending run is never left behind an idle chat.
   */
  async enqueue(
    scope: Scope,
    chatId: string,
    input: RunInput,
    seed: number,
    allowance?: MessageAllowance,
  ): Promise<EnqueueRunResult> {
    for (;;) {
      const started = await this.start(scope, chatId, input, seed, allowance);
      if (started.ok) return { ...started, started: true };
      if (started.reason !== 'busy') return started;
      const pending = await rollingBackOverLimit(this.db, async (tx) => {
        const params: unknown[] = [chatId];
        const [chat] = await tx.query<ChatRow>(
          `SELECT * FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)} FOR UPDATE`,
          params,
        );
        if (!chat) return { ok: false as const, reason: 'not_found' as const };
        const runId = randomUUID();
        const decision = decide(chat.status, null, { type: 'enqueue', runId });
        if (!decision.ok) return null; // the active run ended meanwhile: start instead
        if (allowance) await new UsageRepository(tx).countMessage(chat.account_id, allowance);
        const run = await insertRun(tx, chat, runId, decision.run, input, seed);
        const events = await EventsRepository.append(tx, chat.id, decision.events);
        return { ok: true as const, started: false, chat, run, events };
      });
      if (pending) return pending;
    }
  }

  /**
   * Graceful shutdown: the holder gives the run back after a committed step (running → queued, no
   * lease) so another worker continues at once instead of after the lease expires.
   */
  async release(runId: string, owner: string): Promise<RunRow | null> {
    const [run] = await this.db.query<RunRow>(
      `UPDATE runs SET status = $3, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2 AND status IN ${statusList(RUN_LIFECYCLE.release.runFrom)} RETURNING *`,
      [runId, owner, RUN_LIFECYCLE.release.runTo],
    );
    return run ?? null;
  }

  /** wait_for_human_input → running; the answer is stored on the run for the next job to apply. */
  async answer(
    scope: Scope,
    chatId: string,
    answer: PendingAnswer,
    operator?: AnsweringOperator,
    allowance?: MessageAllowance,
  ): Promise<AnswerResult> {
    return unadmitted(await this.answerStatement(scope, chatId, answer, operator, admittedBefore(allowance)));
  }

  /** `answer` with the message's admission (`terms`, see `admitAndStart`) in the same statement. */
  async admitAndAnswer(
    scope: Scope,
    chatId: string,
    answer: PendingAnswer,
    operator: AnsweringOperator | undefined,
    terms: AdmissionTerms,
  ): Promise<AdmittedAnswerResult> {
    return this.answerStatement(scope, chatId, answer, operator, terms);
  }

  /** `conclave_answer_run` (migration 1766100000001) with the lifecycle's decision for each status pair it may answer in. */
  private async answerStatement(
    scope: Scope,
    chatId: string,
    answer: PendingAnswer,
    operator: AnsweringOperator | undefined,
    admission: StatementAdmission,
  ): Promise<AdmittedAnswerResult> {
    // The run is the chat's active one, known only under the chat lock: decide() names a placeholder,
    // and the statement writes the run's id into the events' `run_id`.
    const rule = RUN_LIFECYCLE.answer;
    const decisions: Record<string, unknown> = {};
    for (const chat of rule.chatFrom)
      for (const run of rule.runFrom)
        if (run) decisions[`${chat}/${run}`] = decided(chat, run, { type: 'answer', runId: '' });
    const now = new Date();
    const [{ result }] = await this.db.query<{ result: AnswerStatementResult }>(
      `SELECT conclave_answer_run($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS result`,
      [
        chatId,
        scope.accountId,
        scope.agentId,
        JSON.stringify(answer),
        operator?.keyId ?? null,
        now,
        operator?.claimIdleMs ?? 0,
        JSON.stringify(decisions),
        admission.minimumCredits,
        admission.monthlyLimits && JSON.stringify(admission.monthlyLimits),
        admission.unlistedPlans,
      ],
    );
    switch (result.outcome) {
      case 'answered':
        return {
          ok: true,
          chat: chatFromJson(result.chat),
          run: runFromJson(result.run),
          events: result.events.map(eventFromJson),
        };
      case 'claimed': {
        const holder = activeClaim(chatFromJson(result.chat), now.getTime());
        if (!holder) throw new Error('a claim the statement found live is not');
        return { ok: false, reason: 'claimed', holder };
      }
      case 'not_waiting':
        return { ok: false, reason: 'not_waiting', status: result.status };
      case 'wrong_kind':
        return { ok: false, reason: 'wrong_kind', expected: result.expected };
      case 'limit_reached':
        return { ok: false, reason: 'limit_reached', plan: result.plan };
      default:
        return { ok: false, reason: result.outcome };
    }
  }

  /** Takes (or renews) the lease of a run that is queued, or running with an expired lease. */
  async claim(runId: string, owner: string, leaseMs: number): Promise<RunRow | null> {
    const [run] = await this.db.query<RunRow>(CLAIM_SQL, claimParams(runId, owner, leaseMs, null));
    return run ?? null;
  }

  /**
   * `claim` under a per-account cap on executing runs: a queued run whose account already has
   * `maxPerAccount` runs executing is not taken but `deferred` — it stays queued (not failed) and is
   * dispatched again when one of them ends or by the sweeper. The count and the claim happen under
   * a per-account advisory lock, so concurrent claims (other processes) cannot both take the last slot.
   * A run already running (a renewal or a takeover) is not counted against the cap.
   */
  async claimWithinCap(
    runId: string,
    owner: string,
    leaseMs: number,
    maxPerAccount: number,
  ): Promise<RunRow | 'deferred' | null> {
    const [run] = await this.db.query<RunRow>(CLAIM_SQL, claimParams(runId, owner, leaseMs, maxPerAccount));
    if (!run) return null;
    return run.status === RUN_LIFECYCLE.claim.runTo ? run : 'deferred';
  }

  /** The oldest queued runs of an account (to hand a freed execution slot on). */
  async queuedOfAccount(accountId: string, limit: number): Promise<RunRow[]> {
    return this.db.query<RunRow>(
      `SELECT * FROM runs WHERE account_id = $1 AND status = $3
         AND (lease_until IS NULL OR lease_until < now())
       ORDER BY created_at LIMIT $2`,
      [accountId, limit, 'queued' satisfies RunStatus],
    );
  }

  /** Extends the lease; false when it was lost (expired and taken, or the run ended). */
  async heartbeat(
    runId: string,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: boolean; cancel: boolean }> {
    const [row] = await this.db.query<{ cancel_requested: boolean }>(
      `UPDATE runs SET lease_until = now() + $3 * interval '1 millisecond'
       WHERE id = $1 AND lease_owner = $2 AND status IN ${LEASED} RETURNING cancel_requested`,
      [runId, owner, leaseMs],
    );
    return { held: !!row, cancel: row?.cancel_requested ?? false };
  }

  async get(runId: string): Promise<RunRow | null> {
    const [run] = await this.db.query<RunRow>(`SELECT * FROM runs WHERE id = $1`, [runId]);
    return run ?? null;
  }

  /** A run of a chat in the scope. */
  async getInScope(scope: Scope, runId: string): Promise<RunRow | null> {
    const params: unknown[] = [runId];
    const [run] = await this.db.query<RunRow>(
      `SELECT r.* FROM runs r JOIN chats c ON c.id = r.chat_id
       WHERE r.id = $1 AND ${scopeCondition(scope, params, 'c')}`,
      params,
    );
    return run ?? null;
  }

  /**
   * One engine step: the new messages, their events, the engine state and usage in one
   * transaction, guarded by the lease and the step number so a step is never committed twice.
   */
  async commitStep(args: StepArgs): Promise<Committed> {
    const result = await this.sendStep<StepResult>(
      args,
      `SELECT conclave_commit_step(${placeholders(1, STEP_PARAMS)}) AS result`,
      [],
    );
    return committedOf(args, result);
  }

  /**
   * A run's last step and the holder's end of the run (`end`, at the step after it, with the step's
   * state) in one round trip (`conclave_commit_final_step`, migration 1766000000001), as `commitStep`
   * then `finishRun` would. `finished` is the end's result (null: its guard refused it).
   */
  async commitFinalStep(
    args: StepArgs & { end: RunEnd; reportQueued?: boolean },
  ): Promise<Committed & { finished: Finished | null }> {
    const end: FinishArgs = {
      runId: args.run.id,
      owner: args.owner,
      step: args.step + 1,
      state: args.state,
      end: args.end,
      reportQueued: args.reportQueued,
    };
    const held = heldEndParams(end);
    if (!held) {
      const committed = await this.commitStep(args);
      return { ...committed, finished: await this.finishByRules(end) };
    }
    const result = await this.sendStep<{ step: StepResult; finish?: HeldEndResult }>(
      args,
      `SELECT conclave_commit_final_step(${placeholders(1, STEP_PARAMS + held.length)}) AS result`,
      held,
    );
    const committed = committedOf(args, result.step);
    const finished = finishedOf(result.finish!, args.reportQueued);
    return { ...committed, finished: finished === 'mismatch' ? await this.finishByRules(end) : finished };
  }

  /**
   * Group commit: several runs' steps in one round trip (`conclave_commit_steps`, migration
   * 1766300000000), each applied by `conclave_commit_step` in its own subtransaction, so one item's
   * refusal leaves the others committed. One result per item, in order: what `commitStep` would have
   * returned or thrown for it. An item that failed for another reason than the lease, the step guard or
   * credits wrote nothing; it is committed again alone, so its caller gets what a single commit gives.
   */
  async commitSteps(items: StepArgs[]): Promise<PromiseSettledResult<Committed>[]> {
    const [row] = await this.db.query<{ result: (StepResult | { error: string })[] }>(
      `SELECT conclave_commit_steps($1) AS result`,
      [JSON.stringify(items.map(stepInput))],
    );
    return Promise.allSettled(
      row.result.map(async (result, i) => {
        const args = items[i];
        if (!('error' in result)) return committedOf(args, result);
        if (result.error === CREDITS_SQLSTATE) throw new InsufficientCreditsError(args.charge!.accountId);
        return this.commitStep(args);
      }),
    );
  }

  /**
   * One round trip carrying a step's `conclave_commit_step` parameters (see migration 1765800000000
   * for the statement order and guards), then `extra`.
   */
  private async sendStep<T>(args: StepArgs, text: string, extra: unknown[]): Promise<T> {
    try {
      const [row] = await this.db.query<{ result: T }>(text, [...stepParams(stepInput(args)), ...extra]);
      return row.result;
    } catch (err) {
      const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code;
      if (code === CREDITS_SQLSTATE) throw new InsufficientCreditsError(args.charge!.accountId);
      throw err;
    }
  }

  /** running → wait_for_human_input: the job ends, nothing is held while the human thinks. */
  async waitForInput(args: {
    run: Pick<RunRow, 'id' | 'chat_id'>;
    owner: string;
    step: number;
    state: Record<string, unknown>;
    request: InputRequest;
    expiresAt: Date | null;
    /** The asking agent's `input_sla_seconds`: past it the sweeper writes `input.overdue`. */
    inputSlaSeconds?: number | null;
  }): Promise<EventRow[]> {
    return this.db.transaction(async (tx) => {
      const rule = RUN_LIFECYCLE.wait_for_input;
      // The chat first (lock order), with what the person is asked to answer: operators' inbox
      // (issue 14) shows it without reading the transcript.
      const [chat] = await tx.query<{ status: ChatStatus; sender: string | null; content: string | null }>(
        `SELECT c.status, m.sender, m.content FROM chats c
         LEFT JOIN LATERAL (SELECT sender, left(content, 4000) AS content FROM messages
                            WHERE chat_id = c.id ORDER BY seq DESC LIMIT 1) m ON true
         WHERE c.id = $1 FOR UPDATE OF c`,
        [args.run.chat_id],
      );
      const { count } = await tx.execute(
        `UPDATE runs SET status = $6, state = $4, step = step + 1, lease_owner = NULL, lease_until = NULL,
           input_expires_at = $5
         WHERE id = $1 AND lease_owner = $2 AND step = $3 AND status IN ${statusList(rule.runFrom)}`,
        [args.run.id, args.owner, args.step, JSON.stringify(args.state), args.expiresAt, rule.runTo],
      );
      if (count === 0 || !chat) throw new LeaseLostError(args.run.id);
      const request: InputRequest = {
        ...args.request,
        expires_at: args.expiresAt?.toISOString() ?? null,
        question: chat.sender !== null ? { sender: chat.sender, content: chat.content } : null,
      };
      const decision = decided(chat.status, 'running', {
        type: 'wait_for_input',
        runId: args.run.id,
        request,
      });
      await tx.query(
        `UPDATE chats SET status = $4, input_request = $2, updated_at = now(),
           waiting_since = date_trunc('milliseconds', now()), input_overdue_at = NULL,
           input_due_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + $3::int * interval '1 second' END
         WHERE id = $1`,
        [args.run.chat_id, JSON.stringify(request), args.inputSlaSeconds ?? null, decision.chat],
      );
      return EventsRepository.append(tx, args.run.chat_id, decision.events);
    });
  }

  /**
   * Ends a run and moves the chat to completed/error. With `owner` only the lease holder may end it;
   * without, any non-final run may be ended (cancel of an idle run, input timeout, sweeper).
   */
  async finish(args: FinishArgs): Promise<EventRow[] | null> {
    return (await this.finishRun(args))?.events ?? null;
  }

  /**
   * `finish`, plus the chat's oldest pending run (`multitask=enqueue`) promoted to queued in the same
   * transaction (the chat stays running) — the caller dispatches it. A cancel drops pending runs too:
   * stop means stop.
   */
  async finishRun(args: FinishArgs): Promise<Finished | null> {
    if (args.owner !== undefined) {
      const held = await this.finishHeld(args.owner, args);
      if (held !== 'mismatch') return held;
    }
    return this.finishByRules(args);
  }

  /** `finishRun` by the general path: the statuses read under the chat lock, then `decide`. */
  private finishByRules(args: FinishArgs): Promise<Finished | null> {
    const params: unknown[] = [];
    let guard = '';
    if (args.owner !== undefined) {
      params.push(args.owner, args.step);
      guard = `AND status IN ${LEASED} AND lease_owner = $8 AND step = $9`;
    }
    return this.end(args.runId, (run) => ({ type: 'finish', run, end: args.end }), args.state, params, guard);
  }

  /**
   * The lease holder's end in one round trip (`conclave_finish_run`, migration 1766000000000): decided
   * here for the statuses a held run has (`HELD`), applied there only if they are the ones found under
   * the chat lock and the chat has no pending run to promote; `mismatch` otherwise (nothing written).
   */
  private async finishHeld(owner: string, args: FinishArgs): Promise<Finished | null | 'mismatch'> {
    const held = heldEndParams(args);
    if (!held) return 'mismatch';
    const [row] = await this.db.query<{ result: HeldEndResult }>(
      `SELECT conclave_finish_run($1, $2, $3, $4, ${placeholders(5, held.length)}) AS result`,
      [args.runId, owner, args.step, args.state ? JSON.stringify(args.state) : null, ...held],
    );
    return finishedOf(row.result, args.reportQueued);
  }

  /**
   * The sweeper's input timeout: ends the run only if it still waits and its request expired by the
   * database's clock. An answer that got in first wins; the answer and this take the chat lock first.
   */
  async timeoutInput(runId: string): Promise<Finished | null> {
    return this.end(
      runId,
      (run) => ({ type: 'input_timeout', run }),
      undefined,
      [],
      `AND input_expires_at < now()`,
    );
  }

  /**
   * Ends a run as `event` says, under the chat row lock taken first (lock order). `guard` adds the
   * caller's condition on the run (the lease holder's, the timeout's), its parameters from $8.
   */
  private async end(
    runId: string,
    eventOf: (run: {
      id: string;
      usage: TokenUsage;
    }) => Extract<LifecycleEvent, { type: 'finish' | 'input_timeout' }>,
    state: Record<string, unknown> | undefined,
    guardParams: unknown[],
    guard: string,
  ): Promise<Finished | null> {
    return this.db.transaction(async (tx) => {
      const [found] = await tx.query<{ chat_status: ChatStatus; run_status: RunStatus; usage: TokenUsage }>(
        `SELECT c.status AS chat_status, r.status AS run_status, r.usage FROM runs r JOIN chats c ON c.id = r.chat_id
         WHERE r.id = $1 FOR UPDATE OF c`,
        [runId],
      );
      if (!found) return null;
      const event = eventOf({ id: runId, usage: found.usage });
      const decision = decide(found.chat_status, found.run_status, event);
      if (!decision.ok) return null;
      const end: RunEnd =
        event.type === 'finish' ? event.end : { status: 'completed', reason: 'input_timeout', summary: null };
      const [run] = await tx.query<RunRow>(
        `UPDATE runs SET status = $2, termination_reason = $3, summary = $4, last_error = $5,
           failure_kind = $7, state = coalesce($6, state), step = step + 1, lease_owner = NULL, lease_until = NULL,
           pending_answer = NULL, ended_at = now()
         WHERE id = $1 AND status IN ${statusList(ruleOf(event).runFrom)} ${guard} RETURNING *`,
        [
          runId,
          decision.run,
          end.reason,
          end.status === 'completed' ? end.summary : null,
          end.status === 'failed' ? end.error : null,
          state ? JSON.stringify(state) : null,
          end.status === 'failed' ? end.kind : null,
          ...guardParams,
        ],
      );
      if (!run) return null;
      const promoted = await promotePending(tx, run.chat_id, decision.chat, end.status === 'cancelled');
      await tx.query(
        `UPDATE chats SET status = $2, termination_reason = $3, last_error = $4, input_request = NULL,
           active_run_id = $6, updated_at = now()
         WHERE id = $1 AND active_run_id = $5`,
        [
          run.chat_id,
          promoted?.chat ?? decision.chat,
          promoted ? null : end.reason,
          promoted ? null : run.last_error,
          run.id,
          promoted?.run.id ?? null,
        ],
      );
      const events = await EventsRepository.append(tx, run.chat_id, [
        ...decision.events,
        ...(promoted?.events ?? []),
      ]);
      return { events, promoted: promoted?.run ?? null };
    });
  }

  /**
   * Asks the run's holder to stop; returns the run so the caller can end it when nobody holds it
   * (`idle`, decided with the database's clock, the one the lease was written with).
   */
  async requestCancel(
    scope: Scope,
    chatId: string,
  ): Promise<{ found: boolean; run: RunRow | null; idle: boolean }> {
    const params: unknown[] = [chatId];
    const [chat] = await this.db.query<{ active_run_id: string | null }>(
      `SELECT active_run_id FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)}`,
      params,
    );
    if (!chat) return { found: false, run: null, idle: false };
    if (!chat.active_run_id) return { found: true, run: null, idle: false };
    const [row] = await this.db.query<RunRow & { db_now: Date }>(
      `UPDATE runs SET cancel_requested = true
       WHERE id = $1 AND status IN ${statusList(RUN_LIFECYCLE.request_cancel.runFrom)} RETURNING *, now() AS db_now`,
      [chat.active_run_id],
    );
    if (!row) return { found: true, run: null, idle: false };
    const { db_now, ...run } = row;
    return { found: true, run, idle: runIsIdle(run, db_now) };
  }

  /** Runs a dispatcher should (re)send: queued or running with an expired lease. */
  async dispatchable(limit: number): Promise<RunRow[]> {
    return this.db.query<RunRow>(
      `SELECT * FROM runs WHERE status IN ${statusList(CLAIMABLE_RUN_STATUSES)} AND (lease_until IS NULL OR lease_until < now())
       ORDER BY created_at LIMIT $1`,
      [limit],
    );
  }

  /** Waiting runs whose input request expired (end each with `timeoutInput`). */
  async expiredInputs(limit: number): Promise<RunRow[]> {
    return this.db.query<RunRow>(
      `SELECT * FROM runs WHERE status IN ${statusList(RUN_LIFECYCLE.input_timeout.runFrom)}
         AND input_expires_at < now() ORDER BY input_expires_at LIMIT $1`,
      [limit],
    );
  }

  /**
   * What a claimed run executes against: its chat's account, agent knowledge base and pinned flow
   * spec, the transcript, the previous run's engine state, and the budget it used so far (messages
   * it wrote; when a person last answered it). Null when the chat was deleted meanwhile.
   */
  async executionContext(
    run: Pick<RunRow, 'id' | 'chat_id' | 'created_at'>,
  ): Promise<ExecutionContext | null> {
    // One round trip: the transcript and the previous state ride as subqueries.
    const [context] = await this.db.query<ExecutionContext>(
      `SELECT c.account_id, a.knowledge_base, v.spec AS flow_spec,
              (SELECT count(*)::int FROM messages WHERE run_id = $2) AS run_messages,
              (SELECT max(created_at) FROM events WHERE chat_id = $1 AND type = 'chat.status'
                 AND data->>'run_id' = $2::text AND data->>'previous' = 'wait_for_human_input') AS answered_at,
              (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'sender', m.sender, 'recipient', m.recipient, 'type', m.type, 'content', m.content,
                        'tool_calls', m.tool_calls, 'tool_call_id', m.tool_call_id, 'meta', m.meta,
                        'usage', m.usage) ORDER BY m.seq), '[]'::jsonb)
                 FROM messages m WHERE m.chat_id = $1) AS messages,
              (SELECT state FROM runs WHERE chat_id = $1 AND id <> $2 AND state IS NOT NULL AND created_at <= $3
                 ORDER BY created_at DESC, id DESC LIMIT 1) AS previous_state
       FROM chats c
       LEFT JOIN agents a ON a.id = c.agent_id
       LEFT JOIN flow_versions v ON v.flow_id = c.flow_id AND v.version = c.flow_version
       WHERE c.id = $1`,
      [run.chat_id, run.id, run.created_at],
    );
    return context ?? null;
  }
}

/**
 * `db.transaction`, answering `limit_reached` when the work found the month's message allowance
 * used up (the transaction rolled back: nothing of it was written).
 */
export async function rollingBackOverLimit<T>(
  db: Database,
  work: (tx: Sql) => Promise<T>,
): Promise<T | LimitReached> {
  try {
    return await db.transaction(work);
  } catch (err) {
    if (err instanceof MessageLimitReached) return { ok: false, reason: 'limit_reached' };
    throw err;
  }
}

/**
 * Under the chat row lock, once the active run ended (the chat is `chatStatus`): the oldest pending run
 * becomes queued and the chat's active run, or, on cancel, all pending runs are dropped.
 */
async function promotePending(
  tx: Sql,
  chatId: string,
  chatStatus: ChatStatus,
  dropAll: boolean,
): Promise<{ run: RunRow; chat: ChatStatus; events: NewEvent[] } | null> {
  if (dropAll) {
    await tx.query(
      `UPDATE runs SET status = $2, termination_reason = 'cancelled', ended_at = now()
       WHERE chat_id = $1 AND status IN ${statusList(RUN_LIFECYCLE.drop_pending.runFrom)}`,
      [chatId, RUN_LIFECYCLE.drop_pending.runTo],
    );
    return null;
  }
  const rule = RUN_LIFECYCLE.promote;
  if (!rule.chatFrom.includes(chatStatus)) return null;
  const [run] = await tx.query<RunRow>(
    `UPDATE runs SET status = $2
     WHERE id = (SELECT id FROM runs WHERE chat_id = $1 AND status IN ${statusList(rule.runFrom)}
                 ORDER BY created_at, id LIMIT 1)
     RETURNING *`,
    [chatId, rule.runTo],
  );
  if (!run) return null;
  const decision = decided(chatStatus, 'pending', { type: 'promote', runId: run.id });
  return { run, chat: decision.chat, events: decision.events };
}

async function insertRun(
  tx: Sql,
  chat: ChatRow,
  runId: string,
  status: RunStatus,
  input: RunInput,
  seed: number,
): Promise<RunRow> {
  const [run] = await tx.query<RunRow>(
    `INSERT INTO runs (id, chat_id, account_id, status, input, seed) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [runId, chat.id, chat.account_id, status, JSON.stringify(input), seed],
  );
  return run;
}

/** A transition the SQL guard already allowed: the rules refusing it means they and the guard disagree. */
function decided(
  chat: ChatStatus,
  run: RunStatus | null,
  event: LifecycleEvent,
): Extract<ReturnType<typeof decide>, { ok: true }> {
  const decision = decide(chat, run, event);
  if (!decision.ok)
    throw new Error(`run lifecycle: ${event.type} from chat ${chat}, run ${run} passed the SQL guard`);
  return decision;
}

function sumUsage(messages: TranscriptMessage[], extra?: TokenUsage): TokenUsage {
  return messages.reduce<TokenUsage>(
    (acc, m) => ({
      input_tokens: acc.input_tokens + (m.usage?.input_tokens ?? 0),
      output_tokens: acc.output_tokens + (m.usage?.output_tokens ?? 0),
      total_tokens: acc.total_tokens + (m.usage?.total_tokens ?? 0),
    }),
    {
      input_tokens: extra?.input_tokens ?? 0,
      output_tokens: extra?.output_tokens ?? 0,
      total_tokens: extra?.total_tokens ?? 0,
    },
  );
}

/** A start or answer whose message was admitted before (or is no end-user message): counted against `allowance` if given. */
function admittedBefore(allowance?: MessageAllowance): StatementAdmission {
  return {
    minimumCredits: null,
    monthlyLimits: allowance ? {} : null,
    unlistedPlans: allowance?.monthlyLimit ?? 0,
  };
}

/** A statement's answer as `start` and `answer` give it when the message was admitted before. */
function unadmitted<T extends { ok: boolean }>(
  result: T | AdmissionRefusal,
): T | { ok: false; reason: 'not_found' } | LimitReached {
  if (result.ok || !('reason' in result)) return result as T;
  switch (result.reason) {
    case 'no_account':
      return { ok: false, reason: 'not_found' }; // the chat's account is gone, and with it the chat
    case 'limit_reached':
      return { ok: false, reason: 'limit_reached' };
    case 'insufficient_credits':
      throw new Error('a statement without a credit check refused for credits');
    default:
      return result as T;
  }
}
