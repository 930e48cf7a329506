import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseFilters, UseGuards } from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import type { AccountScope } from '@conclave/domain';
import type { SecretInfo } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { ZodPipe } from '../common/zod-body.pipe';
import { PutSecretBody } from './dto/secret.dto';
import { SecretNamePipe } from './secret-name.pipe';
import { SecretsService } from './secrets.service';

/**
 * `/secrets`: an account's named secrets, referenced from flows by `{"secret": NAME}` tool headers
 * and `api_key_ref`, each sent only to the hosts it lists. Write-only: reads show names, hosts and
 * timestamps. A key scoped to an agent manages nothing here (403).
 */
@Controller(['secrets', 'v1/secrets'])
@ManagesAccount()
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  async list(@AccountOwner() owner: AccountScope) {
    return (await this.secrets.list(owner.accountId)).map(toSecretDto);
  }

  @Put(':name')
  async put(
    @AccountOwner() owner: AccountScope,
    @Param('name', new SecretNamePipe()) name: string,
    @Body(new ZodPipe(PutSecretBody)) body: PutSecretBody,
  ) {
    return toSecretDto(await this.secrets.put(owner.accountId, name, body.value, body.hosts));
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(@AccountOwner() owner: AccountScope, @Param('name', new SecretNamePipe()) name: string) {
    await this.secrets.delete(owner.accountId, name);
  }
}

function toSecretDto(row: SecretInfo) {
  return { name: row.name, hosts: row.hosts, created_at: row.created_at, updated_at: row.updated_at };
}
