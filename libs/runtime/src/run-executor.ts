import { randomUUID } from 'node:crypto';
import {
  type CreditRule,
  type FlowSpec,
  type ModelRequest,
  type LlmSpec,
  parseFlowSpec,
  type TokenUsage,
  type TranscriptMessage,
} from '@conclave/domain';
import { type Advance, type EngineState, type Engine, modelCallsOf, type Outcome } from '@conclave/engine';
import {
  knowledgeFor,
  type KnowledgeRetriever,
  retrievalQuery,
  type SearchHit,
  type SourceRef,
  toSourceRefs,
  withKnowledge,
} from '@conclave/knowledge';
import { type ModelInvoker } from '@conclave/llm';
import {
  type EventRow,
  type Finished,
  InsufficientCreditsError,
  LeaseLostError,
  type RunRow,
  type RunEnd,
} from '@conclave/persistence';
import { type EventBus, toEnvelope } from '@conclave/realtime';
import { type SecretResolver, SecretRefusedError } from '@conclave/secrets';
import { type HttpToolLimits, HttpToolRunner } from './http-tool-runner';
import { runFailureOf } from './run-failure';
import { type BudgetReason, budgetExceeded, msLeft, type RunBudget, type RunUsage } from './run-budget';
import type { RunContext, RunStore, StepCommit } from './store/run-store';

export interface RunExecutorOptions {
  leaseMs: number;
  /** Identifies this process in leases (host:pid:random). */
  owner?: string;
  /** Whether a flow may send a named secret to a URL, and its value (libs/secrets). */
  secrets: SecretResolver;
  /** Where a flow's llm sends its calls (the host an `api_key_ref` secret must be bound to). */
  endpointOf?: (llm: LlmSpec) => string | null;
  /** The egress policy's fetch for HTTP tools (unset → global fetch, unit tests only). */
  toolFetch?: typeof fetch;
  toolLimits?: HttpToolLimits;
  /** Takeovers (claims after another process's lease expired) before the run is failed. */
  maxAttempts?: number;
  /** Wall-clock seconds and messages a run may use (unset → 900 s, 500 messages). */
  budget?: RunBudget;
  /** Runs of one account executing at once (all processes); the excess waits queued (unset → no cap). */
  maxRunsPerAccount?: number;
  log?: (message: string) => void;
  /** Called after each committed step: lets tests and metrics observe progress. */
  onStep?: (runId: string) => void;
  /** Debit agent messages per this rule, atomically with each step (unset → nothing is charged). */
  credits?: CreditRule;
  /**
   * A run became queued here and needs dispatching: an enqueued run promoted when its predecessor
   * ended, or a run released on shutdown. (Unset → the sweeper finds it.)
   */
  onQueued?: (run: RunRow) => void;
  /** A run this executor was running ended (logs one line per run end). */
  onRunEnd?: (end: RunEndReport) => void;
  /** Knowledge retrieval for agents with a base (unset → agents answer without retrieval). */
  knowledge?: KnowledgeRetriever;
}

/** How a run ended, for logs: its termination reason and, for a failure, the cause. */
export interface RunEndReport {
  runId: string;
  chatId: string;
  accountId?: string | null;
  status: RunEnd['status'];
  reason: string;
  error?: string | null;
}

export function runEndReport(
  run: Pick<RunRow, 'id' | 'chat_id'>,
  end: RunEnd,
  accountId?: string | null,
): RunEndReport {
  return {
    runId: run.id,
    chatId: run.chat_id,
    accountId: accountId ?? null,
    status: end.status,
    reason: end.reason,
    ...(end.status === 'failed' ? { error: end.error } : {}),
  };
}

/** `deferred`: the run's account already has its cap of runs executing; the run stays queued. */
export type ExecutionResult = 'waiting' | 'ended' | 'skipped' | 'lost' | 'released' | 'deferred';

class CancelledError extends Error {}

/** The run's wall-clock budget ran out while a step was in flight. */
class BudgetExceededError extends Error {
  constructor(readonly reason: BudgetReason) {
    super(reason);
  }
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BUDGET: RunBudget = { maxSeconds: 900, maxMessages: 500 };

/**
 * Executes one segment of a run: from the persisted state (or the start) until the engine asks a
 * human or ends. Each engine step commits (messages + events + state) in one transaction under the
 * run's lease; events are published after commit. A crash between commits loses only the step in
 * flight, which the next holder of the lease redoes from the same state.
 */
export class RunExecutor {
  readonly owner: string;
  private readonly tools: HttpToolRunner;
  private readonly inFlight = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;
  private draining = false;

  constructor(
    private readonly store: RunStore,
    private readonly engine: Engine,
    private readonly models: ModelInvoker,
    private readonly bus: EventBus,
    private readonly options: RunExecutorOptions,
  ) {
    this.owner = options.owner ?? `${process.pid}:${randomUUID().slice(0, 8)}`;
    this.tools = new HttpToolRunner(options.toolFetch ?? fetch, options.toolLimits);
    this.unsubscribe = bus.subscribe((message) => {
      if (message.kind === 'cancel') this.inFlight.get(message.runId)?.abort(new CancelledError('cancelled'));
    });
  }

  get activeRuns(): number {
    return this.inFlight.size;
  }

  /**
   * Graceful shutdown: each run in flight finishes its current step, then gives its lease back
   * (`released`) so another process continues it at once. New executions are skipped.
   */
  drain(): void {
    this.draining = true;
  }

  /** Aborts every run in flight (their leases expire and another process resumes them). */
  stop(): void {
    this.unsubscribe();
    for (const controller of this.inFlight.values()) controller.abort(new Error('shutting down'));
  }

  async execute(runId: string): Promise<ExecutionResult> {
    if (this.draining) return 'skipped';
    const cap = this.options.maxRunsPerAccount;
    const claimed = await this.store.claim(runId, this.owner, this.options.leaseMs, cap);
    if (claimed === 'deferred') return 'deferred';
    if (!claimed) return 'skipped';
    const ended: RunEnding = {};
    const result = await this.executeClaimed(claimed, ended);
    // This run's execution slot is free: the account's next queued runs need not wait for the sweeper
    // (unless its end already found the account has none).
    if (cap && result !== 'lost' && ended.accountQueued !== false) await this.handOn(claimed.account_id, cap);
    return result;
  }

  private async handOn(accountId: string, cap: number): Promise<void> {
    if (!this.options.onQueued) return;
    try {
      for (const run of await this.store.queuedOfAccount(accountId, cap)) this.options.onQueued(run);
    } catch (err) {
      this.log(
        `handing on account ${accountId}'s queued runs failed (the sweeper will): ${(err as Error).message}`,
      );
    }
  }

  private async executeClaimed(claimed: RunRow, ended: RunEnding): Promise<ExecutionResult> {
    const runId = claimed.id;
    const controller = new AbortController();
    this.inFlight.set(runId, controller);
    const heartbeat = setInterval(
      () => void this.beat(runId, controller),
      Math.max(200, this.options.leaseMs / 3),
    );
    heartbeat.unref();
    const ctx: StepContext = {
      run: claimed,
      step: claimed.step,
      signal: controller.signal,
      usage: { startedAt: claimed.started_at ?? new Date(), messages: 0 },
      ended,
    };
    let deadline: NodeJS.Timeout | undefined;
    try {
      if (claimed.takeovers > (this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS))
        return await this.abandon(ctx);
      const context = await this.store.load(claimed);
      if (!context) return 'skipped'; // deleted meanwhile: the cascade took the run with it
      ctx.accountId = context.accountId;
      ctx.defaultBase = context.knowledgeBase;
      ctx.usage = usageSoFar(claimed, context);
      // A step still in flight when the wall-clock budget runs out (a slow model call, a tool) is aborted.
      deadline = setTimeout(
        () => controller.abort(new BudgetExceededError('max_run_seconds')),
        msLeft(this.budget, ctx.usage.startedAt, new Date()),
      );
      deadline.unref();
      return await this.drive(ctx, context);
    } catch (err) {
      return await this.handleFailure(ctx, err);
    } finally {
      if (deadline) clearTimeout(deadline);
      clearInterval(heartbeat);
      this.inFlight.delete(runId);
    }
  }

  private async drive(ctx: StepContext, context: RunContext): Promise<ExecutionResult> {
    const { run } = ctx;
    const parsed = parseFlowSpec(context.flowSpec);
    if (!parsed.ok) throw new Error(`stored flow is invalid: ${parsed.errors.join('; ')}`);
    const flow = parsed.flow;
    const transcript = context.transcript;

    let state = run.state as EngineState | null;
    if (!state) {
      const started = this.engine.start(flow, {
        message: run.input.message,
        seed: run.seed,
        history: transcript,
        context: run.input.context,
        // Scripted replies continue where the chat's previous run left off.
        modelCalls: modelCallsOf(context.previousState),
      });
      withContextMeta(started, run.input.message, run.input.context);
      state = await this.commit(ctx, transcript, started, {
        extraEventsFirst: [{ type: 'run.started', data: { run_id: run.id } }],
      });
    }
    if (!run.pending_answer) {
      // A run forked mid-step starts from a fork point: it first finishes that step.
      const continued = this.engine.continueFrom(flow, state, transcript);
      if (continued) state = await this.commit(ctx, transcript, continued);
    }
    if (run.pending_answer) {
      const answer = run.pending_answer;
      const outcome: Outcome =
        answer.kind === 'text'
          ? { type: 'human_answer', answer: answer.message, context: answer.context }
          : { type: 'client_tool_outputs', outputs: answer.outputs };
      const applied = this.engine.apply(flow, state, transcript, outcome);
      if (answer.kind === 'text') withContextMeta(applied, answer.message, answer.context);
      state = await this.commit(ctx, transcript, applied, { consumeAnswer: true });
    }

    for (;;) {
      this.throwIfAborted(ctx);
      if (this.draining) return this.release(ctx);
      const spent = this.overBudget(ctx);
      if (spent) return this.endOverBudget(ctx, spent, state);
      const step = this.engine.next(flow, state, transcript);
      switch (step.type) {
        case 'call_model': {
          const sources = await this.retrieve(ctx, flow, step.request);
          const request = sources
            ? { ...step.request, messages: withKnowledge(step.request.messages, sources.hits) }
            : step.request;
          const reply = await this.models.invoke(request, {
            signal: ctx.signal,
            apiKey: await this.providerKey(ctx, step.request.llm),
            onDelta: step.request.llm.stream
              ? (text) => this.publishDelta(ctx, step.request.agent, text)
              : undefined,
          });
          this.throwIfAborted(ctx);
          const advance = this.apply(flow, state, transcript, { type: 'model_reply', reply });
          const over = this.overBudget(ctx, advance.messages.length);
          if (over) return this.endOverBudget(ctx, over, state);
          if (sources) withSourcesMeta(advance, step.request.agent, toSourceRefs(sources.hits));
          // A reply's usage lands on its message; selection and summary calls produce none.
          const options = { extraUsage: step.request.purpose === 'reply' ? undefined : reply.usage };
          const last = this.endAfter(ctx, flow, transcript, advance);
          if (last) {
            await this.commitAndEnd(ctx, transcript, advance, options, last);
            return 'ended';
          }
          state = await this.commit(ctx, transcript, advance, options);
          break;
        }
        case 'call_tools': {
          const results = await this.tools.run(step.calls, {
            signal: ctx.signal,
            secret: (name, url) => this.options.secrets.resolve(ctx.accountId!, name, url),
          });
          this.throwIfAborted(ctx);
          const advance = this.apply(flow, state, transcript, {
            type: 'tool_results',
            results: results.map(({ tool_call_id, content }) => ({ tool_call_id, content })),
          });
          const over = this.overBudget(ctx, advance.messages.length);
          if (over) return this.endOverBudget(ctx, over, state);
          // The calls the server executed are paid with the step that writes their results.
          const executedToolCalls = results.filter((r) => r.executed).map((r) => r.tool_call_id);
          const last = this.endAfter(ctx, flow, transcript, advance);
          if (last) {
            await this.commitAndEnd(ctx, transcript, advance, { executedToolCalls }, last);
            return 'ended';
          }
          state = await this.commit(ctx, transcript, advance, { executedToolCalls });
          break;
        }
        case 'ask_human': {
          const expiresAt = flow.input_timeout ? new Date(Date.now() + flow.input_timeout * 1000) : null;
          const events = await this.store.waitForInput({
            run,
            owner: this.owner,
            step: ctx.step,
            state,
            request: step.request,
            expiresAt,
            inputSlaSeconds: flow.agents.find((a) => a.name === step.request.agent)?.input_sla_seconds,
          });
          this.publish(ctx, events);
          return 'waiting';
        }
        case 'end':
          await this.end(ctx, { status: 'completed', reason: step.reason, summary: step.summary }, state);
          return 'ended';
      }
    }
  }

  /**
   * Retrieval before an agent's reply (never for speaker selection or summaries): the newest text
   * from someone else is searched in the agent's base. A failing search must not fail the chat:
   * the agent then answers without excerpts, and its reply lists no sources.
   */
  private async retrieve(
    ctx: StepContext,
    flow: FlowSpec,
    request: ModelRequest,
  ): Promise<{ hits: SearchHit[] } | null> {
    if (!this.options.knowledge || !ctx.accountId || request.purpose !== 'reply') return null;
    const ref = knowledgeFor(flow, request.agent, ctx.defaultBase ?? null);
    const query = ref ? retrievalQuery(request.messages) : null;
    if (!ref || !query) return null;
    try {
      return { hits: await this.options.knowledge.retrieve(ctx.accountId, ref, query) };
    } catch (err) {
      this.log(`knowledge retrieval for run ${ctx.run.id} failed: ${(err as Error)?.message ?? err}`);
      return null;
    }
  }

  /** The `api_key_ref` secret of a flow's llm, checked against the host it will be sent to. */
  private providerKey(ctx: StepContext, llm: LlmSpec): Promise<string | undefined> {
    return resolveProviderKey(this.options.secrets, this.options.endpointOf, ctx.accountId!, llm);
  }

  private apply(
    flow: FlowSpec,
    state: EngineState,
    transcript: TranscriptMessage[],
    outcome: Outcome,
  ): Advance {
    return this.engine.apply(flow, state, transcript, outcome);
  }

  /** Persists one advance and appends its messages to the in-memory transcript. */
  private async commit(
    ctx: StepContext,
    transcript: TranscriptMessage[],
    advance: Advance,
    options: CommitOptions = {},
  ): Promise<EngineState> {
    const committed = await this.store.commitStep(this.stepCommit(ctx, advance, options));
    this.committed(ctx, transcript, advance, committed.events);
    return advance.state;
  }

  /**
   * The end the loop would reach right after committing `advance`, decided before committing it so
   * both go to the store in one write: the engine ends there and none of the checks the loop makes
   * first (aborted, draining, over budget) would stop it. Null: commit the step alone.
   */
  private endAfter(
    ctx: StepContext,
    flow: FlowSpec,
    transcript: TranscriptMessage[],
    advance: Advance,
  ): RunEnd | null {
    if (ctx.signal.aborted || this.draining) return null;
    const usage = { ...ctx.usage, messages: ctx.usage.messages + advance.messages.length };
    if (budgetExceeded(this.budget, usage, new Date())) return null;
    const next = this.engine.next(flow, advance.state, [...transcript, ...advance.messages]);
    return next.type === 'end' ? { status: 'completed', reason: next.reason, summary: next.summary } : null;
  }

  /** `commit` and then `end`, as one write (`RunStore.commitFinalStep`) and one publish. */
  private async commitAndEnd(
    ctx: StepContext,
    transcript: TranscriptMessage[],
    advance: Advance,
    options: CommitOptions,
    end: RunEnd,
  ): Promise<void> {
    const { finished, events } = await this.store.commitFinalStep({
      ...this.stepCommit(ctx, advance, options),
      end,
      reportQueued: this.reportQueued,
    });
    this.committed(ctx, transcript, advance, [...events, ...(finished?.events ?? [])]);
    if (finished) this.ended(ctx, end, finished, false);
  }

  private stepCommit(ctx: StepContext, advance: Advance, options: CommitOptions): StepCommit {
    return {
      run: ctx.run,
      owner: this.owner,
      step: ctx.step,
      state: advance.state,
      messages: advance.messages,
      checkpoints: advance.checkpoints,
      leaseMs: this.options.leaseMs,
      consumeAnswer: options.consumeAnswer,
      leadingEvents: options.extraEventsFirst,
      extraUsage: options.extraUsage,
      charge:
        this.options.credits && ctx.accountId
          ? {
              accountId: ctx.accountId,
              rule: this.options.credits,
              executedToolCalls: options.executedToolCalls,
            }
          : undefined,
    };
  }

  /** After a step committed: the executor's count and transcript follow, its events go out. */
  private committed(
    ctx: StepContext,
    transcript: TranscriptMessage[],
    advance: Advance,
    events: EventRow[],
  ): void {
    ctx.step += 1;
    ctx.usage.messages += advance.messages.length;
    transcript.push(...advance.messages);
    this.publish(ctx, events);
    this.options.onStep?.(ctx.run.id);
  }

  private async end(ctx: StepContext, end: RunEnd, state?: EngineState): Promise<void> {
    const finished = await this.store.finish({
      runId: ctx.run.id,
      owner: this.owner,
      step: ctx.step,
      state,
      end,
      reportQueued: this.reportQueued,
    });
    if (finished) this.ended(ctx, end, finished, true);
  }

  /** A run this executor held ended: report it, publish its events (unless already), hand on. */
  private ended(ctx: StepContext, end: RunEnd, finished: Finished, publish: boolean): void {
    ctx.ended.accountQueued = finished.accountQueued;
    this.options.onRunEnd?.(runEndReport(ctx.run, end, ctx.accountId ?? ctx.run.account_id));
    if (publish) this.publish(ctx, finished.events);
    if (finished.promoted) this.options.onQueued?.(finished.promoted);
  }

  /** Whether a run's end should tell if its account has queued runs (the hand-on after it, see `execute`). */
  private get reportQueued(): boolean {
    return !!this.options.maxRunsPerAccount && !!this.options.onQueued;
  }

  private get budget(): RunBudget {
    return this.options.budget ?? DEFAULT_BUDGET;
  }

  /** Which run budget (if any) is spent, counting `adding` messages about to be written. */
  private overBudget(ctx: StepContext, adding = 0): BudgetReason | null {
    return budgetExceeded(this.budget, ctx.usage, new Date(), adding);
  }

  /**
   * A run past its budget ends like one past max_turns (completed, chat `completed`), at its last
   * committed step: the step that would exceed the budget is dropped, never half-written.
   */
  private async endOverBudget(
    ctx: StepContext,
    reason: BudgetReason,
    state?: EngineState,
  ): Promise<ExecutionResult> {
    await this.end(ctx, { status: 'completed', reason, summary: null }, state);
    return 'ended';
  }

  /**
   * A run whose lease keeps expiring (it crashed or stalled every process that executed it) is failed
   * rather than handed on for ever: one poison run must not take the workers down one by one.
   */
  private async abandon(ctx: StepContext): Promise<ExecutionResult> {
    ctx.accountId = ctx.run.account_id;
    const error =
      `run abandoned: it was taken over ${ctx.run.takeovers} times after the process executing it ` +
      `stopped answering (MAX_ATTEMPTS=${this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS})`;
    this.log(`run ${ctx.run.id}: ${error}`);
    await this.end(ctx, { status: 'failed', reason: 'error', error, kind: 'abandoned' });
    return 'ended';
  }

  private async release(ctx: StepContext): Promise<ExecutionResult> {
    const released = await this.store.release(ctx.run.id, this.owner);
    if (released) this.options.onQueued?.(released);
    return 'released';
  }

  private async handleFailure(ctx: StepContext, err: unknown): Promise<ExecutionResult> {
    if (err instanceof LeaseLostError) return 'lost';
    if (err instanceof InsufficientCreditsError) {
      // The unpaid step was rolled back; the run ends cleanly at the last paid message.
      await this.end(ctx, { status: 'completed', reason: 'insufficient_credits', summary: null }).catch((e) =>
        this.log(e),
      );
      return 'ended';
    }
    const reason = ctx.signal.reason;
    if (reason instanceof BudgetExceededError) {
      await this.endOverBudget(ctx, reason.reason).catch((e) => this.log(e));
      return 'ended';
    }
    if (
      reason instanceof CancelledError ||
      (ctx.signal.aborted && (await this.store.cancelRequested(ctx.run.id)))
    ) {
      await this.end(ctx, { status: 'cancelled', reason: 'cancelled' }).catch((e) => this.log(e));
      return 'ended';
    }
    if (ctx.signal.aborted) return 'lost'; // shutting down or lease lost: another process resumes
    const { kind, error, unexpected } = runFailureOf(err);
    if (unexpected) this.log(`run ${ctx.run.id} failed: ${(err as Error)?.stack ?? err}`);
    await this.end(ctx, { status: 'failed', reason: 'error', error, kind }).catch((e) => this.log(e));
    return 'ended';
  }

  private async beat(runId: string, controller: AbortController): Promise<void> {
    try {
      const { held, cancel } = await this.store.heartbeat(runId, this.owner, this.options.leaseMs);
      if (cancel) controller.abort(new CancelledError('cancelled'));
      else if (!held) controller.abort(new LeaseLostError(runId));
    } catch (err) {
      this.log(`heartbeat of run ${runId} failed: ${(err as Error).message}`);
    }
  }

  private throwIfAborted(ctx: StepContext): void {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
  }

  private publish(ctx: StepContext, events: EventRow[]): void {
    if (events.length === 0 || !ctx.accountId) return;
    this.bus.publish({
      kind: 'events',
      accountId: ctx.accountId,
      chatId: ctx.run.chat_id,
      events: events.map(toEnvelope),
    });
  }

  /** `message.delta` (README: real-time): ephemeral, no seq; the `message.created` that follows holds the whole text. */
  private publishDelta(ctx: StepContext, agent: string, delta: string): void {
    if (!ctx.accountId) return;
    this.bus.publish({
      kind: 'delta',
      accountId: ctx.accountId,
      chatId: ctx.run.chat_id,
      envelope: {
        chat_id: ctx.run.chat_id,
        seq: null,
        type: 'message.delta',
        data: { run_id: ctx.run.id, agent, delta },
        created_at: new Date().toISOString(),
      },
    });
  }

  private log(message: unknown): void {
    this.options.log?.(String(message));
  }
}

interface CommitOptions {
  consumeAnswer?: boolean;
  extraEventsFirst?: { type: string; data: Record<string, unknown> }[];
  extraUsage?: TokenUsage;
  /** Ids of the HTTP tool calls executed for this step, charged CREDITS_PER_TOOL_CALL each. */
  executedToolCalls?: string[];
}

/** What the end of a run learnt in passing, for after the execution. */
interface RunEnding {
  /** Whether the run's account has queued runs (undefined: not known). */
  accountQueued?: boolean;
}

interface StepContext {
  run: RunRow;
  step: number;
  signal: AbortSignal;
  /** What the run has used of its budget (messages counted as they commit). */
  usage: RunUsage;
  accountId?: string;
  /** The chat's agent resource's default knowledge base (id or name), if any. */
  defaultBase?: string | null;
  ended: RunEnding;
}

/** The reply the retrieval was for carries its sources (`meta.sources`, [] when nothing matched). */
function withSourcesMeta(advance: Advance, agent: string, sources: SourceRef[]): void {
  const reply = advance.messages.find((m) => m.sender === agent && m.type !== 'tool');
  if (reply) reply.meta = { ...(reply.meta ?? {}), sources };
}

/**
 * What the run has used of its budget, from the store so a run resumed by another process keeps
 * counting: the messages it wrote, and its clock — from its start or, if a person answered it
 * since, from the latest answer (time a person takes to answer is not the run's to spend).
 */
function usageSoFar(run: RunRow, context: RunContext): RunUsage {
  const started = run.started_at ?? new Date();
  const answered = context.answeredAt;
  return { startedAt: answered && answered > started ? answered : started, messages: context.messages };
}

/**
 * Aksita's additional_context is stored with the user's message it came with (`meta`), while the
 * agents get it through the run's context only (never as a message of its own, never logged).
 */
function withContextMeta(advance: Advance, message: string, context: string | undefined): void {
  if (!context) return;
  const user = advance.messages.find((m) => m.type === 'user' && m.content === message);
  if (user) user.meta = { ...(user.meta ?? {}), additional_context: context };
}

/** The `api_key_ref` secret of an llm for an account, refused unless bound to the llm's endpoint host. */
export async function resolveProviderKey(
  secrets: SecretResolver,
  endpointOf: ((llm: LlmSpec) => string | null) | undefined,
  accountId: string,
  llm: LlmSpec,
): Promise<string | undefined> {
  if (!('api_key_ref' in llm) || llm.api_key_ref === undefined) return undefined;
  const endpoint = endpointOf?.(llm);
  if (!endpoint)
    throw new SecretRefusedError(
      `secret ${llm.api_key_ref} cannot be sent: the ${llm.provider} llm has no endpoint`,
    );
  return secrets.resolve(accountId, llm.api_key_ref, new URL(endpoint));
}
