import type { TranscriptMessage } from '@conclave/domain';
import type {
  Committed,
  EventRow,
  Finished,
  FinishArgs,
  RunRow,
  RunsRepository,
} from '@conclave/persistence';

/**
 * Everything the run executor reads and writes, as one small port. Each method is one atomic
 * transition guarded by the lease (`owner`) and, where it writes engine progress, by the expected
 * step index, so two processes racing for a run cannot both commit. Two implementations keep the
 * same promises: `PostgresRunStore` (production) and `MemoryRunStore` (executor specs); the
 * conformance suite `describeRunStore` (store/run-store-conformance.ts) runs against both.
 *
 * Failures a store signals by throwing: `LeaseLostError` (the lease or the step guard refused the
 * write; nothing was written) and `InsufficientCreditsError` (the account cannot pay for the step;
 * nothing of it was written).
 */
export interface RunStore {
  /**
   * Takes (or renews) the lease of a run that is queued, or running with an expired lease; a takeover
   * counts in `takeovers`. With `maxPerAccount`, a queued run whose account already executes that
   * many runs is `deferred` (stays queued). Null when the run is not claimable (held, ended,
   * cancel requested).
   */
  claim(
    runId: string,
    owner: string,
    leaseMs: number,
    maxPerAccount?: number,
  ): Promise<RunRow | 'deferred' | null>;
  /** Extends the lease; `held` false when it was lost, `cancel` when someone asked the run to stop. */
  heartbeat(runId: string, owner: string, leaseMs: number): Promise<{ held: boolean; cancel: boolean }>;
  /** Whether a cancel was requested (read after an abort whose cause is unknown). */
  cancelRequested(runId: string): Promise<boolean>;
  /** What a claimed run executes against (its chat, flow, transcript, budget used); null when the chat is gone. */
  load(run: RunRow): Promise<RunContext | null>;
  /**
   * One engine step in one atomic write: messages (dense seqs per chat), their `message.created`
   * events after `leadingEvents`, state, usage, the credit debit and fork points.
   */
  commitStep(args: StepCommit): Promise<Committed>;
  /**
   * A run's last step and the holder's end of it, as `commitStep` then `finish` (owner, the step after
   * it, the step's state) would do them, in one write. Throws as `commitStep`; `finished` is what
   * `finish` returns (null: its guard refused it).
   */
  commitFinalStep(args: FinalStepCommit): Promise<Committed & { finished: Finished | null }>;
  /** running → waiting: the lease is given up while the person thinks; the chat shows the request. */
  waitForInput(args: InputWait): Promise<EventRow[]>;
  /**
   * Ends the run and its chat's turn (the chat's oldest pending run becomes queued, unless cancelled).
   * With `owner`, only the holder at `step` may end it; null when the guard refused.
   */
  finish(args: FinishArgs): Promise<Finished | null>;
  /** Graceful shutdown: the holder gives the run back (queued, no lease); null when it did not hold it. */
  release(runId: string, owner: string): Promise<RunRow | null>;
  /** The account's oldest queued runs (a freed execution slot is handed on to them). */
  queuedOfAccount(accountId: string, limit: number): Promise<RunRow[]>;
}

export type StepCommit = Parameters<RunsRepository['commitStep']>[0];
export type FinalStepCommit = Parameters<RunsRepository['commitFinalStep']>[0];
export type InputWait = Parameters<RunsRepository['waitForInput']>[0];

/** A claimed run's surroundings, read once per execution. */
export interface RunContext {
  accountId: string;
  /** The chat's agent resource's default knowledge base (id or name), if any. */
  knowledgeBase: string | null;
  /** The flow version the chat is pinned to, as stored (the executor validates it). */
  flowSpec: unknown;
  /** The chat's whole transcript so far, oldest first. */
  transcript: TranscriptMessage[];
  /** The engine state of the chat's latest earlier run (scripted replies continue from it). */
  previousState: Record<string, unknown> | null;
  /** Messages this run has written (its message budget). */
  messages: number;
  /** When a person last answered this run: its wall-clock budget counts from there. */
  answeredAt: Date | null;
}
