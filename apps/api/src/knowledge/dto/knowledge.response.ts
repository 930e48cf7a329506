import { z } from 'zod';
import { Id, NullableTimestamp, Timestamp } from '../../common/api-schemas';

/** Knowledge bases, sources and search hits as the API returns them (knowledge.dto.ts mappers). */

export const KnowledgeBase = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    language: z.enum(['english', 'indonesian', 'simple']),
    source_count: z.number().int(),
    chunk_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'KnowledgeBase' });

export const KnowledgeSource = z
  .object({
    id: Id,
    knowledge_base_id: Id,
    type: z.enum(['text', 'website', 'file']),
    title: z.string().nullable(),
    url: z.string().nullable(),
    filename: z.string().nullable(),
    media_type: z.string().nullable(),
    max_pages: z.number().int().optional(),
    max_depth: z.number().int().optional(),
    bytes: z.number().int(),
    status: z.enum(['pending', 'indexing', 'ready', 'failed']),
    reason: z.string().nullable(),
    progress: z.record(z.string(), z.unknown()),
    chunk_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
    indexed_at: NullableTimestamp,
  })
  .meta({ id: 'KnowledgeSource' });

export const SearchResults = z
  .object({
    query: z.string(),
    k: z.number().int(),
    results: z.array(
      z.object({
        chunk_id: Id,
        source_id: Id,
        title: z.string(),
        section: z.string(),
        url: z.string().nullable(),
        position: z.number().int(),
        score: z.number().meta({ description: '0..1, higher is better' }),
        text_rank: z.number(),
        vector_score: z.number().nullable(),
        content: z.string(),
      }),
    ),
  })
  .meta({ id: 'SearchResults' });
