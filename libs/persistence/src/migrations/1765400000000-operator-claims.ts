import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators (issue 14):
 * - a claim on a chat (`claim_key_id`, `claim_name`, `claim_expires_at`): the API key holding it and
 *   that key's name (the operator's identity); past `claim_expires_at` it no longer counts;
 * - `waiting_since`: when the chat last started waiting for human input (the inbox's order);
 * - `input_due_at` / `input_overdue_at`: the asking agent's `input_sla_seconds` deadline, and when the
 *   `input.overdue` event was written — set once by a conditional update, so it fires once however
 *   many processes sweep.
 */
export class OperatorClaims1765400000000 implements MigrationInterface {
  name = 'OperatorClaims1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE chats
        ADD COLUMN claim_key_id uuid,
        ADD COLUMN claim_name text,
        ADD COLUMN claimed_at timestamptz,
        ADD COLUMN claim_expires_at timestamptz,
        ADD COLUMN waiting_since timestamptz,
        ADD COLUMN input_due_at timestamptz,
        ADD COLUMN input_overdue_at timestamptz;
      UPDATE chats SET waiting_since = date_trunc('milliseconds', updated_at) WHERE status = 'wait_for_human_input';
      CREATE INDEX chats_waiting ON chats(account_id, waiting_since, id) WHERE status = 'wait_for_human_input';
      CREATE INDEX chats_input_due ON chats(input_due_at)
        WHERE status = 'wait_for_human_input' AND input_overdue_at IS NULL AND input_due_at IS NOT NULL;
      CREATE INDEX chats_claim_expiry ON chats(claim_expires_at) WHERE claim_key_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX chats_waiting, chats_input_due, chats_claim_expiry;
      ALTER TABLE chats DROP COLUMN claim_key_id, DROP COLUMN claim_name, DROP COLUMN claimed_at,
        DROP COLUMN claim_expires_at, DROP COLUMN waiting_since, DROP COLUMN input_due_at,
        DROP COLUMN input_overdue_at;
    `);
  }
}
