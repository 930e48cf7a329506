import { type AccountScope, isUuid } from '@conclave/domain';
import type { ChunkCandidate, KnowledgeBaseRow, KnowledgeRepository } from '@conclave/persistence';
import { cosine, type Embedder } from './embeddings';
import { clampQuery, looseQuery } from './query';
import { reciprocalRankFusion } from './rrf';

/** One ranked chunk, as search answers it and as the conversation cites it. */
export interface SearchHit {
  chunk_id: string;
  source_id: string;
  title: string;
  section: string;
  url: string | null;
  content: string;
  position: number;
  /** 0..1, higher is better (see `scoreOf`). */
  score: number;
  /** Raw full-text rank of the chunk. */
  text_rank: number;
  /** Cosine similarity with the question, when embeddings are configured. */
  vector_score: number | null;
}

export interface SearchOptions {
  k: number;
  /** Hits scoring below are dropped. */
  minScore?: number;
}

/** How many full-text candidates the vector ranking re-orders. */
const CANDIDATES = 100;
/** RRF constant; the best possible fused score is 2 / (RRF_K + 1). */
const RRF_K = 60;

/**
 * Search over one base. Full-text always (Postgres `tsvector`); when an embedder is configured, the
 * question is embedded too and the full-text candidates are ranked again by cosine similarity, the
 * two rankings fused by reciprocal rank fusion. Scores are on one 0..1 scale either way, so a
 * `min_score` keeps its meaning when embeddings are switched on: text-only, rank / (rank + 1);
 * hybrid, the fused score over the best possible fused score.
 */
export class KnowledgeSearch {
  constructor(
    private readonly repository: KnowledgeRepository,
    private readonly embedder: Embedder | null = null,
  ) {}

  /** The base named by a flow or an agent: an id, or a name within the account. */
  findBase(owner: AccountScope, ref: string): Promise<KnowledgeBaseRow | null> {
    return this.repository.findBase(owner, ref, isUuid(ref));
  }

  async search(
    owner: AccountScope,
    baseId: string,
    question: string,
    options: SearchOptions,
  ): Promise<SearchHit[]> {
    const text = clampQuery(question.trim());
    const loose = looseQuery(text);
    if (!loose) return [];
    const candidates = await this.repository.searchText(
      owner,
      baseId,
      { strict: text, loose },
      this.embedder ? CANDIDATES : options.k,
      this.embedder !== null,
    );
    const hits = this.embedder ? await this.hybrid(text, candidates) : candidates.map(textHit);
    return hits.filter((h) => h.score >= (options.minScore ?? 0)).slice(0, options.k);
  }

  private async hybrid(question: string, candidates: ChunkCandidate[]): Promise<SearchHit[]> {
    if (candidates.length === 0) return [];
    let vector: number[] | null = null;
    try {
      [vector] = await this.embedder!.embed([question]);
    } catch {
      // The embeddings service is optional: without it, search answers from full text alone.
      return candidates.map(textHit);
    }
    const similarity = new Map(
      candidates.map((c) => [c.id, c.embedding ? cosine(vector!, c.embedding) : null]),
    );
    const byText = candidates.map((c) => c.id);
    const byVector = candidates
      .filter((c) => similarity.get(c.id) !== null)
      .sort((a, b) => similarity.get(b.id)! - similarity.get(a.id)!)
      .map((c) => c.id);
    const fused = reciprocalRankFusion([byText, byVector], RRF_K);
    const best = 2 / (RRF_K + 1);
    const byId = new Map(candidates.map((c) => [c.id, c]));
    return [...fused.entries()].map(([id, score]) => ({
      ...textHit(byId.get(id)!),
      score: Math.min(1, score / best),
      vector_score: similarity.get(id) ?? null,
    }));
  }
}

function textHit(c: ChunkCandidate): SearchHit {
  const rank = Number(c.rank);
  return {
    chunk_id: c.id,
    source_id: c.source_id,
    title: c.title,
    section: c.section,
    url: c.url,
    content: c.content,
    position: c.position,
    score: rank / (rank + 1),
    text_rank: rank,
    vector_score: null,
  };
}
