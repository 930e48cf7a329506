import { randomInt } from 'node:crypto';
import type { ChatStatus, InputRequest } from '@conclave/domain';
import type { AdmittedStartResult, EnqueueRunResult, LimitReached, RunInput } from '@conclave/persistence';
import type { CancelRun } from './cancel-run';
import {
  type Admitting,
  type Announcer,
  type Caller,
  type ChatSettling,
  type ChatStore,
  type Dispatcher,
  type LimitRefusal,
  limitRefusal,
  admissionRefused,
  isAdmissionRefusal,
  type RunStore,
  type ChatWatch,
} from './ports';
import type { RunAccepted, RunOutcomes } from './run-outcome';

/** What to do with a message for a chat whose run is still active (`?multitask=`). */
export type Multitask = 'reject' | 'enqueue' | 'interrupt';

export type StartRunResult =
  /** `started: false`: enqueued behind the active run (`multitask=enqueue`); it starts when that one ends. */
  | (RunAccepted & { started: boolean })
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'insufficient_credits' }
  | LimitRefusal
  /** A run is active: `inputRequest` is set when the chat waits for an answer (to `/input`, not a message). */
  | {
      ok: false;
      reason: 'busy';
      status: ChatStatus;
      activeRunId: string | null;
      inputRequest: InputRequest | null;
    };

/**
 * A user message starts a run (docs/architecture.md, chat status): the native `/messages` with its
 * three multitask strategies, and the chatbot APIs through Converse. The message counts against the
 * month's allowance in the transaction that starts the run, so a refused start counts nothing.
 */
export class StartRun {
  constructor(
    private readonly admission: Admitting,
    private readonly runs: Pick<RunStore, 'admitAndStart' | 'enqueue'>,
    private readonly chats: Pick<ChatStore, 'get'>,
    private readonly dispatcher: Dispatcher,
    private readonly announce: Announcer,
    private readonly cancel: CancelRun,
    private readonly settling: ChatSettling,
    private readonly outcomes: RunOutcomes,
    private readonly waitTimeoutMs: number,
    private readonly seed: () => number = () => randomInt(2 ** 31 - 1),
  ) {}

  async execute(
    caller: Caller,
    chatId: string,
    input: RunInput,
    options: { wait: boolean; multitask?: Multitask },
  ): Promise<StartRunResult> {
    if (options.multitask === 'interrupt') {
      const cancelled = await this.cancel.execute(caller, chatId);
      if (!cancelled.ok) return cancelled;
      if (cancelled.cancelled) await this.settling.untilIdle(caller.scope, chatId, this.waitTimeoutMs);
    }
    const seed = this.seed();
    if (options.multitask === 'enqueue') {
      const admission = await this.admission.admit(caller.accountId);
      if (!admission.ok) return admission;
      // A busy chat gets a `pending` run that starts when the active one ends (RunsRepository.finishRun).
      const result = await this.runs.enqueue(caller.scope, chatId, input, seed, admission.allowance);
      if (!result.ok && result.reason === 'limit_reached') return limitRefusal(admission);
      return this.accepted(caller, chatId, result, options.wait);
    }
    // Admitted and started in one round trip; with `wait`, listening to the chat before the start.
    const watch = options.wait ? this.settling.watch(chatId) : undefined;
    try {
      const result = await this.runs.admitAndStart(caller.scope, chatId, input, seed, this.admission.terms);
      return await this.accepted(caller, chatId, result, options.wait, watch);
    } finally {
      watch?.stop();
    }
  }

  private async accepted(
    caller: Caller,
    chatId: string,
    result: AdmittedStartResult | Exclude<EnqueueRunResult, LimitReached>,
    wait: boolean,
    watch?: ChatWatch,
  ): Promise<StartRunResult> {
    if (!result.ok) {
      if (isAdmissionRefusal(result)) return admissionRefused(this.admission, result);
      if (result.reason === 'not_found') return result;
      const chat = await this.chats.get(caller.scope, chatId);
      return {
        ok: false,
        reason: 'busy',
        status: chat?.status ?? result.status,
        activeRunId: result.activeRunId,
        inputRequest: chat?.status === 'wait_for_human_input' ? chat.input_request : null,
      };
    }
    const started = 'started' in result ? result.started === true : true;
    if (started) {
      this.announce.events(caller.accountId, chatId, result.events);
      await this.dispatcher.dispatch(result.run.id, result.run);
    }
    const outcome = await this.outcomes.read(
      caller,
      chatId,
      result.run.id,
      result.chat.message_count,
      started && wait,
      watch && { chat: watch, after: result.chat.last_seq },
    );
    return outcome.ok ? { ...outcome, started } : outcome;
  }
}
