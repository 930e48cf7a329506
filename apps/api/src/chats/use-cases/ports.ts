import { notFound, type Scope } from '@conclave/domain';
import type {
  AdmissionRefusal,
  AdmissionTerms,
  ChatsRepository,
  EventRow,
  MessageAllowance,
  RunsRepository,
  UsageRepository,
} from '@conclave/persistence';
import type { RunDispatcher } from '@conclave/runtime';

/**
 * The ports of the chat use cases: the few methods each one calls, so a spec passes small in-memory
 * fakes and the Nest providers (use-cases.providers.ts) pass the real repositories.
 */

/** Who asks: any authenticated key (an `auth` Principal is one). */
export interface Caller {
  accountId: string;
  keyId: string;
  scope: Scope;
}

export type RunStore = Pick<
  RunsRepository,
  | 'start'
  | 'admitAndStart'
  | 'enqueue'
  | 'answer'
  | 'admitAndAnswer'
  | 'requestCancel'
  | 'finish'
  | 'getInScope'
>;
export type ChatStore = Pick<ChatsRepository, 'get' | 'getWithAgent' | 'messages' | 'runOutcome'>;
export type UsageReader = Pick<UsageRepository, 'balance'>;
export type Dispatcher = Pick<RunDispatcher, 'dispatch'>;

/** Waits for a chat to reach a status (ChatWaiter): false when the time ran out first. */
export interface ChatSettling {
  untilSettled(scope: Scope, chatId: string, timeoutMs: number): Promise<boolean>;
  untilIdle(scope: Scope, chatId: string, timeoutMs: number): Promise<boolean>;
  /**
   * Listens to the chat from now on: started before a run is started or resumed, it then knows
   * whether the chat settled after that with no read of the chat.
   */
  watch(chatId: string): ChatWatch;
}

export interface ChatWatch {
  /**
   * Resolves true once a `chat.status` event later than `seq` (the request's own transition) says the
   * chat settled — at once if one already came — and false when the time ran out first.
   */
  settledAfter(seq: number, timeoutMs: number): Promise<boolean>;
  /** Stops listening. */
  stop(): void;
}

/** What the use cases tell the other processes: the events they wrote, a cancel for a run's holder. */
export interface Announcer {
  events(accountId: string, chatId: string, events: EventRow[]): void;
  cancel(runId: string): void;
  /** A run ended here rather than in an executor (which logs the runs it ends). */
  runEnded(entry: { runId: string; chatId: string; accountId: string }): void;
}

/**
 * Whether an account may send one more end-user message (MessageAdmission): enough credits for an
 * agent message, and the plan's monthly allowance the starting transaction counts the message against.
 */
export type Admission =
  { ok: true; allowance: MessageAllowance; plan: string } | { ok: false; reason: 'insufficient_credits' };

export interface Admitting {
  admit(accountId: string): Promise<Admission>;
  /** The same rules as data, for a store that admits the message in the statement starting its run. */
  readonly terms: AdmissionTerms;
  /** The monthly message limit of a plan. */
  limitOf(plan: string): number;
}

/** The plan's monthly message limit is reached (429 in every family). */
export interface LimitRefusal {
  ok: false;
  reason: 'limit_reached';
  plan: string;
  limit: number;
}

/** The refusal of a start whose transaction found the admitted plan's allowance used up. */
export function limitRefusal(admission: Extract<Admission, { ok: true }>): LimitRefusal {
  return {
    ok: false,
    reason: 'limit_reached',
    plan: admission.plan,
    limit: admission.allowance.monthlyLimit,
  };
}

/**
 * What a family answers to a refusal of the statement that admitted the message (the use cases'
 * refusals, the plan's limit named); an account deleted since its key was checked is a 404.
 */
export function isAdmissionRefusal(result: { ok: boolean; reason?: string }): result is AdmissionRefusal {
  return (
    !result.ok &&
    (result.reason === 'no_account' ||
      result.reason === 'limit_reached' ||
      result.reason === 'insufficient_credits')
  );
}

export function admissionRefused(
  admission: Pick<Admitting, 'limitOf'>,
  refusal: AdmissionRefusal,
): { ok: false; reason: 'insufficient_credits' } | LimitRefusal {
  switch (refusal.reason) {
    case 'no_account':
      throw notFound('Account');
    case 'limit_reached':
      return {
        ok: false,
        reason: 'limit_reached',
        plan: refusal.plan,
        limit: admission.limitOf(refusal.plan),
      };
    case 'insufficient_credits':
      return refusal;
  }
}
