import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import { AksitaError, AsyntaiError, NativeError } from '../common/api-schemas';
import type { ApiResponse, ApiRoute, ErrorShape } from './route';
import { API_ROUTES } from './routes';

const ERROR_BODIES: Record<ErrorShape, z.ZodType> = {
  native: NativeError,
  aksita: AksitaError,
  asyntai: AsyntaiError,
};

const ERROR_MEANINGS: Record<number, string> = {
  400: 'Bad input: the message names the field',
  401: 'Missing, invalid or revoked API key',
  402: 'Insufficient credits',
  403: 'Not allowed with this key (e.g. an agent-scoped key on account management), or the agent is disabled',
  404: 'Not found (or another account’s)',
  409: 'Conflict with the resource’s current state (the message says what to do)',
  413: 'Request body too large',
  422: 'Valid JSON that cannot be processed',
  429: 'Rate limit or plan limit reached (`Retry-After` when retrying helps)',
  500: 'Server fault',
  503: 'A dependency (database, model provider) is unavailable; retry shortly',
  504: 'Waiting timed out; retry',
};

/** Every keyed route may answer these besides its own errors. */
const KEYED_ERRORS = [401, 429];

export const SECURITY_SCHEMES = {
  ApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key (`POST /api-keys`; the first one is printed at start-up). Any header case.',
  },
  BearerKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'API key',
    description: 'The same API key as `Authorization: Bearer <key>`.',
  },
  MetricsToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'METRICS_TOKEN',
    description: 'The `METRICS_TOKEN` setting, for `GET /metrics` on the API port.',
  },
} as const;

/**
 * The OpenAPI 3.1 document of the whole HTTP API, generated from the zod schemas the routes validate
 * with (`routes/*.ts` say which schema belongs to which route). Built once per process.
 */
export function buildOpenApiDocument(version: string): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    registry.registerComponent('securitySchemes', name, { ...scheme });
  for (const route of API_ROUTES) registry.registerPath(toRouteConfig(route));
  const document = new OpenApiGeneratorV31(registry.definitions, {
    sortComponents: 'alphabetically',
  }).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Conclave',
      version,
      description: [
        'Multi-agent conversations (AG2 semantics) over HTTP, socket.io and SSE.',
        '',
        'The native routes (Agentok Studio compatible) are also mounted under `/v1` (`/v1/chats`, ...).',
        'The Aksita (`/api/session`, `/api/chat`) and Asyntai (`/api/v1/...`) compatible APIs answer',
        'errors in their own shapes. Authenticate with `X-API-Key: <key>` or `Authorization: Bearer <key>`.',
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    security: [{ ApiKey: [] }, { BearerKey: [] }],
    tags: TAGS,
  });
  return document;
}

const TAGS = [
  { name: 'chats', description: 'Conversations: create, send messages, answer input, fork, stream events' },
  { name: 'operators', description: 'The operators’ inbox: claim and release chats waiting for a person' },
  { name: 'flows', description: 'Flow specs (teams of agents and how they talk), versions, replay tests' },
  { name: 'agents', description: 'Published flows (Asyntai: websites)' },
  { name: 'knowledge', description: 'Knowledge bases, their sources and search' },
  { name: 'webhooks', description: 'Webhook endpoints and their delivery log' },
  { name: 'api-keys', description: 'API keys (account keys only)' },
  { name: 'secrets', description: 'Write-only secrets referenced by flows' },
  { name: 'account', description: 'Plan, usage and credits' },
  { name: 'service', description: 'Service information, health, metrics and this document (no key)' },
  { name: 'aksita', description: 'Aksita-compatible API; errors `{status: false, reason}`' },
  { name: 'asyntai', description: 'Asyntai-compatible API; errors `{success: false, error}`' },
];

function toRouteConfig(route: ApiRoute): RouteConfig {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = toResponse(response);
  const errors = new Set([...(route.errors ?? []), ...(route.access === 'key' ? KEYED_ERRORS : [])]);
  if (route.access === 'metrics') errors.add(401);
  const errorBody = ERROR_BODIES[route.errorShape ?? 'native'];
  for (const status of [...errors].sort())
    responses[status] = {
      description: ERROR_MEANINGS[status] ?? 'Error',
      content: { 'application/json': { schema: errorBody } },
    };
  const body = route.body && {
    required: route.body.required ?? true,
    content: {
      'application/json': {
        schema: route.body.schema,
        ...(route.body.example === undefined ? {} : { example: route.body.example }),
      },
      ...Object.fromEntries(
        Object.entries(route.body.alternatives ?? {}).map(([type, schema]) => [type, { schema }]),
      ),
    },
  };
  return {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    ...(route.deprecated ? { deprecated: true } : {}),
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(route.access === 'metrics' ? { security: [{ MetricsToken: [] }] } : {}),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query as z.ZodObject } : {}),
      ...(route.headers ? { headers: route.headers } : {}),
      ...(body ? { body } : {}),
    },
    responses,
  };
}

function toResponse(response: ApiResponse): ResponseConfig {
  const mediaType = response.mediaType ?? 'application/json';
  return {
    description: response.description,
    ...(response.headers ? { headers: z.object(mapHeaders(response.headers)) } : {}),
    ...(response.schema ? { content: { [mediaType]: { schema: response.schema } } } : {}),
  };
}

function mapHeaders(headers: NonNullable<ApiResponse['headers']>): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, h]) => [name, h.schema.meta({ description: h.description })]),
  );
}
