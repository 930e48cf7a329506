import type { ChatStatus } from '@conclave/domain';
import type { ClaimHolder, PendingAnswer } from '@conclave/persistence';
import {
  type Admitting,
  type Announcer,
  type Caller,
  type ChatSettling,
  type Dispatcher,
  type LimitRefusal,
  admissionRefused,
  isAdmissionRefusal,
  type RunStore,
} from './ports';
import type { RunAccepted, RunOutcomes } from './run-outcome';

export type AnswerInputResult =
  | RunAccepted
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'insufficient_credits' }
  | LimitRefusal
  /** Another operator's live claim holds the chat (issue 14). */
  | { ok: false; reason: 'claimed'; holder: ClaimHolder }
  | { ok: false; reason: 'not_waiting'; status: ChatStatus }
  /** The pending request takes the other kind of answer (a message vs tool outputs). */
  | { ok: false; reason: 'wrong_kind'; expected: 'text' | 'tool_outputs' };

/**
 * Answers the chat's pending input request and resumes its run: the native `/input` (as an operator)
 * and the chatbot APIs through Converse. The answer counts against the month's allowance in the
 * transaction that resumes the run.
 */
export class AnswerInput {
  constructor(
    private readonly admission: Admitting,
    private readonly runs: Pick<RunStore, 'admitAndAnswer'>,
    private readonly dispatcher: Dispatcher,
    private readonly announce: Announcer,
    private readonly settling: Pick<ChatSettling, 'watch'>,
    private readonly outcomes: RunOutcomes,
    private readonly claimIdleMs: number,
  ) {}

  /**
   * `asOperator` (the native `/input` route): another operator's live claim refuses the answer, and
   * the holder's own answer renews the claim.
   */
  async execute(
    caller: Caller,
    chatId: string,
    answer: PendingAnswer,
    options: { wait: boolean; asOperator?: boolean },
  ): Promise<AnswerInputResult> {
    const operator = options.asOperator ? { keyId: caller.keyId, claimIdleMs: this.claimIdleMs } : undefined;
    // Admitted and answered in one round trip; with `wait`, listening to the chat before the answer.
    const watch = options.wait ? this.settling.watch(chatId) : undefined;
    try {
      const result = await this.runs.admitAndAnswer(
        caller.scope,
        chatId,
        answer,
        operator,
        this.admission.terms,
      );
      if (!result.ok) {
        if (isAdmissionRefusal(result)) return admissionRefused(this.admission, result);
        switch (result.reason) {
          case 'wrong_kind':
            return {
              ok: false,
              reason: 'wrong_kind',
              expected: result.expected === 'tool_outputs' ? 'tool_outputs' : 'text',
            };
          default:
            return result;
        }
      }
      this.announce.events(caller.accountId, chatId, result.events);
      await this.dispatcher.dispatch(result.run.id, result.run);
      return await this.outcomes.read(
        caller,
        chatId,
        result.run.id,
        result.chat.message_count,
        options.wait,
        watch && { chat: watch, after: result.chat.last_seq },
      );
    } finally {
      watch?.stop();
    }
  }
}
