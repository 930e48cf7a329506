import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, CurrentPrincipal, ManagesAccount, type Principal } from '@conclave/auth';
import type { AccountScope } from '@conclave/domain';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { AgentsService } from './agents.service';
import { CreateAgentBody, toAgentDto, UpdateAgentBody } from './dto/agent.dto';

const agentId = new IdPipe('Agent');

/**
 * Agents (native shape), mounted at `/agents` and `/v1/agents`. An agent-scoped key may read its own
 * agent; creating, changing and deleting agents is account management.
 */
@Controller(['agents', 'v1/agents'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @ManagesAccount()
  async create(
    @AccountOwner() owner: AccountScope,
    @Body(new ZodPipe(CreateAgentBody)) body: CreateAgentBody,
  ) {
    return toAgentDto(await this.agents.create(owner, body));
  }

  @Get()
  async list(@CurrentPrincipal() p: Principal) {
    return (await this.agents.list(p.scope)).map(toAgentDto);
  }

  @Get(':id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', agentId) id: string) {
    return toAgentDto(await this.agents.get(p.scope, id));
  }

  @Patch(':id')
  @ManagesAccount()
  async update(
    @AccountOwner() owner: AccountScope,
    @Param('id', agentId) id: string,
    @Body(new ZodPipe(UpdateAgentBody)) body: UpdateAgentBody,
  ) {
    return toAgentDto(await this.agents.update(owner, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ManagesAccount()
  async delete(@AccountOwner() owner: AccountScope, @Param('id', agentId) id: string): Promise<void> {
    await this.agents.delete(owner, id);
  }
}
