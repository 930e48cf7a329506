import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `runs.failure_kind`: why a failed run failed (`FailureKind` in libs/domain), written by the
 * executor when it fails the run, so readers (the chatbot APIs' 503) need not parse `last_error`.
 * Null for runs that did not fail and for runs that failed before this column existed.
 */
export class RunFailureKind1765900000000 implements MigrationInterface {
  name = 'RunFailureKind1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN failure_kind text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN failure_kind`);
  }
}
