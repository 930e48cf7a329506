import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COMMIT_STEP_WITH_CHECKPOINTS } from './1765700000000-chat-forks';

/**
 * `conclave_commit_step` follows the run lifecycle's rules instead of restating them:
 * - each element of `p_messages` is `{message, credits, checkpoint?}`, `message` being the API message
 *   object built in TypeScript (`messageEventBody`, @conclave/domain) without what the database
 *   assigns; the row's columns are read from it, and the `message.created` payload is that object
 *   plus `id`, `seq` and `created_at` — the message's API shape is no longer written in SQL;
 * - it locks the chat row before the run (the lock order documented on `RunsRepository`), so a step
 *   committed by a holder whose lease just expired cannot deadlock with a cancel or a timeout ending
 *   the run;
 * - it still writes the fork checkpoints (migration 1765700000000) in the same round trip.
 */
export class CommitStepLifecycle1765800000000 implements MigrationInterface {
  name = 'CommitStepLifecycle1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION conclave_commit_step(
        p_run uuid, p_owner text, p_step int, p_state jsonb, p_lease_ms int, p_consume_answer boolean,
        p_input_tokens int, p_output_tokens int, p_chat uuid, p_messages jsonb, p_leading_events jsonb,
        p_account uuid, p_credits bigint
      ) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        n_messages int := jsonb_array_length(p_messages);
        n_leading int := jsonb_array_length(p_leading_events);
        v_message_count int;
        v_last_seq int;
        v_messages jsonb;
        v_events jsonb;
      BEGIN
        -- Lock order: the chat, then the run.
        PERFORM 1 FROM chats WHERE id = p_chat FOR NO KEY UPDATE;

        UPDATE runs SET state = p_state, step = step + 1,
          lease_until = now() + p_lease_ms * interval '1 millisecond',
          pending_answer = CASE WHEN p_consume_answer THEN NULL ELSE pending_answer END,
          usage = jsonb_build_object(
            'input_tokens', (usage->>'input_tokens')::int + p_input_tokens,
            'output_tokens', (usage->>'output_tokens')::int + p_output_tokens,
            'total_tokens', (usage->>'total_tokens')::int + p_input_tokens + p_output_tokens)
        WHERE id = p_run AND lease_owner = p_owner AND step = p_step AND status = 'running';
        IF NOT FOUND THEN
          RETURN jsonb_build_object('held', false);
        END IF;

        UPDATE chats SET message_count = message_count + n_messages,
          last_seq = last_seq + n_leading + n_messages, updated_at = now()
        WHERE id = p_chat
        RETURNING message_count, last_seq INTO v_message_count, v_last_seq;

        WITH given AS (
          SELECT v_message_count - n_messages + x.ord::int AS seq, x.m->'message' AS message,
            coalesce((x.m->>'credits')::bigint, 0) AS credits
          FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS x(m, ord)
        ), inserted AS (
          INSERT INTO messages (chat_id, seq, run_id, sender, recipient, type, content, tool_calls,
            tool_call_id, meta, usage, credits)
          SELECT p_chat, g.seq, p_run, g.message->>'sender', g.message->>'receiver', g.message->>'type',
            g.message->>'content', g.message->'tool_calls', g.message->>'tool_call_id',
            coalesce(g.message->'meta', '{}'::jsonb), g.message->'usage', g.credits
          FROM given g
          RETURNING id, seq, created_at
        ), shaped AS (
          -- The API object from TypeScript, plus what the database assigned.
          SELECT i.seq, g.message || jsonb_build_object(
            'id', i.id, 'seq', i.seq,
            'created_at', to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
          ) AS message
          FROM inserted i JOIN given g ON g.seq = i.seq
        ), new_events AS (
          SELECT v_last_seq - n_leading - n_messages + x.ord::int AS seq, x.e->>'type' AS type, x.e->'data' AS data
          FROM jsonb_array_elements(p_leading_events) WITH ORDINALITY AS x(e, ord)
          UNION ALL
          SELECT v_last_seq - n_messages + (s.seq - (v_message_count - n_messages)), 'message.created', s.message
          FROM shaped s
        ), written AS (
          INSERT INTO events (chat_id, seq, type, data)
          SELECT p_chat, seq, type, data FROM new_events
          RETURNING seq, type, data, created_at
        )
        SELECT
          (SELECT coalesce(jsonb_agg(s.message ORDER BY s.seq), '[]'::jsonb) FROM shaped s),
          (SELECT coalesce(jsonb_agg(jsonb_build_object(
             'chat_id', p_chat, 'seq', w.seq, 'type', w.type, 'data', w.data,
             'created_at', to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           ) ORDER BY w.seq), '[]'::jsonb) FROM written w)
        INTO v_messages, v_events;

        IF p_account IS NOT NULL AND p_credits > 0 THEN
          UPDATE accounts SET credit_balance = credit_balance - p_credits
          WHERE id = p_account AND credit_balance >= p_credits;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'insufficient credits' USING ERRCODE = 'CN402';
          END IF;
          INSERT INTO account_usage (account_id, month, credits_used)
          VALUES (p_account, (date_trunc('month', now() AT TIME ZONE 'UTC'))::date, p_credits)
          ON CONFLICT (account_id, month) DO UPDATE SET credits_used = account_usage.credits_used + p_credits;
        END IF;

        -- Fork points: the step's final state for its last message, each earlier message's own.
        INSERT INTO chat_checkpoints (chat_id, seq, run_id, state)
        SELECT p_chat, v_message_count - n_messages + x.ord::int, p_run,
          CASE WHEN x.ord = n_messages THEN p_state ELSE x.m->'checkpoint' END
        FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS x(m, ord)
        WHERE x.ord = n_messages OR x.m ? 'checkpoint'
        ON CONFLICT (chat_id, seq) DO UPDATE SET run_id = EXCLUDED.run_id, state = EXCLUDED.state;

        RETURN jsonb_build_object('held', true, 'messages', v_messages, 'events', v_events);
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(COMMIT_STEP_WITH_CHECKPOINTS);
  }
}
