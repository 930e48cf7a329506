import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `conclave_start_run`: a user message admitted and its run started in one round trip (issue 13), where
 * the API made nine (the account read, then an eight-statement transaction). What the transition does
 * is not decided here: `p_decisions` maps each chat status the start may leave from to the run lifecycle's
 * decision for it (`decide` in @conclave/domain: the chat's and the run's new statuses, the events to
 * append), and the admission's rules come as data (`p_min_credits`, the plans' monthly limits). The
 * function applies them under the chat row lock and adds only what the database assigns (seqs,
 * timestamps, the month's counter).
 *
 * Order, as before: the account's credits (no lock), then the chat row lock and its status, then the
 * month's allowance (the step transaction's lock order: chat, then account usage). A refusal writes
 * nothing: every check comes before the first write.
 *
 * `p_min_credits` NULL: no credit check; `p_limits` NULL: the message is not counted (a start
 * admitted elsewhere, or not an end-user message). `p_agent` NULL: any chat of the account (the
 * scope of an account-wide key, as `scopeCondition` spells it in TypeScript).
 */
export class StartRunFunction1766100000000 implements MigrationInterface {
  name = 'StartRunFunction1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION conclave_start_run(
        p_chat uuid, p_account uuid, p_agent uuid, p_run uuid, p_input jsonb, p_seed int,
        p_decisions jsonb, p_min_credits bigint, p_limits jsonb, p_unlisted_limit int
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        v_plan text;
        v_balance bigint;
        v_limit int;
        v_chat chats%ROWTYPE;
        v_run runs%ROWTYPE;
        v_decision jsonb;
        v_events jsonb;
        n_events int;
      BEGIN
        IF p_min_credits IS NOT NULL OR p_limits IS NOT NULL THEN
          SELECT plan, credit_balance INTO v_plan, v_balance FROM accounts WHERE id = p_account;
          IF NOT FOUND THEN
            RETURN jsonb_build_object('outcome', 'no_account');
          END IF;
          IF p_min_credits IS NOT NULL AND v_balance < p_min_credits THEN
            RETURN jsonb_build_object('outcome', 'insufficient_credits');
          END IF;
        END IF;

        SELECT * INTO v_chat FROM chats
        WHERE id = p_chat AND account_id = p_account AND (p_agent IS NULL OR agent_id = p_agent)
        FOR UPDATE;
        IF NOT FOUND THEN
          RETURN jsonb_build_object('outcome', 'not_found');
        END IF;
        v_decision := p_decisions -> v_chat.status::text;
        IF v_decision IS NULL THEN
          RETURN jsonb_build_object('outcome', 'busy', 'status', v_chat.status, 'active_run_id', v_chat.active_run_id);
        END IF;

        IF p_limits IS NOT NULL THEN
          v_limit := coalesce((p_limits ->> v_plan)::int, p_unlisted_limit);
          IF v_limit <= 0 THEN
            RETURN jsonb_build_object('outcome', 'limit_reached', 'plan', v_plan);
          END IF;
          INSERT INTO account_usage (account_id, month, messages_used)
          VALUES (p_account, (date_trunc('month', now() AT TIME ZONE 'UTC'))::date, 1)
          ON CONFLICT (account_id, month) DO UPDATE SET messages_used = account_usage.messages_used + 1
          WHERE account_usage.messages_used < v_limit;
          IF NOT FOUND THEN
            RETURN jsonb_build_object('outcome', 'limit_reached', 'plan', v_plan);
          END IF;
        END IF;

        n_events := jsonb_array_length(v_decision -> 'events');
        UPDATE chats SET status = v_decision ->> 'chat', input_request = NULL, last_error = NULL,
          termination_reason = NULL, active_run_id = p_run, last_seq = last_seq + n_events, updated_at = now()
        WHERE id = p_chat RETURNING * INTO v_chat;
        INSERT INTO runs (id, chat_id, account_id, status, input, seed)
        VALUES (p_run, p_chat, v_chat.account_id, v_decision ->> 'run', p_input, p_seed)
        RETURNING * INTO v_run;
        WITH inserted AS (
          INSERT INTO events (chat_id, seq, type, data)
          SELECT p_chat, v_chat.last_seq - n_events + x.ord::int, x.e ->> 'type', x.e -> 'data'
          FROM jsonb_array_elements(v_decision -> 'events') WITH ORDINALITY AS x(e, ord)
          RETURNING chat_id, seq, type, data, created_at
        )
        SELECT coalesce(jsonb_agg(to_jsonb(inserted) ORDER BY seq), '[]') INTO v_events FROM inserted;

        RETURN jsonb_build_object('outcome', 'started', 'chat', to_jsonb(v_chat), 'run', to_jsonb(v_run),
          'events', v_events);
      END
      $fn$
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION conclave_start_run(uuid, uuid, uuid, uuid, jsonb, int, jsonb, bigint, jsonb, int)`,
    );
  }
}
