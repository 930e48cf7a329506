import type { MigrationInterface, QueryRunner } from 'typeorm';
import { StartRunFunction1766100000000 } from './1766100000000-start-run-function';

/**
 * `conclave_answer_run`: an answer to a chat's input request admitted and its run resumed in one round
 * trip (issue 13), where the API made nine (the account read, then an eight-statement transaction) —
 * `conclave_start_run`'s counterpart (migration 1766100000000), built the same way: `p_decisions` maps
 * `chat status/run status` to the run lifecycle's decision for an answer (`decide` in @conclave/domain),
 * the admission's rules come as data, every check comes before the first write. The run is the chat's
 * active one, found under the lock: the decision's events name it (`run_id`) here.
 *
 * Checks in the order the transaction made them: credits; the chat (locked) in the scope; another
 * operator's live claim (`p_operator`: the answering key, NULL when not answering as an operator; live
 * means it expires after `p_now`, the API's clock, as `activeClaim` decides it); the chat waits with an
 * active run; the answer's kind is the request's; the run (locked) waits; the month's allowance. The
 * holder's own answer renews the claim for `p_claim_idle_ms`.
 *
 * What both statements do the same way is one function each, and `conclave_start_run` is redefined
 * over them (same signature, same answers): the admission (`conclave_admission`), the chat in the scope
 * locked (`conclave_lock_chat`), counting the message against the month (`conclave_count_message`),
 * appending the decision's events (`conclave_append_events`).
 */
export class AnswerRunFunction1766100000001 implements MigrationInterface {
  name = 'AnswerRunFunction1766100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- NULL when the account may send a message, else the refusal; p_min_credits/p_limits NULL: no check.
      CREATE OR REPLACE FUNCTION conclave_admission(
        p_account uuid, p_min_credits bigint, p_limits jsonb, OUT refusal jsonb, OUT plan text
      ) LANGUAGE plpgsql AS $fn$
      DECLARE
        v_balance bigint;
      BEGIN
        IF p_min_credits IS NULL AND p_limits IS NULL THEN
          RETURN;
        END IF;
        SELECT a.plan, a.credit_balance INTO plan, v_balance FROM accounts a WHERE a.id = p_account;
        IF NOT FOUND THEN
          refusal := jsonb_build_object('outcome', 'no_account');
        ELSIF p_min_credits IS NOT NULL AND v_balance < p_min_credits THEN
          refusal := jsonb_build_object('outcome', 'insufficient_credits');
        END IF;
      END
      $fn$;

      -- The chat in the scope (p_agent NULL: any of the account's, as scopeCondition spells it in
      -- TypeScript), its row locked; all NULL when there is none.
      CREATE OR REPLACE FUNCTION conclave_lock_chat(p_chat uuid, p_account uuid, p_agent uuid)
      RETURNS chats LANGUAGE sql AS $fn$
        SELECT * FROM chats
        WHERE id = p_chat AND account_id = p_account AND (p_agent IS NULL OR agent_id = p_agent)
        FOR UPDATE
      $fn$;

      -- Counts one end-user message against the plan's monthly limit; false when it is used up
      -- (nothing written). p_limits NULL: the message is not counted.
      CREATE OR REPLACE FUNCTION conclave_count_message(
        p_account uuid, p_plan text, p_limits jsonb, p_unlisted_limit int
      ) RETURNS boolean LANGUAGE plpgsql AS $fn$
      DECLARE
        v_limit int;
      BEGIN
        IF p_limits IS NULL THEN
          RETURN true;
        END IF;
        v_limit := coalesce((p_limits ->> p_plan)::int, p_unlisted_limit);
        IF v_limit <= 0 THEN
          RETURN false;
        END IF;
        INSERT INTO account_usage (account_id, month, messages_used)
        VALUES (p_account, (date_trunc('month', now() AT TIME ZONE 'UTC'))::date, 1)
        ON CONFLICT (account_id, month) DO UPDATE SET messages_used = account_usage.messages_used + 1
        WHERE account_usage.messages_used < v_limit;
        RETURN FOUND;
      END
      $fn$;

      -- Inserts events ending at p_last_seq (the chat's counter, already moved past them); with p_run,
      -- the events naming a run name that one. Returns the rows.
      CREATE OR REPLACE FUNCTION conclave_append_events(
        p_chat uuid, p_last_seq int, p_events jsonb, p_run uuid
      ) RETURNS jsonb LANGUAGE sql AS $fn$
        WITH inserted AS (
          INSERT INTO events (chat_id, seq, type, data)
          SELECT p_chat, p_last_seq - jsonb_array_length(p_events) + x.ord::int, x.e ->> 'type',
            CASE WHEN p_run IS NOT NULL AND x.e -> 'data' ? 'run_id'
                 THEN jsonb_set(x.e -> 'data', '{run_id}', to_jsonb(p_run)) ELSE x.e -> 'data' END
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, ord)
          RETURNING chat_id, seq, type, data, created_at
        )
        SELECT coalesce(jsonb_agg(to_jsonb(inserted) ORDER BY seq), '[]') FROM inserted
      $fn$;

      CREATE OR REPLACE FUNCTION conclave_start_run(
        p_chat uuid, p_account uuid, p_agent uuid, p_run uuid, p_input jsonb, p_seed int,
        p_decisions jsonb, p_min_credits bigint, p_limits jsonb, p_unlisted_limit int
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        v_admission record;
        v_chat chats%ROWTYPE;
        v_run runs%ROWTYPE;
        v_decision jsonb;
      BEGIN
        SELECT * INTO v_admission FROM conclave_admission(p_account, p_min_credits, p_limits);
        IF v_admission.refusal IS NOT NULL THEN
          RETURN v_admission.refusal;
        END IF;
        v_chat := conclave_lock_chat(p_chat, p_account, p_agent);
        IF v_chat.id IS NULL THEN
          RETURN jsonb_build_object('outcome', 'not_found');
        END IF;
        v_decision := p_decisions -> v_chat.status::text;
        IF v_decision IS NULL THEN
          RETURN jsonb_build_object('outcome', 'busy', 'status', v_chat.status, 'active_run_id', v_chat.active_run_id);
        END IF;
        IF NOT conclave_count_message(p_account, v_admission.plan, p_limits, p_unlisted_limit) THEN
          RETURN jsonb_build_object('outcome', 'limit_reached', 'plan', v_admission.plan);
        END IF;

        UPDATE chats SET status = v_decision ->> 'chat', input_request = NULL, last_error = NULL,
          termination_reason = NULL, active_run_id = p_run,
          last_seq = last_seq + jsonb_array_length(v_decision -> 'events'), updated_at = now()
        WHERE id = p_chat RETURNING * INTO v_chat;
        INSERT INTO runs (id, chat_id, account_id, status, input, seed)
        VALUES (p_run, p_chat, v_chat.account_id, v_decision ->> 'run', p_input, p_seed)
        RETURNING * INTO v_run;
        RETURN jsonb_build_object('outcome', 'started', 'chat', to_jsonb(v_chat), 'run', to_jsonb(v_run),
          'events', conclave_append_events(p_chat, v_chat.last_seq, v_decision -> 'events', NULL));
      END
      $fn$;

      CREATE OR REPLACE FUNCTION conclave_answer_run(
        p_chat uuid, p_account uuid, p_agent uuid, p_answer jsonb, p_operator uuid, p_now timestamptz,
        p_claim_idle_ms int, p_decisions jsonb, p_min_credits bigint, p_limits jsonb, p_unlisted_limit int
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        v_admission record;
        v_chat chats%ROWTYPE;
        v_run_status text;
        v_run runs%ROWTYPE;
        v_holder uuid;
        v_expected text;
        v_decision jsonb;
      BEGIN
        SELECT * INTO v_admission FROM conclave_admission(p_account, p_min_credits, p_limits);
        IF v_admission.refusal IS NOT NULL THEN
          RETURN v_admission.refusal;
        END IF;
        v_chat := conclave_lock_chat(p_chat, p_account, p_agent);
        IF v_chat.id IS NULL THEN
          RETURN jsonb_build_object('outcome', 'not_found');
        END IF;
        IF p_operator IS NOT NULL AND v_chat.claim_key_id IS NOT NULL AND v_chat.claim_expires_at > p_now THEN
          v_holder := v_chat.claim_key_id;
          IF v_holder <> p_operator THEN
            RETURN jsonb_build_object('outcome', 'claimed', 'chat', to_jsonb(v_chat));
          END IF;
        END IF;
        IF v_chat.active_run_id IS NULL
           OR NOT EXISTS (SELECT 1 FROM jsonb_object_keys(p_decisions) k WHERE split_part(k, '/', 1) = v_chat.status) THEN
          RETURN jsonb_build_object('outcome', 'not_waiting', 'status', v_chat.status);
        END IF;
        v_expected := CASE WHEN v_chat.input_request ->> 'kind' = 'tool_outputs' THEN 'tool_outputs' ELSE 'text' END;
        IF p_answer ->> 'kind' IS DISTINCT FROM v_expected THEN
          RETURN jsonb_build_object('outcome', 'wrong_kind', 'expected', v_expected);
        END IF;
        SELECT status INTO v_run_status FROM runs WHERE id = v_chat.active_run_id FOR UPDATE;
        v_decision := p_decisions -> (v_chat.status || '/' || v_run_status);
        IF v_decision IS NULL THEN
          RETURN jsonb_build_object('outcome', 'not_waiting', 'status', v_chat.status);
        END IF;
        IF NOT conclave_count_message(p_account, v_admission.plan, p_limits, p_unlisted_limit) THEN
          RETURN jsonb_build_object('outcome', 'limit_reached', 'plan', v_admission.plan);
        END IF;

        UPDATE runs SET status = v_decision ->> 'run', pending_answer = p_answer, input_expires_at = NULL,
          answers = answers || jsonb_build_array(p_answer)
        WHERE id = v_chat.active_run_id RETURNING * INTO v_run;
        UPDATE chats SET status = v_decision ->> 'chat', input_request = NULL, updated_at = now(),
          claim_expires_at = CASE WHEN v_holder IS NOT NULL THEN now() + p_claim_idle_ms * interval '1 millisecond'
                                  ELSE claim_expires_at END,
          last_seq = last_seq + jsonb_array_length(v_decision -> 'events')
        WHERE id = p_chat RETURNING * INTO v_chat;
        RETURN jsonb_build_object('outcome', 'answered', 'chat', to_jsonb(v_chat), 'run', to_jsonb(v_run),
          'events', conclave_append_events(p_chat, v_chat.last_seq, v_decision -> 'events', v_run.id));
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION conclave_answer_run(uuid, uuid, uuid, jsonb, uuid, timestamptz, int, jsonb, bigint, jsonb, int)`,
    );
    await new StartRunFunction1766100000000().up(q); // its own body again, before the helpers go
    await q.query(`
      DROP FUNCTION conclave_append_events(uuid, int, jsonb, uuid);
      DROP FUNCTION conclave_count_message(uuid, text, jsonb, int);
      DROP FUNCTION conclave_lock_chat(uuid, uuid, uuid);
      DROP FUNCTION conclave_admission(uuid, bigint, jsonb);
    `);
  }
}
