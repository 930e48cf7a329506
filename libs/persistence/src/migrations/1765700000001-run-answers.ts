import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `runs.answers`: every answer given to the run's input requests, in order (text, "" and `exit`
 * included, tool outputs too). The transcript shows only their effect; replaying a conversation
 * against another flow version (`POST /flows/{id}/test`) needs the answers themselves.
 */
export class RunAnswers1765700000001 implements MigrationInterface {
  name = 'RunAnswers1765700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN answers jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN answers`);
  }
}
