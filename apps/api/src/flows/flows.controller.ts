import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import { DomainError, flowJsonSchema, type AccountScope } from '@conclave/domain';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { convertAgentokFlow } from './agentok-import/convert-agentok-flow';
import { VersionQuery } from './dto/flow.dto';
import { FlowTestBody } from './flow-tests';
import { FlowTestsService } from './flow-tests.service';
import { FlowsService, toFlowDto } from './flows.service';

const flowId = new IdPipe('Flow');

/** Flow management: account keys only (`@ManagesAccount`); the schema is public. */
@Controller(['flows', 'v1/flows'])
@ManagesAccount()
@UseFilters(NativeExceptionFilter)
export class FlowsController {
  private readonly schema = flowJsonSchema();

  constructor(
    private readonly flows: FlowsService,
    private readonly tests: FlowTestsService,
  ) {}

  /** Public: the JSON Schema of the flow spec. */
  @Get('schema')
  getSchema() {
    return this.schema;
  }

  @Post()
  @UseGuards(ApiKeyGuard)
  async create(@AccountOwner() owner: AccountScope, @Body() body: unknown) {
    const saved = await this.flows.create(owner, body);
    return { ...toFlowDto(saved.row), warnings: saved.warnings };
  }

  /** Converts an Agentok Studio flow (React Flow `{nodes, edges}`) and saves it; unconvertible parts are reported. */
  @Post('import/agentok')
  @UseGuards(ApiKeyGuard)
  async importAgentok(@AccountOwner() owner: AccountScope, @Body() body: unknown) {
    const { flow, errors, warnings } = convertAgentokFlow(body);
    if (!flow || errors.length)
      throw new DomainError('invalid', 'Agentok flow cannot be converted', { errors, warnings });
    const saved = await this.flows.create(owner, flow);
    return { flow: toFlowDto(saved.row), warnings: [...warnings, ...saved.warnings] };
  }

  @Get()
  @UseGuards(ApiKeyGuard)
  async list(@AccountOwner() owner: AccountScope) {
    return (await this.flows.list(owner)).map(toFlowDto);
  }

  @Get(':id')
  @UseGuards(ApiKeyGuard)
  async get(
    @AccountOwner() owner: AccountScope,
    @Param('id', flowId) id: string,
    @Query(new ZodPipe(VersionQuery)) q: { version?: number },
  ) {
    return toFlowDto(await this.flows.get(owner, id, q.version));
  }

  /**
   * Replays recorded conversations (`chat_ids` or `transcripts`) against a flow version and reports,
   * per conversation, the first message where the new transcript differs from the recorded one.
   */
  @Post(':id/test')
  @HttpCode(200)
  @UseGuards(ApiKeyGuard)
  test(
    @AccountOwner() owner: AccountScope,
    @Param('id', flowId) id: string,
    @Body(new ZodPipe(FlowTestBody)) body: FlowTestBody,
  ) {
    return this.tests.test(owner, id, body);
  }

  @Get(':id/versions')
  @UseGuards(ApiKeyGuard)
  versions(@AccountOwner() owner: AccountScope, @Param('id', flowId) id: string) {
    return this.flows.versions(owner, id);
  }

  @Put(':id')
  @UseGuards(ApiKeyGuard)
  async update(@AccountOwner() owner: AccountScope, @Param('id', flowId) id: string, @Body() body: unknown) {
    const saved = await this.flows.update(owner, id, body);
    return { ...toFlowDto(saved.row), warnings: saved.warnings };
  }

  @Delete(':id')
  @UseGuards(ApiKeyGuard)
  @HttpCode(204)
  async archive(@AccountOwner() owner: AccountScope, @Param('id', flowId) id: string): Promise<void> {
    await this.flows.archive(owner, id);
  }
}
