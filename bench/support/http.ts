import { Pool } from 'undici';

export interface JsonResponse {
  status: number;
  body: any;
}

/** A keep-alive JSON client for one origin: load generators must not pay a TCP handshake per request. */
export interface JsonClient {
  call(method: string, path: string, body?: unknown): Promise<JsonResponse>;
  close(): Promise<void>;
}

export function jsonClient(
  origin: string,
  headers: Record<string, string> = {},
  connections = 64,
): JsonClient {
  const pool = new Pool(origin, { connections, keepAliveTimeout: 60_000, pipelining: 1 });
  return {
    async call(method, path, body) {
      const res = await pool.request({
        method: method as 'GET',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
    },
    close: () => pool.close(),
  };
}

/** Throws with the response when the status is not the expected one (a bench must not time failures). */
export function expectStatus(res: JsonResponse, status: number, what: string): JsonResponse {
  if (res.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
    );
  }
  return res;
}
