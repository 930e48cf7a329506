import type {
  Committed,
  EventRow,
  Finished,
  FinishArgs,
  RunRow,
  RunsRepository,
} from '@conclave/persistence';
import type { FinalStepCommit, InputWait, RunContext, RunStore, StepCommit } from './run-store';
import { TickBatcher, type TickBatcherOptions } from './tick-batcher';
import { toTranscriptMessage } from './transcript';

/**
 * Group commit of steps: at most 32 items a batch — each item is a subtransaction with its own xid,
 * and past 64 of them in one transaction Postgres's per-backend subxid cache overflows, which slows
 * every other session's snapshots. Two batches in flight keep the connection pool busy while one
 * waits on its WAL flush.
 */
const STEP_BATCH: TickBatcherOptions = { maxBatch: 32, maxInFlight: 2 };

/**
 * The run store on Postgres: each method is one `RunsRepository` transition (the SQL and its guards
 * live there). Steps ready in the same tick — several runs executing on this process — are group
 * committed: one round trip and one WAL flush for all of them (`RunsRepository.commitSteps`), each
 * caller getting its own step's result or error as from a single commit.
 */
export class PostgresRunStore implements RunStore {
  private readonly steps: TickBatcher<StepCommit, Committed>;

  constructor(
    private readonly runs: RunsRepository,
    stepBatch: TickBatcherOptions = STEP_BATCH,
  ) {
    this.steps = new TickBatcher(
      (items) => runs.commitSteps(items),
      (item) => runs.commitStep(item),
      stepBatch,
    );
  }

  claim(
    runId: string,
    owner: string,
    leaseMs: number,
    maxPerAccount?: number,
  ): Promise<RunRow | 'deferred' | null> {
    return maxPerAccount
      ? this.runs.claimWithinCap(runId, owner, leaseMs, maxPerAccount)
      : this.runs.claim(runId, owner, leaseMs);
  }

  heartbeat(runId: string, owner: string, leaseMs: number): Promise<{ held: boolean; cancel: boolean }> {
    return this.runs.heartbeat(runId, owner, leaseMs);
  }

  async cancelRequested(runId: string): Promise<boolean> {
    return (await this.runs.get(runId))?.cancel_requested ?? false;
  }

  async load(run: RunRow): Promise<RunContext | null> {
    const context = await this.runs.executionContext(run);
    if (!context) return null;
    return {
      accountId: context.account_id,
      knowledgeBase: context.knowledge_base,
      flowSpec: context.flow_spec,
      transcript: context.messages.map(toTranscriptMessage),
      previousState: context.previous_state,
      messages: context.run_messages,
      answeredAt: context.answered_at ? new Date(context.answered_at) : null,
    };
  }

  commitStep(args: StepCommit): Promise<Committed> {
    return this.steps.submit(args);
  }

  commitFinalStep(args: FinalStepCommit): Promise<Committed & { finished: Finished | null }> {
    return this.runs.commitFinalStep(args);
  }

  waitForInput(args: InputWait): Promise<EventRow[]> {
    return this.runs.waitForInput(args);
  }

  finish(args: FinishArgs): Promise<Finished | null> {
    return this.runs.finishRun(args);
  }

  release(runId: string, owner: string): Promise<RunRow | null> {
    return this.runs.release(runId, owner);
  }

  queuedOfAccount(accountId: string, limit: number): Promise<RunRow[]> {
    return this.runs.queuedOfAccount(accountId, limit);
  }
}
