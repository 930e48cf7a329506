import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { notFound } from '@conclave/domain';
import { AccountsRepository } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';

@Controller(['account', 'v1/account'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class AccountController {
  constructor(private readonly accounts: AccountsRepository) {}

  @Get()
  async get(@CurrentPrincipal() p: Principal) {
    const account = await this.accounts.get(p.accountId);
    if (!account) throw notFound('Account');
    return {
      id: account.id,
      email: account.email,
      plan: account.plan,
      credit_balance: Number(account.credit_balance),
    };
  }
}
