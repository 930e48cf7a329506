import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowledge bases, their sources and the searchable chunks.
 * - Full-text search needs no extra service: `knowledge_chunks.tsv` is a generated `tsvector`
 *   (title and section weighted A, text B) under a GIN index, built with the base's text search
 *   configuration, stored per chunk as a `regconfig` so the generated expression stays immutable.
 * - `conclave_indonesian` is a copy of Postgres's `indonesian` configuration, or of `simple` on a
 *   server built without it, so a base's language never depends on what the server ships.
 * - Re-sync writes a new generation of chunks next to the live one and swaps in one transaction:
 *   search keeps answering from the last good index while a source re-indexes.
 * - Embeddings, when an embeddings endpoint is configured, are a plain `real[]` (cosine computed over
 *   the full-text candidates), so no extension is required.
 */
export class Knowledge1765500000000 implements MigrationInterface {
  name = 'Knowledge1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'conclave_indonesian') THEN
          IF EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian') THEN
            CREATE TEXT SEARCH CONFIGURATION conclave_indonesian (COPY = pg_catalog.indonesian);
          ELSE
            CREATE TEXT SEARCH CONFIGURATION conclave_indonesian (COPY = pg_catalog.simple);
          END IF;
        END IF;
      END $$;
      CREATE TABLE knowledge_bases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        language text NOT NULL CHECK (language IN ('english', 'indonesian', 'simple')),
        ts_config regconfig NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX knowledge_bases_account ON knowledge_bases(account_id, created_at DESC, id DESC);
      CREATE TABLE knowledge_sources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        base_id uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('text', 'file', 'website')),
        title text,
        url text,
        filename text,
        media_type text,
        content bytea,
        crawl jsonb,
        bytes bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'indexing', 'ready', 'failed')),
        reason text,
        progress jsonb NOT NULL DEFAULT '{}',
        chunk_count int NOT NULL DEFAULT 0,
        attempt int NOT NULL DEFAULT 0,
        live_generation int,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        indexed_at timestamptz
      );
      CREATE INDEX knowledge_sources_base ON knowledge_sources(base_id, created_at, id);
      CREATE INDEX knowledge_sources_unfinished ON knowledge_sources(lease_until) WHERE status IN ('pending', 'indexing');
      CREATE TABLE knowledge_chunks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_id uuid NOT NULL REFERENCES knowledge_sources(id) ON DELETE CASCADE,
        base_id uuid NOT NULL,
        account_id uuid NOT NULL,
        generation int NOT NULL,
        position int NOT NULL,
        title text NOT NULL DEFAULT '',
        section text NOT NULL DEFAULT '',
        url text,
        content text NOT NULL,
        ts_config regconfig NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector(ts_config, title || ' ' || section), 'A') ||
          setweight(to_tsvector(ts_config, content), 'B')
        ) STORED,
        embedding real[],
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);
      CREATE INDEX knowledge_chunks_base ON knowledge_chunks(base_id);
      CREATE INDEX knowledge_chunks_source ON knowledge_chunks(source_id, generation, position);
      CREATE INDEX knowledge_chunks_account ON knowledge_chunks(account_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE knowledge_chunks, knowledge_sources, knowledge_bases`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION IF EXISTS conclave_indonesian`);
  }
}
