import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `conclave_commit_final_step`: a run's last engine step and its end in one round trip — exactly
 * `conclave_commit_step` (migration 1765800000000) and then, if the step was committed,
 * `conclave_finish_run` (migration 1766000000000) at the step after it, in one transaction. Returns
 * `{step, finish}`: the step's result and, when it was held, the finish's (`mismatch` included: the
 * step stays committed and the caller ends the run by the general path).
 */
export class CommitFinalStep1766000000001 implements MigrationInterface {
  name = 'CommitFinalStep1766000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION conclave_commit_final_step(
        p_run uuid, p_owner text, p_step int, p_state jsonb, p_lease_ms int, p_consume_answer boolean,
        p_input_tokens int, p_output_tokens int, p_chat uuid, p_messages jsonb, p_leading_events jsonb,
        p_account uuid, p_credits bigint,
        p_chat_from text, p_run_from text, p_chat_to text, p_run_to text, p_pending text[],
        p_reason text, p_summary text, p_error text, p_failure_kind text, p_events jsonb,
        p_report_queued boolean, p_queued text
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        v_step jsonb;
      BEGIN
        v_step := conclave_commit_step(p_run, p_owner, p_step, p_state, p_lease_ms, p_consume_answer,
          p_input_tokens, p_output_tokens, p_chat, p_messages, p_leading_events, p_account, p_credits);
        IF NOT (v_step->>'held')::boolean THEN
          RETURN jsonb_build_object('step', v_step);
        END IF;
        RETURN jsonb_build_object('step', v_step, 'finish', conclave_finish_run(p_run, p_owner, p_step + 1,
          p_state, p_chat_from, p_run_from, p_chat_to, p_run_to, p_pending, p_reason, p_summary, p_error,
          p_failure_kind, p_events, p_report_queued, p_queued));
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS conclave_commit_final_step(uuid, text, int, jsonb, int, boolean, int, int, uuid,
        jsonb, jsonb, uuid, bigint, text, text, text, text, text[], text, text, text, text, jsonb, boolean, text);
    `);
  }
}
