/**
 * A request the server refused (4xx/5xx): `status` and the server's error body as it came
 * (`{statusCode, message, error, ...}` on native routes, with extras such as `active_run_id`,
 * `input_request` or `next` on a 409).
 */
export class ConclaveError extends Error {
  override readonly name = 'ConclaveError';

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method = '',
    readonly path = '',
  ) {
    super(describe(status, body, method, path));
  }

  /** A field of the error body, e.g. `error.detail('active_run_id')`. */
  detail<T = unknown>(field: string): T | undefined {
    return isRecord(this.body) ? (this.body[field] as T | undefined) : undefined;
  }
}

/** A socket.io connection or subscription the server refused (bad key, unknown chat, limits). */
export class ConclaveRealtimeError extends Error {
  override readonly name = 'ConclaveRealtimeError';

  constructor(
    message: string,
    readonly chatId: string | null = null,
  ) {
    super(message);
  }
}

/** `waitForStatus` / `waitForInput` (and `send(..., {wait})` bounds) ran out of time. */
export class ConclaveTimeoutError extends Error {
  override readonly name = 'ConclaveTimeoutError';
}

/** The server's own words when it gave some (they name the field or the fix), else the route and status. */
function describe(status: number, body: unknown, method: string, path: string): string {
  const raw = isRecord(body) ? (body.message ?? body.error ?? body.reason) : body;
  const text = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : '';
  return text || `${method ? `${method} ${path} ` : ''}failed (${status})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
