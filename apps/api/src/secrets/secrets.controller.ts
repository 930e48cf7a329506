import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseFilters, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { DomainError } from '@conclave/domain';
import type { SecretInfo } from '@conclave/persistence';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { ZodPipe } from '../common/zod-body.pipe';
import { PutSecretBody, SecretNamePipe } from './dto/secret.dto';
import { SecretsService } from './secrets.service';

/**
 * `/secrets`: an account's named secrets, referenced from flows by `{"secret": NAME}` tool headers
 * and `api_key_ref`, each sent only to the hosts it lists. Write-only: reads show names, hosts and
 * timestamps. A key scoped to an agent manages nothing here (403).
 */
@Controller(['secrets', 'v1/secrets'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  async list(@CurrentPrincipal() p: Principal) {
    unscoped(p);
    return (await this.secrets.list(p.accountId)).map(toSecretDto);
  }

  @Put(':name')
  async put(
    @CurrentPrincipal() p: Principal,
    @Param('name', new SecretNamePipe()) name: string,
    @Body(new ZodPipe(PutSecretBody)) body: PutSecretBody,
  ) {
    unscoped(p);
    return toSecretDto(await this.secrets.put(p.accountId, name, body.value, body.hosts));
  }

  @Delete(':name')
  @HttpCode(204)
  async delete(@CurrentPrincipal() p: Principal, @Param('name', new SecretNamePipe()) name: string) {
    unscoped(p);
    await this.secrets.delete(p.accountId, name);
  }
}

/** Secrets are account management: a key scoped to an agent (the one a website embeds) may not touch them. */
function unscoped(p: Principal): void {
  if (p.agentId) throw new DomainError('forbidden', 'A key scoped to an agent cannot manage secrets');
}

function toSecretDto(row: SecretInfo) {
  return { name: row.name, hosts: row.hosts, created_at: row.created_at, updated_at: row.updated_at };
}
