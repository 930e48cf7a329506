import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import { notFound, type AccountScope } from '@conclave/domain';
import { AccountsRepository, type ApiKeyRow } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { CreateKeyBody } from './dto/key.dto';
import { ShownOnce } from '../common/idempotency/shown-once.decorator';
import { AccountsService } from '../accounts/accounts.service';
import { LiveConnections } from '../realtime/live-connections';

/**
 * API key management (account keys only). The secret is in the create response only; lists show the
 * prefix.
 */
@Controller(['api-keys', 'v1/api-keys'])
@ManagesAccount()
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class KeysController {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly accountsService: AccountsService,
    private readonly live: LiveConnections,
  ) {}

  @Post()
  @ShownOnce()
  async create(@AccountOwner() owner: AccountScope, @Body(new ZodPipe(CreateKeyBody)) body: CreateKeyBody) {
    const { row, secret } = await this.accountsService.createKey(owner, body.name, body.agent_id ?? null);
    return { ...toKeyDto(row), key: secret };
  }

  @Get()
  async list(@AccountOwner() owner: AccountScope) {
    return (await this.accounts.listKeys(owner)).map(toKeyDto);
  }

  /** Revokes at once: the next request with this key gets 401, its live connections are closed. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @AccountOwner() owner: AccountScope,
    @Param('id', new IdPipe('API key')) id: string,
  ): Promise<void> {
    if (!(await this.accounts.revokeKey(owner, id))) throw notFound('API key');
    this.live.revoked([id]); // its open sockets and SSE streams close now, on every API instance
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
