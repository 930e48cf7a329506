import { randomUUID } from 'node:crypto';
import { messageEventData, type Scope } from '@conclave/domain';
import type { Database, Sql } from '../database';
import type { ChatRow, EventRow, MessageRow, RunRow } from '../rows';
import { scopeCondition } from '../scope-filter';
import { EventsRepository } from './events.repository';
import { type LimitReached, rollingBackOverLimit } from './runs.repository';
import { type MessageAllowance, UsageRepository } from './usage.repository';

export type ForkResult =
  | { ok: true; chat: ChatRow; run: RunRow; events: EventRow[] }
  | { ok: false; reason: 'not_found' }
  /** `message` names `at_seq` and says which seqs can be forked at. */
  | { ok: false; reason: 'invalid'; message: string }
  | LimitReached;

/**
 * Forks a chat at a message (time travel). Every engine step stores the state right after each of
 * its messages (`chat_checkpoints`, written by `conclave_commit_step`), so the fork is a new chat with
 * the transcript up to there and a queued run holding exactly that state, the original run's seed
 * and input: executed, it finishes the step, then asks the same human, calls the same model or ends
 * as the original did from there. Copied messages belong to no run and cost nothing again.
 */
export class ForksRepository {
  constructor(private readonly db: Database) {}

  /**
   * The fork stays in the source chat's scope (same account, same agent). Its run counts against
   * the month's `allowance` in the same transaction.
   */
  async fork(
    scope: Scope,
    args: { chatId: string; atSeq: number; name?: string },
    allowance?: MessageAllowance,
  ): Promise<ForkResult> {
    return rollingBackOverLimit(this.db, async (tx) => {
      const params: unknown[] = [args.chatId];
      const [source] = await tx.query<ChatRow>(
        `SELECT * FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)}`,
        params,
      );
      if (!source) return { ok: false, reason: 'not_found' };
      if (args.atSeq > source.message_count) {
        return {
          ok: false,
          reason: 'invalid',
          message: `at_seq: the chat has ${source.message_count} message${source.message_count === 1 ? '' : 's'}`,
        };
      }
      const [checkpoint] = await tx.query<{ run_id: string | null; state: Record<string, unknown> }>(
        `SELECT run_id, state FROM chat_checkpoints WHERE chat_id = $1 AND seq = $2`,
        [source.id, args.atSeq],
      );
      if (!checkpoint)
        return { ok: false, reason: 'invalid', message: await notAForkPoint(tx, source.id, args.atSeq) };
      const [origin] = checkpoint.run_id
        ? await tx.query<Pick<RunRow, 'input' | 'seed'>>(`SELECT input, seed FROM runs WHERE id = $1`, [
            checkpoint.run_id,
          ])
        : [];

      const chatId = randomUUID();
      const runId = randomUUID();
      await tx.query(
        `INSERT INTO chats (id, account_id, name, status, from_type, flow_id, flow_version, agent_id, metadata,
           parent_chat_id, forked_at_seq, message_count, active_run_id)
         VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          chatId,
          source.account_id,
          args.name ?? `${source.name} (fork at ${args.atSeq})`.slice(0, 200),
          source.from_type,
          source.flow_id,
          source.flow_version,
          source.agent_id,
          JSON.stringify(source.metadata ?? {}),
          source.id,
          args.atSeq,
          args.atSeq,
          runId,
        ],
      );
      const [run] = await tx.query<RunRow>(
        `INSERT INTO runs (id, chat_id, account_id, status, input, seed, state)
         VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING *`,
        [
          runId,
          chatId,
          source.account_id,
          JSON.stringify(origin?.input ?? { message: '' }),
          origin?.seed ?? 0,
          JSON.stringify(checkpoint.state),
        ],
      );
      const messages = await tx.query<MessageRow>(
        `INSERT INTO messages (chat_id, seq, run_id, sender, recipient, type, content, tool_calls, tool_call_id,
           meta, usage, credits)
         SELECT $1, seq, NULL, sender, recipient, type, content, tool_calls, tool_call_id, meta, usage, 0
         FROM messages WHERE chat_id = $2 AND seq <= $3 ORDER BY seq
         RETURNING *`,
        [chatId, source.id, args.atSeq],
      );
      messages.sort((a, b) => a.seq - b.seq);
      // A fork of the fork can go back to any point this one has.
      await tx.query(
        `INSERT INTO chat_checkpoints (chat_id, seq, run_id, state)
         SELECT $1, seq, CASE WHEN seq = $3 THEN $4::uuid END, state
         FROM chat_checkpoints WHERE chat_id = $2 AND seq <= $3`,
        [chatId, source.id, args.atSeq, runId],
      );
      const events = await EventsRepository.append(tx, chatId, [
        ...messages.map((m) => ({ type: 'message.created', data: messageEventData(m) })),
        {
          type: 'chat.status',
          data: {
            status: 'running',
            previous: null,
            run_id: runId,
            forked_from: source.id,
            at_seq: args.atSeq,
          },
        },
      ]);
      const [chat] = await tx.query<ChatRow>(`SELECT * FROM chats WHERE id = $1`, [chatId]);
      if (allowance) await new UsageRepository(tx).countMessage(chat.account_id, allowance);
      return { ok: true, chat, run, events };
    });
  }
}

async function notAForkPoint(tx: Sql, chatId: string, seq: number): Promise<string> {
  const [near] = await tx.query<{ below: number | null; above: number | null }>(
    `SELECT max(seq) FILTER (WHERE seq < $2) AS below, min(seq) FILTER (WHERE seq > $2) AS above
     FROM chat_checkpoints WHERE chat_id = $1`,
    [chatId, seq],
  );
  if (!near || (near.below === null && near.above === null))
    return 'at_seq: this chat has no fork points (its messages were written before forking existed)';
  const options = [near.below, near.above].filter((s): s is number => s !== null).join(' or ');
  return `at_seq: message ${seq} is in the middle of an engine step (several messages written at once); fork at ${options}`;
}
