import { Controller, Get, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import { notFound, planMessageLimit, type AccountScope } from '@conclave/domain';
import { AccountsRepository, UsageRepository } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';

/** The account's plan and balance: account keys only. */
@Controller(['account', 'v1/account'])
@ManagesAccount()
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class AccountController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly usage: UsageRepository,
  ) {}

  @Get()
  async get(@AccountOwner() owner: AccountScope) {
    const account = await this.accounts.get(owner.accountId);
    if (!account) throw notFound('Account');
    const month = await this.usage.thisMonth(owner.accountId);
    return {
      id: account.id,
      email: account.email,
      plan: account.plan,
      credit_balance: Number(account.credit_balance),
      // This calendar month (UTC): end-user messages accepted against the plan's limit, credits debited.
      messages_used: month.messages_used,
      messages_limit: planMessageLimit(this.config.planLimits, account.plan),
      credits_used: month.credits_used,
    };
  }
}
