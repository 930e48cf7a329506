import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their outbox.
 *
 * A delivery row is written by a trigger on `events`, in the very transaction that appends the
 * event: whichever code path writes an event (the step commit function, a status change, a timeout),
 * the delivery exists exactly when the event does, and survives any restart. Deliverers (the API's
 * poller in the embedded default, BullMQ jobs in the worker in queue mode) only read this table.
 */
export class Webhooks1765600000000 implements MigrationInterface {
  name = 'Webhooks1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        failure_streak int NOT NULL DEFAULT 0,
        disabled_reason text,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id) WHERE enabled;
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','failed')),
        attempts int NOT NULL DEFAULT 0,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- Retries stop WEBHOOK_RETRY_WINDOW_MS after this (creation, or a manual redelivery).
        retry_from timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_response_code int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at DESC, id DESC);

      CREATE FUNCTION conclave_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        -- Cheap exit for deployments without webhooks: the hot path pays one index probe.
        IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled) THEN
          RETURN NULL;
        END IF;
        INSERT INTO webhook_deliveries (endpoint_id, account_id, event_type, payload)
        SELECT w.id, w.account_id, n.type,
               jsonb_build_object('type', n.type, 'timestamp', n.created_at, 'chat_id', n.chat_id,
                                  'agent_id', c.agent_id, 'seq', n.seq, 'data', n.data)
        FROM new_events n
        JOIN chats c ON c.id = n.chat_id
        JOIN webhook_endpoints w ON w.account_id = c.account_id AND w.enabled AND n.type = ANY (w.events)
        ORDER BY n.chat_id, n.seq;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER events_webhook_outbox AFTER INSERT ON events
        REFERENCING NEW TABLE AS new_events
        FOR EACH STATEMENT EXECUTE FUNCTION conclave_webhook_outbox();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER events_webhook_outbox ON events;
      DROP FUNCTION conclave_webhook_outbox();
      DROP TABLE webhook_deliveries, webhook_endpoints;
    `);
  }
}
