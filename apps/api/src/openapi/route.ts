import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Which error body a route answers with: each route family keeps its own (README "Bad input"). */
export type ErrorShape = 'native' | 'aksita' | 'asyntai';

/**
 * Who may call a route: `key` (an API key as `X-API-Key` or `Authorization: Bearer`), `public` (no
 * key), `metrics` (`Authorization: Bearer <METRICS_TOKEN>`).
 */
export type Access = 'key' | 'public' | 'metrics';

export interface ApiResponse {
  description: string;
  /** A zod schema for JSON; a string is the media type of a non-JSON body (`text/event-stream`). */
  schema?: z.ZodType;
  mediaType?: string;
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

export interface ApiBody {
  schema: z.ZodType;
  /** Other media types the route accepts (e.g. a multipart upload), with their schema. */
  alternatives?: Record<string, z.ZodType>;
  /** A body "Try it out" can send as is (the e2e test posts it to the live server). */
  example?: unknown;
  required?: boolean;
}

/**
 * One documented operation. Every route the Nest app mounts must have one (test/openapi.e2e-spec.ts
 * compares the router with the document), so a new route without documentation fails that test.
 */
export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI path template: `/chats/{id}`. */
  path: string;
  /** `<resource>.<verb>`: stable, unique, readable by client generators. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  errorShape?: ErrorShape;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: z.ZodObject;
  body?: ApiBody;
  /** Success responses by status. */
  responses: Record<number, ApiResponse>;
  /** Error statuses the route may answer (in its family's error shape). 401/429/500 are added for keyed routes. */
  errors?: number[];
  deprecated?: boolean;
}

/** Nest routes not in the document, on purpose (the test lists the same). */
export const UNDOCUMENTED_PATH_PREFIXES = ['/console', '/docs'] as const;
