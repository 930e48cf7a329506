import type { Database } from '../database';

/** What a request carrying an Idempotency-Key finds. */
export type IdempotencyClaim =
  /** First use of the key: the caller executes the request and then `complete`s (or `abandon`s) it. */
  | { state: 'reserved' }
  /** Same key, different request. */
  | { state: 'mismatch' }
  /** Same key and request, still executing elsewhere. */
  | { state: 'in_progress' }
  /** Same key and request, finished: replay this. */
  | { state: 'done'; statusCode: number; response: unknown };

/** Keys are kept this long; a reservation whose request died is taken over after IN_FLIGHT_MAX. */
const RETENTION = `interval '24 hours'`;
const IN_FLIGHT_MAX = `interval '2 minutes'`;

/**
 * Idempotency keys, per account. The reservation is one conditional INSERT, so of two concurrent
 * requests with the same key exactly one executes.
 */
export class IdempotencyRepository {
  constructor(private readonly db: Database) {}

  async claim(accountId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const reserved = await this.db.query(
      `INSERT INTO idempotency_keys (account_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - ${RETENTION}
            OR (idempotency_keys.status_code IS NULL AND idempotency_keys.created_at < now() - ${IN_FLIGHT_MAX})
       RETURNING 1`,
      [accountId, key, requestHash],
    );
    if (reserved.length > 0) return { state: 'reserved' };
    return this.lookup(accountId, key, requestHash);
  }

  async lookup(accountId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const [row] = await this.db.query<{
      request_hash: string;
      status_code: number | null;
      response: unknown;
    }>(
      `SELECT request_hash, status_code, response FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
      [accountId, key],
    );
    if (!row) return { state: 'in_progress' }; // abandoned between our insert and read: the retry decides
    if (row.request_hash !== requestHash) return { state: 'mismatch' };
    if (row.status_code === null) return { state: 'in_progress' };
    return { state: 'done', statusCode: row.status_code, response: row.response };
  }

  async complete(accountId: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE account_id = $1 AND key = $2`,
      [accountId, key, statusCode, JSON.stringify(response ?? null)],
    );
  }

  /** The request failed: forget the key so a retry executes afresh. */
  async abandon(accountId: string, key: string): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status_code IS NULL`,
      [accountId, key],
    );
  }
}
