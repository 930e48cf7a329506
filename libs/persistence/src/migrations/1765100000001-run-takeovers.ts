import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `runs.takeovers`: how many times a run was claimed while another process still held it running
 * (its lease expired: that process died or stalled). A run that keeps killing or stalling its
 * workers is failed after MAX_ATTEMPTS instead of being handed from worker to worker forever.
 */
export class RunTakeovers1765100000001 implements MigrationInterface {
  name = 'RunTakeovers1765100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN takeovers int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN takeovers`);
  }
}
