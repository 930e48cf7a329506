import type { AccountScope } from '@conclave/domain';
import type { Database, Sql } from '../database';

export interface WebhookEndpointRow {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  events: string[];
  secret: string;
  enabled: boolean;
  failure_streak: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One HTTP attempt, as kept in the delivery's log. */
export interface WebhookAttempt {
  at: string;
  response_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  account_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  attempt_log: WebhookAttempt[];
  next_attempt_at: Date;
  retry_from: Date;
  last_response_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

/** A delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedDelivery extends WebhookDeliveryRow {
  url: string;
  secret: string;
}

export interface NewWebhookEndpoint {
  url: string;
  description?: string | null;
  events: string[];
  secret: string;
  enabled?: boolean;
}

export type WebhookEndpointChanges = Partial<Omit<NewWebhookEndpoint, 'secret'>>;

export interface AttemptFailure {
  attempt: WebhookAttempt;
  /** When to try again, if the retry window allows it. */
  retryDelayMs: number;
  retryWindowMs: number;
  /** Consecutive failed attempts after which the endpoint is disabled. */
  disableAfter: number;
}

export interface FailureOutcome {
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date;
  /** Set when this failure disabled the endpoint. */
  endpointDisabled: boolean;
}

const ENDPOINT_COLUMNS = `id, account_id, url, description, events, secret, enabled, failure_streak,
  disabled_reason, disabled_at, created_at, updated_at`;
const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.account_id, d.event_type, d.payload, d.status, d.attempts,
  d.attempt_log, d.next_attempt_at, d.retry_from, d.last_response_code, d.last_error, d.created_at,
  d.updated_at, d.completed_at`;

/**
 * Webhook endpoints (every method a request reaches takes the account's `AccountScope`) and the
 * delivery outbox. Deliveries are created by the
 * `events` trigger (see the migration), claimed with a short lease so two deliverers never send the
 * same attempt, and every outcome is recorded in one transaction with the endpoint's failure streak.
 */
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  async createEndpoint(owner: AccountScope, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoints (account_id, url, description, events, secret, enabled)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [
        owner.accountId,
        endpoint.url,
        endpoint.description ?? null,
        endpoint.events,
        endpoint.secret,
        endpoint.enabled ?? true,
      ],
    );
    return row;
  }

  async listEndpoints(owner: AccountScope): Promise<WebhookEndpointRow[]> {
    return this.db.query<WebhookEndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at, id`,
      [owner.accountId],
    );
  }

  async getEndpoint(owner: AccountScope, id: string): Promise<WebhookEndpointRow | null> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND account_id = $2`,
      [id, owner.accountId],
    );
    return row ?? null;
  }

  /** Re-enabling clears the failure streak and the reason it was disabled. */
  async updateEndpoint(
    owner: AccountScope,
    id: string,
    changes: WebhookEndpointChanges,
  ): Promise<WebhookEndpointRow | null> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints SET
         url = coalesce($3, url),
         description = CASE WHEN $4 THEN $5 ELSE description END,
         events = coalesce($6, events),
         enabled = coalesce($7, enabled),
         failure_streak = CASE WHEN $7 THEN 0 ELSE failure_streak END,
         disabled_reason = CASE WHEN $7 THEN NULL WHEN $7 = false THEN 'disabled by the account' ELSE disabled_reason END,
         disabled_at = CASE WHEN $7 THEN NULL WHEN $7 = false AND enabled THEN now() ELSE disabled_at END,
         updated_at = now()
       WHERE id = $1 AND account_id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        id,
        owner.accountId,
        changes.url ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.events ?? null,
        changes.enabled ?? null,
      ],
    );
    return row ?? null;
  }

  async deleteEndpoint(owner: AccountScope, id: string): Promise<boolean> {
    const { count } = await this.db.execute(
      `DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2`,
      [id, owner.accountId],
    );
    return count > 0;
  }

  /** Newest first; `before` is the last item's `(created_at, id)` of the previous page. */
  async listDeliveries(
    owner: AccountScope,
    endpointId: string,
    options: { limit: number; status?: WebhookDeliveryStatus; before?: { createdAt: string; id: string } },
  ): Promise<WebhookDeliveryRow[]> {
    return this.db.query<WebhookDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
       WHERE d.endpoint_id = $1 AND d.account_id = $2
         AND ($3::text IS NULL OR d.status = $3)
         AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4::timestamptz, $5::uuid))
       ORDER BY d.created_at DESC, d.id DESC LIMIT $6`,
      [
        endpointId,
        owner.accountId,
        options.status ?? null,
        options.before?.createdAt ?? null,
        options.before?.id ?? null,
        options.limit,
      ],
    );
  }

  async getDelivery(owner: AccountScope, endpointId: string, id: string): Promise<WebhookDeliveryRow | null> {
    const [row] = await this.db.query<WebhookDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1 AND d.endpoint_id = $2 AND d.account_id = $3`,
      [id, endpointId, owner.accountId],
    );
    return row ?? null;
  }

  /** Manual redelivery: pending again now, with a fresh retry window; the attempt log is kept. */
  async redeliver(owner: AccountScope, endpointId: string, id: string): Promise<WebhookDeliveryRow | null> {
    const [row] = await this.db.query<WebhookDeliveryRow>(
      `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(), retry_from = now(),
         lease_until = NULL, completed_at = NULL, updated_at = now()
       WHERE d.id = $1 AND d.endpoint_id = $2 AND d.account_id = $3 RETURNING ${DELIVERY_COLUMNS}`,
      [id, endpointId, owner.accountId],
    );
    return row ?? null;
  }

  /**
   * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs` (or exactly `id`, when
   * given and due). A delivery of a disabled endpoint waits, pending, until it is re-enabled.
   */
  async claimDue(options: { limit: number; leaseMs: number; id?: string }): Promise<ClaimedDelivery[]> {
    return this.db.query<ClaimedDelivery>(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d
         JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.enabled
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           AND (d.lease_until IS NULL OR d.lease_until < now())
           AND ($3::uuid IS NULL OR d.id = $3)
         ORDER BY d.next_attempt_at LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2::float8 / 1000)
       FROM due, webhook_endpoints w
       WHERE d.id = due.id AND w.id = d.endpoint_id
       RETURNING ${DELIVERY_COLUMNS}, w.url, w.secret`,
      [options.limit, options.leaseMs, options.id ?? null],
    );
  }

  /** Ids of due deliveries (queue mode turns them into jobs; claiming happens in the job). */
  async dueIds(limit: number): Promise<{ id: string; attempts: number }[]> {
    return this.db.query<{ id: string; attempts: number }>(
      `SELECT d.id, d.attempts FROM webhook_deliveries d
       JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.enabled
       WHERE d.status = 'pending' AND d.next_attempt_at <= now()
         AND (d.lease_until IS NULL OR d.lease_until < now())
       ORDER BY d.next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  async recordSuccess(delivery: ClaimedDelivery, attempt: WebhookAttempt): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1,
           attempt_log = attempt_log || $2::jsonb, last_response_code = $3, last_error = NULL,
           lease_until = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1`,
        [delivery.id, JSON.stringify([attempt]), attempt.response_code],
      );
      await tx.query(
        `UPDATE webhook_endpoints SET failure_streak = 0 WHERE id = $1 AND failure_streak <> 0`,
        [delivery.endpoint_id],
      );
    });
  }

  /**
   * Records a failed attempt: pending again after `retryDelayMs` while the retry window lasts,
   * `failed` after it. The endpoint's streak grows; at `disableAfter` the endpoint is disabled and a
   * `webhook.disabled` delivery goes to the account's other endpoints that subscribe to it.
   */
  async recordFailure(delivery: ClaimedDelivery, failure: AttemptFailure): Promise<FailureOutcome> {
    return this.db.transaction(async (tx) => {
      const [updated] = await tx.query<{ status: WebhookDeliveryStatus; next_attempt_at: Date }>(
        `UPDATE webhook_deliveries SET attempts = attempts + 1,
           attempt_log = attempt_log || $2::jsonb, last_response_code = $3, last_error = $4,
           next_attempt_at = now() + make_interval(secs => $5::float8 / 1000),
           status = CASE WHEN now() + make_interval(secs => $5::float8 / 1000)
                             > retry_from + make_interval(secs => $6::float8 / 1000)
                         THEN 'failed' ELSE 'pending' END,
           completed_at = CASE WHEN now() + make_interval(secs => $5::float8 / 1000)
                             > retry_from + make_interval(secs => $6::float8 / 1000)
                         THEN now() END,
           lease_until = NULL, updated_at = now()
         WHERE id = $1 RETURNING status, next_attempt_at`,
        [
          delivery.id,
          JSON.stringify([failure.attempt]),
          failure.attempt.response_code,
          failure.attempt.error,
          failure.retryDelayMs,
          failure.retryWindowMs,
        ],
      );
      const [endpoint] = await tx.query<WebhookEndpointRow>(
        `UPDATE webhook_endpoints SET failure_streak = failure_streak + 1 WHERE id = $1
         RETURNING ${ENDPOINT_COLUMNS}`,
        [delivery.endpoint_id],
      );
      let endpointDisabled = false;
      if (endpoint && endpoint.enabled && endpoint.failure_streak >= failure.disableAfter) {
        endpointDisabled = true;
        await disableEndpoint(tx, endpoint, `${endpoint.failure_streak} consecutive failed attempts`);
      }
      return { status: updated.status, nextAttemptAt: updated.next_attempt_at, endpointDisabled };
    });
  }
}

async function disableEndpoint(tx: Sql, endpoint: WebhookEndpointRow, reason: string): Promise<void> {
  await tx.query(
    `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
     WHERE id = $1`,
    [endpoint.id, reason],
  );
  await tx.query(
    `INSERT INTO webhook_deliveries (endpoint_id, account_id, event_type, payload)
     SELECT w.id, w.account_id, 'webhook.disabled',
            jsonb_build_object('type', 'webhook.disabled', 'timestamp', now(),
                               'data', jsonb_build_object('endpoint_id', $1::uuid, 'url', $3::text, 'reason', $4::text))
     FROM webhook_endpoints w
     WHERE w.account_id = $2 AND w.id <> $1 AND w.enabled AND 'webhook.disabled' = ANY (w.events)`,
    [endpoint.id, endpoint.account_id, endpoint.url, reason],
  );
}
