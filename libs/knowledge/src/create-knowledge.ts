import type { AppConfig } from '@conclave/config';
import { createEgress } from '@conclave/egress';
import { KnowledgeRepository, type Database } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { createOpenAiEmbedder, type Embedder } from './embeddings';
import { KnowledgeIngestion } from './ingestion';
import { createRetriever, type KnowledgeRetriever } from './retrieval';
import { KnowledgeSearch } from './search';

export interface KnowledgeServices {
  repository: KnowledgeRepository;
  search: KnowledgeSearch;
  ingestion: KnowledgeIngestion;
  retriever: KnowledgeRetriever;
  embedder: Embedder | null;
}

/**
 * Knowledge as every process builds it from the configuration (the API, and apps/worker in queue
 * mode): one place, so indexing and search behave alike wherever they run. Crawls and embeddings
 * go out on a tenant's behalf, so they go through the egress policy (`fetch` overrides it in
 * benchmarks only).
 */
export function createKnowledge(
  db: Database,
  bus: EventBus,
  config: AppConfig,
  options: { fetch?: typeof fetch; log?: (message: string) => void } = {},
): KnowledgeServices {
  const repository = new KnowledgeRepository(db);
  const k = config.knowledge;
  const outbound =
    options.fetch ??
    createEgress({
      ...config.egress,
      maxResponseBytes: Math.max(k.maxFileBytes, config.egress.maxResponseBytes),
    }).fetch;
  const embedder = k.embeddings ? createOpenAiEmbedder(k.embeddings, outbound) : null;
  const search = new KnowledgeSearch(repository, embedder);
  const ingestion = new KnowledgeIngestion({
    repository,
    fetch: outbound,
    embedder,
    chunking: { size: k.chunkSize, overlap: k.chunkOverlap },
    limits: {
      maxChunksPerAccount: k.maxChunksPerAccount,
      maxPageBytes: Math.max(k.maxFileBytes, 1024 * 1024),
      leaseMs: config.leaseMs,
    },
    userAgent: k.userAgent,
    log: options.log,
    publish: (accountId, event) =>
      bus.publish({
        kind: 'account',
        accountId,
        envelope: {
          chat_id: null,
          seq: null,
          type: 'knowledge.source',
          data: { ...event },
          created_at: new Date().toISOString(),
        },
      }),
  });
  return { repository, search, ingestion, retriever: createRetriever(search), embedder };
}
