import type {
  ClaimedSource,
  KnowledgeRepository,
  KnowledgeSourceRow,
  NewChunk,
  SourceProgress,
} from '@conclave/persistence';
import { type ChunkDraft, chunkText, type ChunkingOptions } from './chunking';
import { CrawlError, crawlSite } from './crawler';
import { extractDocument, UnreadableDocumentError, UnsupportedDocumentError } from './documents';
import { type Embedder, EmbeddingsError } from './embeddings';

export interface IngestionLimits {
  maxChunksPerAccount: number;
  maxPageBytes: number;
  leaseMs: number;
}

/** `knowledge.source` events: a source's status and progress, on the account's event stream. */
export interface SourceEvent {
  knowledge_base_id: string;
  source_id: string;
  status: KnowledgeSourceRow['status'];
  reason: string | null;
  progress: SourceProgress;
  chunk_count: number;
}

export interface IngestionDeps {
  repository: KnowledgeRepository;
  /** Outbound HTTP on the tenant's behalf (crawls, embeddings): the egress policy. */
  fetch: typeof fetch;
  embedder: Embedder | null;
  chunking: ChunkingOptions;
  limits: IngestionLimits;
  publish: (accountId: string, event: SourceEvent) => void;
  userAgent: string;
  log?: (message: string) => void;
}

/** A reason shown to the user on a failed source (never a stack trace). */
class SourceFailure extends Error {}

/**
 * Indexes one source: claim it (Postgres decides who indexes, the queue only delivers), read it
 * (text, uploaded file, or a crawl), chunk, embed when configured, write the chunks of a new
 * generation, then make them live. Any failure — a corrupt PDF, an unsupported type, a site that
 * cannot be crawled, the chunk limit — ends as a `failed` source with a reason; nothing throws out
 * of `index` but infrastructure faults (the database), which the queue retries.
 */
export class KnowledgeIngestion {
  constructor(private readonly deps: IngestionDeps) {}

  async index(sourceId: string): Promise<'indexed' | 'failed' | 'skipped'> {
    const source = await this.deps.repository.claim(sourceId, this.deps.limits.leaseMs);
    if (!source) return 'skipped';
    const progress: SourceProgress = { chunks: 0 };
    this.emit(source, 'indexing', null, progress, 0);
    // Keeps the lease while a long step (a big PDF, a slow embeddings call) runs.
    const heartbeat = setInterval(
      () =>
        void this.deps.repository
          .heartbeat(source.id, source.attempt, this.deps.limits.leaseMs, progress)
          .catch(() => undefined),
      Math.max(500, this.deps.limits.leaseMs / 3),
    );
    heartbeat.unref();
    try {
      await this.read(source, progress);
      const done = await this.deps.repository.finish(source, progress);
      if (done) this.emit(done, done.status, null, done.progress, done.chunk_count);
      return done ? 'indexed' : 'skipped';
    } catch (err) {
      if (err instanceof LostSource) return 'skipped';
      const reason = failureReason(err);
      if (!(err instanceof SourceFailure))
        this.deps.log?.(`source ${source.id} failed: ${(err as Error)?.stack ?? err}`);
      const failed = await this.deps.repository.fail(source, reason, progress);
      if (failed) this.emit(failed, 'failed', reason, progress, failed.chunk_count);
      return 'failed';
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async read(source: ClaimedSource, progress: SourceProgress): Promise<void> {
    if (source.kind === 'website') {
      const crawl = source.crawl!;
      progress.pages = 0;
      const report = await crawlSite(
        {
          startUrl: crawl.url,
          maxPages: crawl.max_pages,
          maxDepth: crawl.max_depth,
          fetch: this.deps.fetch,
          userAgent: this.deps.userAgent,
          maxPageBytes: this.deps.limits.maxPageBytes,
        },
        async (page) => {
          const drafts = await chunkText(page.text, this.deps.chunking);
          await this.store(source, progress, drafts, { title: page.title, url: page.url });
          progress.pages = (progress.pages ?? 0) + 1;
          await this.beat(source, progress);
        },
      ).catch((err: unknown) => {
        if (err instanceof CrawlError) throw new SourceFailure(err.message);
        throw err;
      });
      progress.skipped = report.skipped.slice(0, 50);
      if (report.pages === 0)
        throw new SourceFailure(
          report.skipped.length
            ? `no page could be indexed (first: ${report.skipped[0].url}: ${report.skipped[0].reason})`
            : 'no page could be indexed',
        );
      return;
    }
    const bytes = source.content ?? Buffer.alloc(0);
    const document =
      source.kind === 'text'
        ? { title: null, text: bytes.toString('utf8') }
        : await extractDocument(bytes, source.filename, source.media_type);
    const drafts = await chunkText(document.text, this.deps.chunking);
    if (drafts.length === 0) throw new SourceFailure('the source holds no text');
    await this.store(source, progress, drafts, {
      title: source.title ?? document.title ?? source.filename ?? 'Untitled',
      url: source.url,
    });
  }

  /** Embeds (when configured) and writes one document's chunks. */
  private async store(
    source: ClaimedSource,
    progress: SourceProgress,
    drafts: ChunkDraft[],
    document: { title: string; url: string | null },
  ): Promise<void> {
    const offset = progress.chunks ?? 0;
    let vectors: (number[] | null)[] = drafts.map(() => null);
    if (this.deps.embedder && drafts.length > 0) {
      try {
        vectors = await this.deps.embedder.embed(drafts.map((d) => embeddingText(document.title, d)));
      } catch (err) {
        // Text search still works without vectors; say so on the source rather than failing it.
        if (!(err instanceof EmbeddingsError)) throw err;
        progress.warning = `indexed without embeddings: ${err.message}`;
      }
    }
    const chunks: NewChunk[] = drafts.map((d, i) => ({
      position: offset + d.position,
      title: document.title,
      section: d.section,
      url: document.url ? withAnchor(document.url, d.anchor) : null,
      content: d.content,
      embedding: vectors[i] ?? null,
    }));
    const added = await this.deps.repository.addChunks(source, chunks, this.deps.limits.maxChunksPerAccount);
    if (added === 'lost') throw new LostSource();
    if (added === 'limit')
      throw new SourceFailure(
        `chunk limit reached: an account may hold ${this.deps.limits.maxChunksPerAccount} chunks (delete sources or raise KNOWLEDGE_MAX_CHUNKS_PER_ACCOUNT)`,
      );
    progress.chunks = offset + chunks.length;
  }

  private async beat(source: ClaimedSource, progress: SourceProgress): Promise<void> {
    if (
      !(await this.deps.repository.heartbeat(source.id, source.attempt, this.deps.limits.leaseMs, progress))
    )
      throw new LostSource();
    this.emit(source, 'indexing', null, progress, progress.chunks ?? 0);
  }

  private emit(
    source: KnowledgeSourceRow,
    status: KnowledgeSourceRow['status'],
    reason: string | null,
    progress: SourceProgress,
    chunkCount: number,
  ): void {
    try {
      this.deps.publish(source.account_id, {
        knowledge_base_id: source.base_id,
        source_id: source.id,
        status,
        reason,
        progress: { ...progress },
        chunk_count: chunkCount,
      });
    } catch {
      // Progress events are a courtesy; the source row is the truth.
    }
  }
}

/** The source was deleted or re-claimed while we worked: drop our work silently. */
class LostSource extends Error {}

function failureReason(err: unknown): string {
  if (
    err instanceof SourceFailure ||
    err instanceof UnreadableDocumentError ||
    err instanceof UnsupportedDocumentError
  )
    return err.message;
  return `internal error while indexing: ${(err as Error)?.message ?? String(err)}`;
}

function withAnchor(url: string, anchor: string | null): string {
  if (!anchor) return url;
  try {
    const u = new URL(url);
    u.hash = anchor;
    return u.toString();
  } catch {
    return url;
  }
}

function embeddingText(title: string, chunk: ChunkDraft): string {
  return [title, chunk.section, chunk.content].filter(Boolean).join('\n');
}
