import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. Invariants live here, not in application memory:
 * - one active run per chat: partial unique index `runs_one_active_per_chat`;
 * - dense per-chat seqs: counters on the chat row, bumped in the transaction that writes the rows;
 * - API keys: only the SHA-256 of the secret is stored.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        plan text NOT NULL DEFAULT 'free',
        credit_balance bigint NOT NULL DEFAULT 0 CHECK (credit_balance >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE flows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        version int NOT NULL DEFAULT 1,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX flows_account ON flows(account_id, created_at DESC);
      CREATE TABLE flow_versions (
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        version int NOT NULL,
        spec jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow_id, version)
      );
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        website_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        flow_id uuid NOT NULL REFERENCES flows(id),
        domain text,
        enabled boolean NOT NULL DEFAULT true,
        is_primary boolean NOT NULL DEFAULT false,
        knowledge_base text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX agents_account ON agents(account_id);
      CREATE UNIQUE INDEX agents_one_primary ON agents(account_id) WHERE is_primary;
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        agent_id uuid REFERENCES agents(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_account ON api_keys(account_id);
      CREATE TABLE chats (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'ready'
          CHECK (status IN ('ready','running','wait_for_human_input','completed','error')),
        from_type text NOT NULL DEFAULT 'flow',
        flow_id uuid NOT NULL REFERENCES flows(id),
        flow_version int NOT NULL,
        agent_id uuid REFERENCES agents(id) ON DELETE SET NULL,
        external_id text,
        metadata jsonb NOT NULL DEFAULT '{}',
        input_request jsonb,
        last_error text,
        termination_reason text,
        active_run_id uuid,
        last_seq int NOT NULL DEFAULT 0,
        message_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX chats_account_created ON chats(account_id, created_at DESC, id DESC);
      CREATE UNIQUE INDEX chats_external_id ON chats(account_id, external_id) WHERE external_id IS NOT NULL;
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('pending','queued','running','waiting','completed','failed','cancelled')),
        input jsonb NOT NULL,
        pending_answer jsonb,
        seed int NOT NULL,
        state jsonb,
        step int NOT NULL DEFAULT 0,
        attempt int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz,
        cancel_requested boolean NOT NULL DEFAULT false,
        input_expires_at timestamptz,
        termination_reason text,
        summary text,
        last_error text,
        usage jsonb NOT NULL DEFAULT '{"input_tokens":0,"output_tokens":0,"total_tokens":0}',
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        ended_at timestamptz
      );
      CREATE UNIQUE INDEX runs_one_active_per_chat ON runs(chat_id) WHERE status IN ('queued','running','waiting');
      CREATE INDEX runs_chat ON runs(chat_id, created_at);
      CREATE INDEX runs_dispatchable ON runs(lease_until) WHERE status IN ('queued','running');
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        seq int NOT NULL,
        run_id uuid,
        sender text NOT NULL,
        recipient text,
        type text NOT NULL,
        content text,
        tool_calls jsonb,
        tool_call_id text,
        meta jsonb NOT NULL DEFAULT '{}',
        usage jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (chat_id, seq)
      );
      CREATE TABLE events (
        chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        seq int NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chat_id, seq)
      );
      CREATE TABLE idempotency_keys (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, key)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE idempotency_keys, events, messages, runs, chats, api_keys, agents, flow_versions, flows, accounts`,
    );
  }
}
