import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `conclave_commit_steps(p_items jsonb)`: group commit. Several runs' steps that are ready at the same
 * time go to Postgres in one call, so they cost one round trip and one WAL flush, and their account's
 * row lock is held once per batch instead of once per step.
 *
 * Each item is applied by `conclave_commit_step` (migration 1765800000000) unchanged, inside its own
 * BEGIN … EXCEPTION block (a subtransaction): an item the step guard refuses returns `held: false`
 * and writes nothing; an item that raises (insufficient credits, or anything else) is rolled back
 * alone and reported as `{error: SQLSTATE}`, while the others commit. Results come back in item order.
 *
 * Lock order: every chat of the batch is locked first, by id, before any item takes its run or its
 * account row. Items lock chat → run → account each; without this, a batch holding the account row
 * (from an earlier item) while waiting for a later item's chat could deadlock with a transaction that
 * holds that chat and wants the account (a step, a start counting the account's month).
 */
export class CommitStepsBatch1766300000000 implements MigrationInterface {
  name = 'CommitStepsBatch1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION conclave_commit_steps(p_items jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        v_item jsonb;
        v_result jsonb;
        v_results jsonb := '[]'::jsonb;
      BEGIN
        PERFORM 1 FROM chats
        WHERE id IN (SELECT (x->>'chat')::uuid FROM jsonb_array_elements(p_items) AS x)
        ORDER BY id FOR NO KEY UPDATE;

        FOR v_item IN SELECT x.item FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(item, ord) ORDER BY x.ord
        LOOP
          BEGIN
            v_result := conclave_commit_step((v_item->>'run')::uuid, v_item->>'owner', (v_item->>'step')::int,
              v_item->'state', (v_item->>'lease_ms')::int, (v_item->>'consume_answer')::boolean,
              (v_item->>'input_tokens')::int, (v_item->>'output_tokens')::int, (v_item->>'chat')::uuid,
              v_item->'messages', v_item->'leading_events', (v_item->>'account')::uuid,
              (v_item->>'credits')::bigint);
          EXCEPTION WHEN OTHERS THEN
            v_result := jsonb_build_object('error', SQLSTATE);
          END;
          v_results := v_results || jsonb_build_array(v_result);
        END LOOP;
        RETURN v_results;
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS conclave_commit_steps(jsonb);`);
  }
}
