import { Inject, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { type AccountScope, DomainError, invalid, notFound, conflict } from '@conclave/domain';
import type { IngestionDispatcher, KnowledgeServices, SearchHit } from '@conclave/knowledge';
import type { KnowledgeBaseRow, KnowledgeSourceRow, NewSource } from '@conclave/persistence';
import { INGESTION_DISPATCHER, KNOWLEDGE } from '../core.module';
import type {
  CreateBaseBody,
  SearchBody,
  SourceBody,
  UpdateBaseBody,
  UploadFields,
} from './dto/knowledge.dto';

export interface UploadedDocument {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/**
 * Knowledge bases of an account: bases, their sources (text, uploaded files, website crawls) and
 * search. Adding or re-syncing a source only records it and dispatches indexing — the request
 * never waits for parsing, crawling or embedding. Management data: every method takes the
 * `AccountScope` that only `@ManagesAccount()` routes obtain (agent-scoped keys get 403 before).
 */
@Injectable()
export class KnowledgeService {
  constructor(
    @Inject(KNOWLEDGE) private readonly knowledge: KnowledgeServices,
    @Inject(INGESTION_DISPATCHER) private readonly dispatcher: IngestionDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get repo() {
    return this.knowledge.repository;
  }

  createBase(owner: AccountScope, body: CreateBaseBody): Promise<KnowledgeBaseRow> {
    return this.repo.createBase(owner, body);
  }

  listBases(owner: AccountScope): Promise<KnowledgeBaseRow[]> {
    return this.repo.listBases(owner);
  }

  async getBase(owner: AccountScope, id: string): Promise<KnowledgeBaseRow> {
    const base = await this.repo.getBase(owner, id);
    if (!base) throw notFound('Knowledge base');
    return base;
  }

  async updateBase(owner: AccountScope, id: string, body: UpdateBaseBody): Promise<KnowledgeBaseRow> {
    const base = await this.repo.updateBase(owner, id, body);
    if (!base) throw notFound('Knowledge base');
    return base;
  }

  async deleteBase(owner: AccountScope, id: string): Promise<void> {
    if (!(await this.repo.deleteBase(owner, id))) throw notFound('Knowledge base');
  }

  async addSource(owner: AccountScope, baseId: string, body: SourceBody): Promise<KnowledgeSourceRow> {
    const k = this.config.knowledge;
    if (body.type === 'text') {
      const content = Buffer.from(body.content, 'utf8');
      if (content.length > k.maxFileBytes)
        throw new PayloadTooLargeException(`content: larger than ${k.maxFileBytes} bytes`);
      return this.add(owner, baseId, {
        kind: 'text',
        title: body.title ?? null,
        url: body.url ?? null,
        content,
        mediaType: 'text/markdown',
      });
    }
    const maxPages = body.max_pages ?? Math.min(50, k.maxCrawlPages);
    const maxDepth = body.max_depth ?? Math.min(3, k.maxCrawlDepth);
    if (maxPages > k.maxCrawlPages) throw invalid(`max_pages: at most ${k.maxCrawlPages} pages per crawl`);
    if (maxDepth > k.maxCrawlDepth) throw invalid(`max_depth: at most ${k.maxCrawlDepth}`);
    return this.add(owner, baseId, {
      kind: 'website',
      title: body.title ?? new URL(body.url).host,
      crawl: { url: body.url, max_pages: maxPages, max_depth: maxDepth },
    });
  }

  async addUpload(
    owner: AccountScope,
    baseId: string,
    file: UploadedDocument | undefined,
    fields: UploadFields,
  ): Promise<KnowledgeSourceRow> {
    if (!file) throw invalid('file: a multipart upload needs a file field named "file"');
    if (file.size === 0) throw invalid('file: the file is empty');
    return this.add(owner, baseId, {
      kind: 'file',
      title: fields.title ?? null,
      url: fields.url ?? null,
      filename: file.originalname.slice(0, 500),
      mediaType: file.mimetype,
      content: file.buffer,
    });
  }

  listSources(owner: AccountScope, baseId: string): Promise<KnowledgeSourceRow[]> {
    return this.getBase(owner, baseId).then(() => this.repo.listSources(owner, baseId));
  }

  async getSource(owner: AccountScope, baseId: string, id: string): Promise<KnowledgeSourceRow> {
    const source = await this.repo.getSource(owner, baseId, id);
    if (!source) throw notFound('Source');
    return source;
  }

  async resync(owner: AccountScope, baseId: string, id: string): Promise<KnowledgeSourceRow> {
    const current = await this.getSource(owner, baseId, id);
    const source = await this.repo.resync(owner, baseId, id);
    if (!source)
      throw conflict(`Source is ${current.status}: wait until it is ready or failed, then re-sync`, {
        status: current.status,
      });
    await this.dispatcher.dispatch(source);
    return source;
  }

  async deleteSource(owner: AccountScope, baseId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteSource(owner, baseId, id))) throw notFound('Source');
  }

  async search(owner: AccountScope, baseId: string, body: SearchBody): Promise<SearchHit[]> {
    await this.getBase(owner, baseId);
    return this.knowledge.search.search(owner, baseId, body.query, {
      k: body.k,
      minScore: body.min_score,
    });
  }

  private async add(owner: AccountScope, baseId: string, source: NewSource): Promise<KnowledgeSourceRow> {
    await this.getBase(owner, baseId);
    const max = this.config.knowledge.maxChunksPerAccount;
    if ((await this.repo.chunkCount(owner)) >= max)
      throw new DomainError(
        'limit_reached',
        `Chunk limit reached: an account may hold ${max} chunks; delete sources to make room`,
      );
    const created = await this.repo.createSource(owner, baseId, source);
    await this.dispatcher.dispatch(created);
    return created;
  }
}
