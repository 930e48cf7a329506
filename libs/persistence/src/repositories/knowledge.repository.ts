import type { AccountScope } from '@conclave/domain';
import type { Database } from '../database';

export type KnowledgeLanguage = 'english' | 'indonesian' | 'simple';
export type SourceKind = 'text' | 'file' | 'website';
export type SourceStatus = 'pending' | 'indexing' | 'ready' | 'failed';

/** Postgres text search configuration of each language (see the knowledge migration). */
export const TS_CONFIG: Record<KnowledgeLanguage, string> = {
  english: 'english',
  indonesian: 'conclave_indonesian',
  simple: 'simple',
};

export interface KnowledgeBaseRow {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  language: KnowledgeLanguage;
  created_at: Date;
  updated_at: Date;
  source_count: number;
  chunk_count: number;
}

export interface CrawlSettings {
  url: string;
  max_pages: number;
  max_depth: number;
}

export interface SourceProgress {
  pages?: number;
  chunks?: number;
  skipped?: { url: string; reason: string }[];
  warning?: string;
}

export interface KnowledgeSourceRow {
  id: string;
  base_id: string;
  account_id: string;
  kind: SourceKind;
  title: string | null;
  url: string | null;
  filename: string | null;
  media_type: string | null;
  crawl: CrawlSettings | null;
  bytes: string; // bigint
  status: SourceStatus;
  reason: string | null;
  progress: SourceProgress;
  chunk_count: number;
  attempt: number;
  created_at: Date;
  updated_at: Date;
  indexed_at: Date | null;
}

/** A claimed source with what indexing needs (the original bytes and the base's language). */
export interface ClaimedSource extends KnowledgeSourceRow {
  content: Buffer | null;
  ts_config: string;
}

export interface NewSource {
  kind: SourceKind;
  title?: string | null;
  url?: string | null;
  filename?: string | null;
  mediaType?: string | null;
  content?: Buffer | null;
  crawl?: CrawlSettings | null;
}

export interface NewChunk {
  position: number;
  title: string;
  section: string;
  url: string | null;
  content: string;
  embedding: number[] | null;
}

export interface ChunkCandidate {
  id: string;
  source_id: string;
  title: string;
  section: string;
  url: string | null;
  content: string;
  position: number;
  /** `ts_rank_cd` of the loose query, plus that of the strict query where it matches too. */
  rank: number;
  embedding: number[] | null;
}

const BASE_COLUMNS = `b.id, b.account_id, b.name, b.description, b.language, b.created_at, b.updated_at,
  (SELECT count(*)::int FROM knowledge_sources s WHERE s.base_id = b.id) AS source_count,
  (SELECT coalesce(sum(s.chunk_count), 0)::int FROM knowledge_sources s WHERE s.base_id = b.id) AS chunk_count`;

const SOURCE_COLUMNS = `id, base_id, account_id, kind, title, url, filename, media_type, crawl, bytes, status, reason,
  progress, chunk_count, attempt, created_at, updated_at, indexed_at`;

/**
 * Knowledge bases, sources and chunks. Every read and write a caller can reach takes the owning
 * account's `AccountScope` (bases are account management data; a run's retrieval is off-request and
 * builds one with `accountScope`); the indexing side (claim, chunks, finish) works by source id under a lease and an
 * attempt number, so a stale indexer can never overwrite a newer one's result.
 */
export class KnowledgeRepository {
  constructor(private readonly db: Database) {}

  async createBase(
    owner: AccountScope,
    base: { name: string; description?: string | null; language: KnowledgeLanguage },
  ): Promise<KnowledgeBaseRow> {
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO knowledge_bases (account_id, name, description, language, ts_config)
       VALUES ($1, $2, $3, $4, $5::regconfig) RETURNING id`,
      [owner.accountId, base.name, base.description ?? null, base.language, TS_CONFIG[base.language]],
    );
    return (await this.getBase(owner, row.id))!;
  }

  async listBases(owner: AccountScope): Promise<KnowledgeBaseRow[]> {
    return this.db.query<KnowledgeBaseRow>(
      `SELECT ${BASE_COLUMNS} FROM knowledge_bases b WHERE b.account_id = $1 ORDER BY b.created_at DESC, b.id DESC`,
      [owner.accountId],
    );
  }

  async getBase(owner: AccountScope, id: string): Promise<KnowledgeBaseRow | null> {
    const [row] = await this.db.query<KnowledgeBaseRow>(
      `SELECT ${BASE_COLUMNS} FROM knowledge_bases b WHERE b.id = $1 AND b.account_id = $2`,
      [id, owner.accountId],
    );
    return row ?? null;
  }

  /** A base by id or, failing that, by its name (flows may name a base). */
  async findBase(owner: AccountScope, ref: string, isId: boolean): Promise<KnowledgeBaseRow | null> {
    if (isId) {
      const byId = await this.getBase(owner, ref.toLowerCase());
      if (byId) return byId;
    }
    const [row] = await this.db.query<KnowledgeBaseRow>(
      `SELECT ${BASE_COLUMNS} FROM knowledge_bases b WHERE b.account_id = $1 AND b.name = $2
       ORDER BY b.created_at LIMIT 1`,
      [owner.accountId, ref],
    );
    return row ?? null;
  }

  async updateBase(
    owner: AccountScope,
    id: string,
    changes: { name?: string; description?: string | null },
  ): Promise<KnowledgeBaseRow | null> {
    const { count } = await this.db.execute(
      `UPDATE knowledge_bases SET name = coalesce($3, name),
         description = CASE WHEN $4 THEN $5 ELSE description END, updated_at = now()
       WHERE id = $1 AND account_id = $2`,
      [
        id,
        owner.accountId,
        changes.name ?? null,
        changes.description !== undefined,
        changes.description ?? null,
      ],
    );
    return count ? this.getBase(owner, id) : null;
  }

  /** Deletes the base; its sources and their chunks go with it (cascade). */
  async deleteBase(owner: AccountScope, id: string): Promise<boolean> {
    const { count } = await this.db.execute(`DELETE FROM knowledge_bases WHERE id = $1 AND account_id = $2`, [
      id,
      owner.accountId,
    ]);
    return count > 0;
  }

  async createSource(owner: AccountScope, baseId: string, source: NewSource): Promise<KnowledgeSourceRow> {
    const [row] = await this.db.query<KnowledgeSourceRow>(
      `INSERT INTO knowledge_sources (base_id, account_id, kind, title, url, filename, media_type, content, crawl, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${SOURCE_COLUMNS}`,
      [
        baseId,
        owner.accountId,
        source.kind,
        source.title ?? null,
        source.url ?? null,
        source.filename ?? null,
        source.mediaType ?? null,
        source.content ?? null,
        source.crawl ? JSON.stringify(source.crawl) : null,
        source.content?.length ?? 0,
      ],
    );
    return row;
  }

  async listSources(owner: AccountScope, baseId: string): Promise<KnowledgeSourceRow[]> {
    return this.db.query<KnowledgeSourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE base_id = $1 AND account_id = $2 ORDER BY created_at, id`,
      [baseId, owner.accountId],
    );
  }

  async getSource(owner: AccountScope, baseId: string, id: string): Promise<KnowledgeSourceRow | null> {
    const [row] = await this.db.query<KnowledgeSourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE id = $1 AND base_id = $2 AND account_id = $3`,
      [id, baseId, owner.accountId],
    );
    return row ?? null;
  }

  /** Deletes the source and its chunks (cascade); an indexer still at work loses its lease. */
  async deleteSource(owner: AccountScope, baseId: string, id: string): Promise<boolean> {
    const { count } = await this.db.execute(
      `DELETE FROM knowledge_sources WHERE id = $1 AND base_id = $2 AND account_id = $3`,
      [id, baseId, owner.accountId],
    );
    return count > 0;
  }

  /**
   * Queues the source for indexing again. Refused (null) while it is pending or indexing: one
   * indexer per source. The live chunks keep answering until the new ones replace them.
   */
  async resync(owner: AccountScope, baseId: string, id: string): Promise<KnowledgeSourceRow | null> {
    const [row] = await this.db.query<KnowledgeSourceRow>(
      `UPDATE knowledge_sources SET status = 'pending', reason = NULL, progress = '{}', lease_until = NULL,
         updated_at = now()
       WHERE id = $1 AND base_id = $2 AND account_id = $3 AND status IN ('ready', 'failed')
       RETURNING ${SOURCE_COLUMNS}`,
      [id, baseId, owner.accountId],
    );
    return row ?? null;
  }

  /** Takes a pending source (or one whose indexer's lease expired) for indexing. */
  async claim(id: string, leaseMs: number): Promise<ClaimedSource | null> {
    const [row] = await this.db.query<ClaimedSource>(
      `UPDATE knowledge_sources s SET status = 'indexing', attempt = s.attempt + 1, reason = NULL,
         progress = '{}', lease_until = now() + $2 * interval '1 millisecond', updated_at = now()
       FROM knowledge_bases b
       WHERE s.id = $1 AND b.id = s.base_id
         AND (s.status = 'pending' OR (s.status = 'indexing' AND s.lease_until < now()))
       RETURNING ${SOURCE_COLUMNS.replace(/(\w+)/g, 's.$1')}, s.content, b.ts_config::text AS ts_config`,
      [id, leaseMs],
    );
    return row ?? null;
  }

  /** Extends the lease and records progress; false when the source was deleted or taken over. */
  async heartbeat(id: string, attempt: number, leaseMs: number, progress: SourceProgress): Promise<boolean> {
    const { count } = await this.db.execute(
      `UPDATE knowledge_sources SET lease_until = now() + $3 * interval '1 millisecond', progress = $4, updated_at = now()
       WHERE id = $1 AND attempt = $2 AND status = 'indexing'`,
      [id, attempt, leaseMs, JSON.stringify(progress)],
    );
    return count > 0;
  }

  /**
   * Adds chunks of the generation being built. Refused (`limit`) when the account would hold more
   * than `maxPerAccount` live-or-building chunks; `lost` when the source is no longer ours.
   */
  async addChunks(
    source: ClaimedSource,
    chunks: NewChunk[],
    maxPerAccount: number,
  ): Promise<'ok' | 'limit' | 'lost'> {
    if (chunks.length === 0) return 'ok';
    return this.db.transaction(async (tx) => {
      const [held] = await tx.query(
        `SELECT 1 FROM knowledge_sources WHERE id = $1 AND attempt = $2 AND status = 'indexing' FOR UPDATE`,
        [source.id, source.attempt],
      );
      if (!held) return 'lost';
      const [{ n }] = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM knowledge_chunks WHERE account_id = $1`,
        [source.account_id],
      );
      if (n + chunks.length > maxPerAccount) return 'limit';
      await tx.query(
        `INSERT INTO knowledge_chunks (source_id, base_id, account_id, generation, ts_config, position, title, section, url, content, embedding)
         SELECT $1, $2, $3, $4, $5::regconfig, c.position, c.title, c.section, c.url, c.content,
                CASE WHEN c.embedding IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(c.embedding)::real) END
         FROM jsonb_to_recordset($6::jsonb) AS c(position int, title text, section text, url text, content text, embedding jsonb)`,
        [
          source.id,
          source.base_id,
          source.account_id,
          source.attempt,
          source.ts_config,
          JSON.stringify(chunks),
        ],
      );
      return 'ok';
    });
  }

  /** Makes the built generation live and drops the previous one, in one transaction. */
  async finish(source: ClaimedSource, progress: SourceProgress): Promise<KnowledgeSourceRow | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<KnowledgeSourceRow>(
        `UPDATE knowledge_sources SET status = 'ready', reason = NULL, live_generation = attempt, lease_until = NULL,
           progress = $3, indexed_at = now(), updated_at = now(),
           chunk_count = (SELECT count(*)::int FROM knowledge_chunks WHERE source_id = $1 AND generation = $2)
         WHERE id = $1 AND attempt = $2 AND status = 'indexing' RETURNING ${SOURCE_COLUMNS}`,
        [source.id, source.attempt, JSON.stringify(progress)],
      );
      if (!row) return null;
      await tx.query(`DELETE FROM knowledge_chunks WHERE source_id = $1 AND generation <> $2`, [
        source.id,
        source.attempt,
      ]);
      return row;
    });
  }

  /** Marks the source failed with a reason; the partial generation goes, the last good one stays live. */
  async fail(
    source: ClaimedSource,
    reason: string,
    progress: SourceProgress,
  ): Promise<KnowledgeSourceRow | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<KnowledgeSourceRow>(
        `UPDATE knowledge_sources SET status = 'failed', reason = $3, progress = $4, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND attempt = $2 AND status = 'indexing' RETURNING ${SOURCE_COLUMNS}`,
        [source.id, source.attempt, reason, JSON.stringify(progress)],
      );
      if (!row) return null;
      await tx.query(`DELETE FROM knowledge_chunks WHERE source_id = $1 AND generation = $2`, [
        source.id,
        source.attempt,
      ]);
      return row;
    });
  }

  /** Sources waiting for an indexer: pending ones, and indexing ones whose indexer stopped renewing its lease. */
  async unfinished(limit: number): Promise<{ id: string; attempt: number }[]> {
    return this.db.query(
      `SELECT id, attempt FROM knowledge_sources
       WHERE status = 'pending' OR (status = 'indexing' AND lease_until < now())
       ORDER BY created_at LIMIT $1`,
      [limit],
    );
  }

  async chunkCount(owner: AccountScope): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_chunks WHERE account_id = $1`,
      [owner.accountId],
    );
    return n;
  }

  /**
   * Full-text candidates of a base, best first: chunks matching any word of the question (the
   * loose query), ranked by cover density, with the strict query's rank added where every word
   * matches. Only live generations are searched.
   */
  async searchText(
    owner: AccountScope,
    baseId: string,
    query: { strict: string; loose: string },
    limit: number,
    withEmbeddings: boolean,
  ): Promise<ChunkCandidate[]> {
    return this.db.query<ChunkCandidate>(
      `WITH q AS (
         SELECT websearch_to_tsquery(b.ts_config, $3) AS strict, websearch_to_tsquery(b.ts_config, $4) AS loose
         FROM knowledge_bases b WHERE b.id = $1 AND b.account_id = $2
       )
       SELECT c.id, c.source_id, c.title, c.section, c.url, c.content, c.position,
              ts_rank_cd(c.tsv, q.loose, 1) + CASE WHEN c.tsv @@ q.strict THEN ts_rank_cd(c.tsv, q.strict, 1) ELSE 0 END AS rank,
              ${withEmbeddings ? 'c.embedding' : 'NULL::real[] AS embedding'}
       FROM q, knowledge_chunks c
       JOIN knowledge_sources s ON s.id = c.source_id AND c.generation = s.live_generation
       WHERE c.base_id = $1 AND c.account_id = $2 AND c.tsv @@ q.loose
       ORDER BY rank DESC, c.id
       LIMIT $5`,
      [baseId, owner.accountId, query.strict, query.loose, limit],
    );
  }
}
