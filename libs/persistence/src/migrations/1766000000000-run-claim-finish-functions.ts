import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's claim and its end, each one round trip (issue 13: the worker made 6 round trips to claim
 * under the per-account cap and 8 to finish). The statuses and events come from TypeScript (the run
 * lifecycle's `RUN_LIFECYCLE` sets and `decide()`); the functions only apply them under the same
 * guards and locks as the multi-statement versions in `RunsRepository` they replace.
 *
 * `conclave_claim_run`: the lease update of a claim; with `p_max` (the per-account cap), a run in
 * `p_capped` status first counts its account's executing runs under the per-account advisory lock.
 * It must be a plpgsql function, not one statement: each statement of a volatile function takes a
 * new snapshot, so the count taken after the lock sees every claim that committed before it (a
 * single statement's snapshot predates the lock, and two claims could both take the last slot).
 * Returns the claimed run (in `p_run_to`); the run as first read (in `p_capped`) when the cap defers
 * it; no row when it is not claimable.
 *
 * `conclave_finish_run`: the lease holder's end of a run, optimistic: TypeScript decided the end for
 * the statuses it expects (`p_chat_from`, `p_run_from`); if the chat or run is in another status, or
 * the chat has pending runs to promote, nothing is written and `mismatch` tells the caller to take
 * the general path. `usage` in an event's data is the run's usage as the database accumulated it.
 * With `p_report_queued`, it also tells whether the account has queued runs (a freed execution slot
 * is handed on to them), looked at under the claim's advisory lock: a claim that counted this run as
 * executing and deferred another has committed by then, so the deferred run is seen.
 */
export class RunClaimFinishFunctions1766000000000 implements MigrationInterface {
  name = 'RunClaimFinishFunctions1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION conclave_claim_run(
        p_run uuid, p_owner text, p_lease_ms int, p_max int,
        p_claim_from text[], p_leased text[], p_run_to text, p_capped text
      ) RETURNS SETOF runs LANGUAGE plpgsql AS $fn$
      DECLARE
        v_run runs;
        v_executing int;
      BEGIN
        IF p_max IS NOT NULL THEN
          SELECT * INTO v_run FROM runs WHERE id = p_run;
          IF NOT FOUND THEN
            RETURN;
          END IF;
          IF v_run.status = p_capped THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('run-cap:' || v_run.account_id::text, 0));
            SELECT count(*)::int INTO v_executing FROM runs
            WHERE account_id = v_run.account_id AND status = ANY(p_leased) AND id <> p_run;
            IF v_executing >= p_max THEN
              -- Deferred: the run as the cap found it (a re-read could see another process's claim).
              RETURN NEXT v_run;
              RETURN;
            END IF;
          END IF;
        END IF;
        RETURN QUERY
        UPDATE runs SET status = p_run_to, lease_owner = p_owner,
          lease_until = now() + p_lease_ms * interval '1 millisecond',
          attempt = attempt + 1, started_at = coalesce(started_at, now()),
          takeovers = takeovers + CASE WHEN status = ANY(p_leased) AND lease_owner IS DISTINCT FROM p_owner
                                       THEN 1 ELSE 0 END
        WHERE id = p_run AND status = ANY(p_claim_from) AND NOT cancel_requested
          AND (lease_until IS NULL OR lease_until < now() OR lease_owner = p_owner)
        RETURNING *;
      END
      $fn$;

      CREATE OR REPLACE FUNCTION conclave_finish_run(
        p_run uuid, p_owner text, p_step int, p_state jsonb,
        p_chat_from text, p_run_from text, p_chat_to text, p_run_to text, p_pending text[],
        p_reason text, p_summary text, p_error text, p_failure_kind text, p_events jsonb,
        p_report_queued boolean, p_queued text
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        n_events int := jsonb_array_length(p_events);
        v_chat uuid;
        v_account uuid;
        v_chat_status text;
        v_run_status text;
        v_usage jsonb;
        v_last_seq int;
        v_events jsonb;
        v_queued boolean;
      BEGIN
        -- Lock order: the chat, then the run.
        SELECT r.chat_id, r.account_id, c.status, r.status, r.usage
          INTO v_chat, v_account, v_chat_status, v_run_status, v_usage
        FROM runs r JOIN chats c ON c.id = r.chat_id WHERE r.id = p_run FOR UPDATE OF c;
        IF NOT FOUND THEN
          RETURN jsonb_build_object('outcome', 'refused');
        END IF;
        IF v_chat_status <> p_chat_from OR v_run_status <> p_run_from
           OR EXISTS (SELECT 1 FROM runs WHERE chat_id = v_chat AND status = ANY(p_pending)) THEN
          RETURN jsonb_build_object('outcome', 'mismatch');
        END IF;

        UPDATE runs SET status = p_run_to, termination_reason = p_reason, summary = p_summary,
          last_error = p_error, failure_kind = p_failure_kind, state = coalesce(p_state, state),
          step = step + 1, lease_owner = NULL, lease_until = NULL, pending_answer = NULL, ended_at = now()
        WHERE id = p_run AND status = p_run_from AND lease_owner = p_owner AND step = p_step;
        IF NOT FOUND THEN
          RETURN jsonb_build_object('outcome', 'refused');
        END IF;

        UPDATE chats SET status = p_chat_to, termination_reason = p_reason, last_error = p_error,
          input_request = NULL, active_run_id = NULL, updated_at = now()
        WHERE id = v_chat AND active_run_id = p_run;

        UPDATE chats SET last_seq = last_seq + n_events, updated_at = now()
        WHERE id = v_chat RETURNING last_seq INTO v_last_seq;
        WITH written AS (
          INSERT INTO events (chat_id, seq, type, data)
          SELECT v_chat, v_last_seq - n_events + x.ord::int, x.e->>'type',
            CASE WHEN x.e->'data' ? 'usage' THEN jsonb_set(x.e->'data', '{usage}', v_usage) ELSE x.e->'data' END
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, ord)
          RETURNING seq, type, data, created_at
        )
        SELECT coalesce(jsonb_agg(jsonb_build_object(
            'chat_id', v_chat, 'seq', w.seq, 'type', w.type, 'data', w.data,
            'created_at', to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
          ) ORDER BY w.seq), '[]'::jsonb)
        INTO v_events FROM written w;

        IF p_report_queued THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('run-cap:' || v_account::text, 0));
          v_queued := EXISTS (SELECT 1 FROM runs WHERE account_id = v_account AND status = p_queued
                                AND (lease_until IS NULL OR lease_until < now()));
        END IF;
        RETURN jsonb_build_object('outcome', 'finished', 'events', v_events, 'account_queued', v_queued);
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS conclave_claim_run(uuid, text, int, int, text[], text[], text, text);
      DROP FUNCTION IF EXISTS conclave_finish_run(uuid, text, int, jsonb, text, text, text, text, text[],
        text, text, text, text, jsonb, boolean, text);
    `);
  }
}
