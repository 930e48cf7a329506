import { Controller, Get, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { notFound, planMessageLimit } from '@conclave/domain';
import { AccountsRepository, UsageRepository } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';

@Controller(['account', 'v1/account'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class AccountController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly usage: UsageRepository,
  ) {}

  @Get()
  async get(@CurrentPrincipal() p: Principal) {
    const account = await this.accounts.get(p.accountId);
    if (!account) throw notFound('Account');
    const month = await this.usage.thisMonth(p.accountId);
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
