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
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { AgentsService } from './agents.service';
import { CreateAgentBody, toAgentDto, UpdateAgentBody } from './dto/agent.dto';

const agentId = new IdPipe('Agent');

/** Agent management (native shape), mounted at `/agents` and `/v1/agents`. */
@Controller(['agents', 'v1/agents'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateAgentBody)) body: CreateAgentBody) {
    return toAgentDto(await this.agents.create(p, body));
  }

  @Get()
  async list(@CurrentPrincipal() p: Principal) {
    return (await this.agents.list(p)).map(toAgentDto);
  }

  @Get(':id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', agentId) id: string) {
    return toAgentDto(await this.agents.get(p, id));
  }

  @Patch(':id')
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('id', agentId) id: string,
    @Body(new ZodPipe(UpdateAgentBody)) body: UpdateAgentBody,
  ) {
    return toAgentDto(await this.agents.update(p, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() p: Principal, @Param('id', agentId) id: string): Promise<void> {
    await this.agents.delete(p, id);
  }
}
