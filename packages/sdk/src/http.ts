import createClient, { type Client } from 'openapi-fetch';
import { ConclaveError } from './errors';
import type { paths } from './generated/openapi';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  /** A fetch of your own (proxies, tests); it receives a `Request`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Sent with every request (e.g. `Idempotency-Key` is better passed per call). */
  headers?: Record<string, string>;
}

export interface CallOptions {
  /** Values for the `{name}` segments of the path. */
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type ApiClient = Client<paths>;

/** The typed openapi-fetch client for any route of the document, authenticated with the key. */
export function createApiClient(options: HttpOptions): ApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    headers: { ...options.headers, 'X-API-Key': options.apiKey },
  });
}

/**
 * One request through the generated client, answering the body or throwing a {@link ConclaveError}
 * with the status and the server's error body. The helpers name their routes here; their result
 * types are the API's objects (./types).
 */
export async function call<T>(
  api: ApiClient,
  method: HttpMethod,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const query = options.query
    ? Object.fromEntries(Object.entries(options.query).filter(([, v]) => v !== undefined && v !== ''))
    : undefined;
  // The path is a route of the document, but helpers build it from a string: the generic request
  // signature cannot check that statically, so the call is untyped here and typed at the helper.
  const request = api.request as unknown as (
    method: string,
    path: string,
    init: Record<string, unknown>,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const { data, error, response } = await request(method.toLowerCase(), path, {
    params: { path: options.path, query },
    body: options.body,
    headers: options.headers,
    signal: options.signal,
  });
  if (!response.ok) throw new ConclaveError(response.status, error ?? null, method, fill(path, options.path));
  return (data ?? null) as T;
}

function fill(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}
