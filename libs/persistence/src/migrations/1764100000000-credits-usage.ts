import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credits and monthly usage (issue 7):
 * - `messages.credits`: what each stored message cost, debited in the transaction that wrote it;
 * - `account_usage`: one row per account and calendar month (UTC). `messages_used` counts the end
 *   user's messages accepted by any API (the plan limit), `credits_used` the credits debited.
 */
export class CreditsUsage1764100000000 implements MigrationInterface {
  name = 'CreditsUsage1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages ADD COLUMN credits bigint NOT NULL DEFAULT 0;
      CREATE TABLE account_usage (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        month date NOT NULL,
        messages_used int NOT NULL DEFAULT 0 CHECK (messages_used >= 0),
        credits_used bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, month)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_usage; ALTER TABLE messages DROP COLUMN credits;`);
  }
}
