import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account secret store (issue 10): values sealed with AES-256-GCM by the application
 * (`sealed` = version | IV | tag | ciphertext, bound to account and name), never stored in clear,
 * and the hosts each may be sent to.
 */
export class AccountSecrets1765100000000 implements MigrationInterface {
  name = 'AccountSecrets1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_secrets (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name text NOT NULL,
        sealed bytea NOT NULL,
        hosts text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, name)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_secrets;`);
  }
}
