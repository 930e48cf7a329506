import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, minimumCredits, notFound, planMessageLimit } from '@conclave/domain';
import { AccountsRepository, UsageRepository } from '@conclave/persistence';

/**
 * Whether an account may send one more end-user message (issue 7), checked when the message is
 * accepted by any API family:
 * - the credit balance must pay at least one agent message (else `insufficient_credits`: 402 native
 *   and Aksita, 429 Asyntai). The debit itself happens per agent message in the run's step transaction;
 * - the message counts against the plan's monthly limit in one conditional upsert, so concurrent
 *   requests never exceed it (else `limit_reached`: 429). `messages_used` = end-user messages accepted.
 */
@Injectable()
export class MessageAdmission {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly usage: UsageRepository,
  ) {}

  async admit(accountId: string): Promise<void> {
    const account = await this.accounts.get(accountId);
    if (!account) throw notFound('Account');
    if (Number(account.credit_balance) < minimumCredits(this.config.credits))
      throw new DomainError('insufficient_credits', 'Insufficient credits');
    const limit = this.limitOf(account.plan);
    if (!(await this.usage.reserveMessage(accountId, limit)))
      throw new DomainError('limit_reached', `Monthly message limit of the ${account.plan} plan reached`, {
        messages_limit: limit,
      });
  }

  /** The request that reserved a message started nothing (unknown or busy chat): give it back. */
  async release(accountId: string): Promise<void> {
    await this.usage.releaseMessage(accountId);
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
