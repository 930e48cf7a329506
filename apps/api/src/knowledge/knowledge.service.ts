import { Inject, Injectable, PayloadTooLargeException } from '@nestjs/common';
import type { Principal } from '@conclave/auth';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, invalid, notFound, conflict } from '@conclave/domain';
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
 * never waits for parsing, crawling or embedding. Management data: an agent-scoped key gets 403.
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

  createBase(p: Principal, body: CreateBaseBody): Promise<KnowledgeBaseRow> {
    this.manage(p);
    return this.repo.createBase(p.accountId, body);
  }

  listBases(p: Principal): Promise<KnowledgeBaseRow[]> {
    this.manage(p);
    return this.repo.listBases(p.accountId);
  }

  async getBase(p: Principal, id: string): Promise<KnowledgeBaseRow> {
    this.manage(p);
    const base = await this.repo.getBase(p.accountId, id);
    if (!base) throw notFound('Knowledge base');
    return base;
  }

  async updateBase(p: Principal, id: string, body: UpdateBaseBody): Promise<KnowledgeBaseRow> {
    this.manage(p);
    const base = await this.repo.updateBase(p.accountId, id, body);
    if (!base) throw notFound('Knowledge base');
    return base;
  }

  async deleteBase(p: Principal, id: string): Promise<void> {
    this.manage(p);
    if (!(await this.repo.deleteBase(p.accountId, id))) throw notFound('Knowledge base');
  }

  async addSource(p: Principal, baseId: string, body: SourceBody): Promise<KnowledgeSourceRow> {
    const k = this.config.knowledge;
    if (body.type === 'text') {
      const content = Buffer.from(body.content, 'utf8');
      if (content.length > k.maxFileBytes)
        throw new PayloadTooLargeException(`content: larger than ${k.maxFileBytes} bytes`);
      return this.add(p, baseId, {
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
    return this.add(p, baseId, {
      kind: 'website',
      title: body.title ?? new URL(body.url).host,
      crawl: { url: body.url, max_pages: maxPages, max_depth: maxDepth },
    });
  }

  async addUpload(
    p: Principal,
    baseId: string,
    file: UploadedDocument | undefined,
    fields: UploadFields,
  ): Promise<KnowledgeSourceRow> {
    if (!file) throw invalid('file: a multipart upload needs a file field named "file"');
    if (file.size === 0) throw invalid('file: the file is empty');
    return this.add(p, baseId, {
      kind: 'file',
      title: fields.title ?? null,
      url: fields.url ?? null,
      filename: file.originalname.slice(0, 500),
      mediaType: file.mimetype,
      content: file.buffer,
    });
  }

  listSources(p: Principal, baseId: string): Promise<KnowledgeSourceRow[]> {
    this.manage(p);
    return this.getBase(p, baseId).then(() => this.repo.listSources(p.accountId, baseId));
  }

  async getSource(p: Principal, baseId: string, id: string): Promise<KnowledgeSourceRow> {
    this.manage(p);
    const source = await this.repo.getSource(p.accountId, baseId, id);
    if (!source) throw notFound('Source');
    return source;
  }

  async resync(p: Principal, baseId: string, id: string): Promise<KnowledgeSourceRow> {
    const current = await this.getSource(p, baseId, id);
    const source = await this.repo.resync(p.accountId, baseId, id);
    if (!source)
      throw conflict(`Source is ${current.status}: wait until it is ready or failed, then re-sync`, {
        status: current.status,
      });
    await this.dispatcher.dispatch(source);
    return source;
  }

  async deleteSource(p: Principal, baseId: string, id: string): Promise<void> {
    this.manage(p);
    if (!(await this.repo.deleteSource(p.accountId, baseId, id))) throw notFound('Source');
  }

  async search(p: Principal, baseId: string, body: SearchBody): Promise<SearchHit[]> {
    await this.getBase(p, baseId);
    return this.knowledge.search.search(p.accountId, baseId, body.query, {
      k: body.k,
      minScore: body.min_score,
    });
  }

  private async add(p: Principal, baseId: string, source: NewSource): Promise<KnowledgeSourceRow> {
    await this.getBase(p, baseId);
    const max = this.config.knowledge.maxChunksPerAccount;
    if ((await this.repo.chunkCount(p.accountId)) >= max)
      throw new DomainError(
        'limit_reached',
        `Chunk limit reached: an account may hold ${max} chunks; delete sources to make room`,
      );
    const created = await this.repo.createSource(p.accountId, baseId, source);
    await this.dispatcher.dispatch(created);
    return created;
  }

  /** Knowledge bases are management data (like flows and keys): not for a key scoped to one agent. */
  private manage(p: Principal): void {
    if (p.agentId)
      throw new DomainError('forbidden', 'A key scoped to one agent cannot manage knowledge bases');
  }
}
