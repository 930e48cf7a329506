import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Req,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import type { AccountScope } from '@conclave/domain';
import type { Request } from 'express';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  CreateBaseBody,
  SearchBody,
  SourceBody,
  toBaseDto,
  toHitDto,
  toSourceDto,
  UpdateBaseBody,
  UploadFields,
} from './dto/knowledge.dto';
import { KnowledgeService, type UploadedDocument } from './knowledge.service';

const baseId = new IdPipe('Knowledge base');
const sourceId = new IdPipe('Source');
const sourceBody = new ZodPipe(SourceBody);
const uploadFields = new ZodPipe(UploadFields);

/**
 * Knowledge bases (native shape), mounted at `/knowledge-bases` and `/v1/knowledge-bases`. Account
 * management: agent-scoped keys get 403 (`@ManagesAccount`).
 */
@Controller(['knowledge-bases', 'v1/knowledge-bases'])
@ManagesAccount()
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Post()
  async create(@AccountOwner() owner: AccountScope, @Body(new ZodPipe(CreateBaseBody)) body: CreateBaseBody) {
    return toBaseDto(await this.knowledge.createBase(owner, body));
  }

  @Get()
  async list(@AccountOwner() owner: AccountScope) {
    return (await this.knowledge.listBases(owner)).map(toBaseDto);
  }

  @Get(':id')
  async get(@AccountOwner() owner: AccountScope, @Param('id', baseId) id: string) {
    return toBaseDto(await this.knowledge.getBase(owner, id));
  }

  @Patch(':id')
  async update(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Body(new ZodPipe(UpdateBaseBody)) body: UpdateBaseBody,
  ) {
    return toBaseDto(await this.knowledge.updateBase(owner, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@AccountOwner() owner: AccountScope, @Param('id', baseId) id: string): Promise<void> {
    await this.knowledge.deleteBase(owner, id);
  }

  /**
   * A JSON body adds text (`type: "text"`) or a website crawl (`type: "website"`); a multipart body
   * uploads a file (field `file`; Markdown, HTML, PDF or plain text). `202`: indexing runs in the
   * background; follow it with `GET .../sources/{id}` or `knowledge.source` events.
   */
  @Post(':id/sources')
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  async addSource(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Req() req: Request,
    @UploadedFile() file: UploadedDocument | undefined,
    @Body() body: unknown,
  ) {
    const multipart = (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
    const source = multipart
      ? await this.knowledge.addUpload(owner, id, file, uploadFields.transform(body ?? {}))
      : await this.knowledge.addSource(owner, id, sourceBody.transform(body));
    return toSourceDto(source);
  }

  @Get(':id/sources')
  async listSources(@AccountOwner() owner: AccountScope, @Param('id', baseId) id: string) {
    return (await this.knowledge.listSources(owner, id)).map(toSourceDto);
  }

  @Get(':id/sources/:sourceId')
  async getSource(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Param('sourceId', sourceId) source: string,
  ) {
    return toSourceDto(await this.knowledge.getSource(owner, id, source));
  }

  @Post(':id/sources/:sourceId/resync')
  @HttpCode(202)
  async resync(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Param('sourceId', sourceId) source: string,
  ) {
    return toSourceDto(await this.knowledge.resync(owner, id, source));
  }

  @Delete(':id/sources/:sourceId')
  @HttpCode(204)
  async deleteSource(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Param('sourceId', sourceId) source: string,
  ): Promise<void> {
    await this.knowledge.deleteSource(owner, id, source);
  }

  /** The ranked chunks a question finds, with scores: what an agent of this base would be given. */
  @Post(':id/search')
  @HttpCode(200)
  async search(
    @AccountOwner() owner: AccountScope,
    @Param('id', baseId) id: string,
    @Body(new ZodPipe(SearchBody)) body: SearchBody,
  ) {
    const hits = await this.knowledge.search(owner, id, body);
    return { query: body.query, k: body.k, results: hits.map(toHitDto) };
  }
}
