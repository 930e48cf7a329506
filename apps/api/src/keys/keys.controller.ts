import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { DomainError, notFound } from '@conclave/domain';
import { AccountsRepository, type ApiKeyRow } from '@conclave/persistence';
import { z } from 'zod';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { AccountsService } from '../accounts/accounts.service';

const CreateKeyBody = z.object({
  name: z.string().trim().min(1).max(100).default('default'),
  agent_id: z.uuid().optional(),
});

/** API key management. The secret is in the create response only; lists show the prefix. */
@Controller(['api-keys', 'v1/api-keys'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class KeysController {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly accountsService: AccountsService,
  ) {}

  @Post()
  async create(
    @CurrentPrincipal() p: Principal,
    @Body(new ZodPipe(CreateKeyBody)) body: z.infer<typeof CreateKeyBody>,
  ) {
    // A key scoped to an agent can only issue keys for that agent.
    if (p.agentId && body.agent_id?.toLowerCase() !== p.agentId)
      throw new DomainError('forbidden', 'A key scoped to an agent can only create keys for that agent');
    const { row, secret } = await this.accountsService.createKey(
      p.accountId,
      body.name,
      body.agent_id ?? null,
    );
    return { ...toKeyDto(row), key: secret };
  }

  @Get()
  async list(@CurrentPrincipal() p: Principal) {
    return (await this.accounts.listKeys(p.accountId)).map(toKeyDto);
  }

  /** Revokes at once: the next request with this key gets 401. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @CurrentPrincipal() p: Principal,
    @Param('id', new IdPipe('API key')) id: string,
  ): Promise<void> {
    if (!(await this.accounts.revokeKey(p.accountId, id))) throw notFound('API key');
  }
}

function toKeyDto(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    agent_id: row.agent_id,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}
