import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { minimumCredits, notFound, planMessageLimit, unlistedPlanLimit } from '@conclave/domain';
import { AccountsRepository, type AdmissionTerms, UsageRepository } from '@conclave/persistence';
import type { Admission, Admitting } from './use-cases/ports';

/**
 * Whether an account may send one more end-user message (issue 7), checked when the message is
 * accepted by any API family:
 * - the credit balance must pay at least one agent message (else `insufficient_credits`: 402 native
 *   and Aksita, 429 Asyntai). The debit itself happens per agent message in the run's step transaction;
 * - the plan's monthly allowance, which the transaction starting the run counts the message against
 *   (UsageRepository.countMessage), so concurrent requests never exceed it and a refused start counts
 *   nothing (else `limit_reached`: 429). `messages_used` = end-user messages accepted.
 */
@Injectable()
export class MessageAdmission implements Admitting {
  /** These rules as data: `RunsRepository.admitAndStart` applies them in the statement starting the run. */
  readonly terms: AdmissionTerms;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly usage: UsageRepository,
  ) {
    this.terms = {
      minimumCredits: minimumCredits(config.credits),
      monthlyLimits: config.planLimits,
      unlistedPlans: unlistedPlanLimit(config.planLimits),
    };
  }

  async admit(accountId: string): Promise<Admission> {
    const account = await this.accounts.get(accountId);
    if (!account) throw notFound('Account');
    if (Number(account.credit_balance) < minimumCredits(this.config.credits))
      return { ok: false, reason: 'insufficient_credits' };
    return { ok: true, plan: account.plan, allowance: { monthlyLimit: this.limitOf(account.plan) } };
  }

  /** This month's usage against the plan (Asyntai's account endpoint). */
  async usageOf(accountId: string) {
    const account = await this.accounts.get(accountId);
    if (!account) throw notFound('Account');
    const month = await this.usage.thisMonth(accountId);
    return {
      email: account.email,
      plan: account.plan,
      messages_used: month.messages_used,
      messages_limit: this.limitOf(account.plan),
      credits_used: month.credits_used,
      credit_balance: Number(account.credit_balance),
    };
  }

  limitOf(plan: string): number {
    return planMessageLimit(this.config.planLimits, plan);
  }
}
