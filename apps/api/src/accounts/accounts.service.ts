import { Inject, Injectable } from '@nestjs/common';
import { generateApiKey } from '@conclave/auth';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError } from '@conclave/domain';
import {
  AccountsRepository,
  AgentsRepository,
  isUniqueViolation,
  type AccountRow,
  type ApiKeyRow,
} from '@conclave/persistence';

/** Accounts and key issuance (the secret exists only in the return value of createKey). */
@Injectable()
export class AccountsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsRepository,
    private readonly agents: AgentsRepository,
  ) {}

  async findOrCreate(email: string, plan = 'free'): Promise<{ account: AccountRow; created: boolean }> {
    const existing = await this.accounts.findByEmail(email);
    if (existing) return { account: existing, created: false };
    try {
      const account = await this.accounts.create(email, {
        plan,
        credits: this.config.credits.defaultBalance,
      });
      return { account, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { account: (await this.accounts.findByEmail(email))!, created: false };
    }
  }

  async createKey(
    accountId: string,
    name: string,
    agentId: string | null,
  ): Promise<{ row: ApiKeyRow; secret: string }> {
    // The foreign key alone would accept another account's agent: scope it to the caller's.
    if (agentId && !(await this.agents.get(accountId, agentId.toLowerCase())))
      throw new DomainError('not_found', 'Agent not found');
    const key = generateApiKey();
    try {
      const row = await this.accounts.createKey(accountId, {
        name,
        prefix: key.prefix,
        hash: key.hash,
        agentId,
      });
      return { row, secret: key.secret };
    } catch (err) {
      // agent_id of another account or unknown: the FK fails (scoping is checked by the agents feature)
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23503')
        throw new DomainError('not_found', 'Agent not found');
      throw err;
    }
  }
}
