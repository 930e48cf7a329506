import { Injectable } from '@nestjs/common';
import { generateApiKey } from '@conclave/auth';
import { DomainError, type AccountScope } from '@conclave/domain';
import { AccountsRepository, AgentsRepository, type ApiKeyRow } from '@conclave/persistence';

/** Accounts and key issuance (the secret exists only in the return value of createKey). */
@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly agents: AgentsRepository,
  ) {}

  async createKey(
    owner: AccountScope,
    name: string,
    agentId: string | null,
  ): Promise<{ row: ApiKeyRow; secret: string }> {
    // The foreign key alone would accept another account's agent: scope it to the caller's.
    if (agentId && !(await this.agents.get(owner, agentId.toLowerCase())))
      throw new DomainError('not_found', 'Agent not found');
    const key = generateApiKey();
    try {
      const row = await this.accounts.createKey(owner, {
        name,
        prefix: key.prefix,
        hash: key.hash,
        agentId: agentId?.toLowerCase() ?? null,
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
