import type { KnowledgeBaseRow, KnowledgeSourceRow } from '@conclave/persistence';
import type { SearchHit } from '@conclave/knowledge';
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
const description = z.string().max(4000).nullable();

export const CreateBaseBody = z
  .object({
    name,
    description: description.optional(),
    /** Text search language: stemming and stop words. `simple` only lower-cases. */
    language: z.enum(['english', 'indonesian', 'simple']).default('english'),
  })
  .strict();
export type CreateBaseBody = z.infer<typeof CreateBaseBody>;

export const UpdateBaseBody = z
  .object({ name: name.optional(), description: description.optional() })
  .strict();
export type UpdateBaseBody = z.infer<typeof UpdateBaseBody>;

const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs');

export const TextSourceBody = z
  .object({
    type: z.literal('text'),
    title: z.string().trim().min(1).max(500).optional(),
    /** Markdown or plain text; headings (`#`) structure the chunks. */
    content: z.string().min(1),
    /** Where the text comes from, cited in replies. */
    url: httpUrl.optional(),
  })
  .strict();

export const WebsiteSourceBody = z
  .object({
    type: z.literal('website'),
    url: httpUrl,
    max_pages: z.number().int().min(1).optional(),
    max_depth: z.number().int().min(0).optional(),
    title: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

export const SourceBody = z.discriminatedUnion('type', [TextSourceBody, WebsiteSourceBody]);
export type SourceBody = z.infer<typeof SourceBody>;

/** Optional form fields sent with a multipart upload. */
export const UploadFields = z
  .object({
    title: z.string().trim().min(1).max(500).optional(),
    url: httpUrl.optional(),
    type: z.literal('file').optional(),
  })
  .strict();
export type UploadFields = z.infer<typeof UploadFields>;

export const SearchBody = z
  .object({
    query: z.string().trim().min(1).max(2000),
    k: z.number().int().min(1).max(50).default(5),
    min_score: z.number().min(0).max(1).optional(),
  })
  .strict();
export type SearchBody = z.infer<typeof SearchBody>;

export function toBaseDto(base: KnowledgeBaseRow) {
  return {
    id: base.id,
    name: base.name,
    description: base.description,
    language: base.language,
    source_count: Number(base.source_count),
    chunk_count: Number(base.chunk_count),
    created_at: base.created_at,
    updated_at: base.updated_at,
  };
}

export function toSourceDto(source: KnowledgeSourceRow) {
  return {
    id: source.id,
    knowledge_base_id: source.base_id,
    type: source.kind,
    title: source.title,
    url: source.crawl?.url ?? source.url,
    filename: source.filename,
    media_type: source.media_type,
    ...(source.crawl ? { max_pages: source.crawl.max_pages, max_depth: source.crawl.max_depth } : {}),
    bytes: Number(source.bytes),
    status: source.status,
    reason: source.reason,
    progress: source.progress,
    chunk_count: source.chunk_count,
    created_at: source.created_at,
    updated_at: source.updated_at,
    indexed_at: source.indexed_at,
  };
}

export function toHitDto(hit: SearchHit) {
  return {
    chunk_id: hit.chunk_id,
    source_id: hit.source_id,
    title: hit.title,
    section: hit.section,
    url: hit.url,
    position: hit.position,
    score: hit.score,
    text_rank: hit.text_rank,
    vector_score: hit.vector_score,
    content: hit.content,
  };
}
