/**
 * `npm run bench:retrieval` — retrieval quality on the evaluation set in bench/retrieval/dataset.ts
 * (help-centre documents and customer questions, each with the document that answers it). Indexes
 * the documents with the real ingestion code into a scratch database, then asks every question:
 * recall@3 (the expected document among the first three hits) and MRR (mean of 1 / rank of the
 * expected document, 0 beyond rank 10), full-text only and hybrid (full text + vectors fused by RRF)
 * with a loopback embeddings server serving a deterministic toy embedding.
 *
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { loadConfig } from '../libs/config/src';
import { accountScope, type AccountScope } from '../libs/domain/src';
import {
  createOpenAiEmbedder,
  type Embedder,
  KnowledgeIngestion,
  KnowledgeSearch,
} from '../libs/knowledge/src';
import { Database, KnowledgeRepository } from '../libs/persistence/src';
import { DOCUMENTS, QUESTIONS } from './retrieval/dataset';
import { startToyEmbeddingsServer } from './retrieval/toy-embeddings';
import { createScratchDatabase } from './support/scratch-database';

interface Result {
  recallAt3: number;
  mrr: number;
  misses: string[];
  p50Ms: number;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  const db = new Database(scratch.url, { applicationName: 'bench-retrieval' });
  const embeddings = await startToyEmbeddingsServer();
  try {
    await db.connect();
    await db.migrate();
    const [{ id: accountId }] = await db.query<{ id: string }>(
      `INSERT INTO accounts (email) VALUES ('bench@retrieval.local') RETURNING id`,
    );
    const repository = new KnowledgeRepository(db);
    const embedder = createOpenAiEmbedder({ baseUrl: embeddings.url, model: 'toy' }, fetch);

    console.log(`evaluation set: ${DOCUMENTS.length} documents, ${QUESTIONS.length} questions\n`);
    const text = await evaluate(repository, accountScope(accountId), 'text-only', null);
    const hybrid = await evaluate(repository, accountScope(accountId), 'hybrid', embedder);
    console.log('| mode | recall@3 | MRR | search p50 |');
    console.log('|---|---|---|---|');
    for (const [mode, r] of [
      ['full-text only', text],
      ['hybrid (toy embeddings, RRF)', hybrid],
    ] as const)
      console.log(`| ${mode} | ${r.recallAt3.toFixed(3)} | ${r.mrr.toFixed(3)} | ${r.p50Ms.toFixed(1)} ms |`);
    for (const [mode, r] of [
      ['full-text', text],
      ['hybrid', hybrid],
    ] as const)
      if (r.misses.length)
        console.log(`\n${mode} misses (expected not in top 3):\n  ${r.misses.join('\n  ')}`);
  } finally {
    await embeddings.close();
    await db.close();
    await scratch.drop();
  }
}

async function evaluate(
  repository: KnowledgeRepository,
  owner: AccountScope,
  label: string,
  embedder: Embedder | null,
): Promise<Result> {
  const config = loadConfig({});
  const base = await repository.createBase(owner, { name: label, language: 'english' });
  const ingestion = new KnowledgeIngestion({
    repository,
    fetch,
    embedder,
    chunking: { size: config.knowledge.chunkSize, overlap: config.knowledge.chunkOverlap },
    limits: { maxChunksPerAccount: 1_000_000, maxPageBytes: 1_000_000, leaseMs: 30_000 },
    publish: () => undefined,
    userAgent: 'bench',
  });
  const docOf = new Map<string, string>();
  for (const doc of DOCUMENTS) {
    const source = await repository.createSource(owner, base.id, {
      kind: 'text',
      title: doc.title,
      content: Buffer.from(doc.body),
    });
    docOf.set(source.id, doc.id);
    const outcome = await ingestion.index(source.id);
    if (outcome !== 'indexed') throw new Error(`document ${doc.id} was not indexed (${outcome})`);
  }
  const search = new KnowledgeSearch(repository, embedder);
  let hits3 = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  const times: number[] = [];
  for (const q of QUESTIONS) {
    const started = performance.now();
    const results = await search.search(owner, base.id, q.question, { k: 10 });
    times.push(performance.now() - started);
    const ranked = [...new Set(results.map((r) => docOf.get(r.source_id)))];
    const rank = ranked.indexOf(q.expected) + 1;
    if (rank >= 1 && rank <= 3) hits3++;
    else
      misses.push(
        `${q.question} → expected ${q.expected}, got ${ranked.slice(0, 3).join(', ') || 'nothing'}`,
      );
    if (rank >= 1) reciprocal += 1 / rank;
  }
  times.sort((a, b) => a - b);
  return {
    recallAt3: hits3 / QUESTIONS.length,
    mrr: reciprocal / QUESTIONS.length,
    misses,
    p50Ms: times[Math.floor(times.length / 2)],
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
