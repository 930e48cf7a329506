import type { Scope } from '@conclave/domain';
import type { Database, Sql } from '../database';
import type { ChatRow, EventRow } from '../rows';
import { scopeCondition } from '../scope-filter';
import { EventsRepository } from './events.repository';

/** Who holds a chat, as the API and the events show it. */
export interface ClaimHolder {
  key_id: string;
  operator: string;
  claimed_at: string;
  expires_at: string;
}

export type ClaimResult =
  | { ok: true; chat: ChatRow; events: EventRow[] }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'held'; holder: ClaimHolder };

/** A swept change: the account to publish to and the events written. */
export interface SweptChat {
  accountId: string;
  chatId: string;
  events: EventRow[];
}

/** The live claim on a chat, or null when there is none or it expired (issue 14). */
export function activeClaim(chat: ChatRow, now = Date.now()): ClaimHolder | null {
  if (!chat.claim_key_id || !chat.claim_expires_at || chat.claim_expires_at.getTime() <= now) return null;
  return {
    key_id: chat.claim_key_id,
    operator: chat.claim_name ?? 'operator',
    claimed_at: (chat.claimed_at ?? chat.claim_expires_at).toISOString(),
    expires_at: chat.claim_expires_at.toISOString(),
  };
}

/**
 * Operators' claims on chats and the input SLA. Claiming is one transaction over the locked chat
 * row, so two operators racing for a chat get one claim and one refusal; the sweeps are conditional
 * updates, so any number of processes may run them and each event is written once.
 */
export class ClaimsRepository {
  constructor(private readonly db: Database) {}

  /** Takes the chat for the key (or renews the key's own claim for another idle period). */
  async claim(scope: Scope, chatId: string, keyId: string, idleMs: number): Promise<ClaimResult> {
    return this.db.transaction(async (tx) => {
      const current = await lockChat(tx, scope, chatId);
      if (!current) return { ok: false as const, reason: 'not_found' as const };
      const holder = activeClaim(current);
      if (holder && holder.key_id !== keyId) return { ok: false as const, reason: 'held' as const, holder };
      const renewing = holder !== null;
      const [chat] = await tx.query<ChatRow>(
        `UPDATE chats SET claim_key_id = $2,
           claim_name = (SELECT name FROM api_keys WHERE id = $2),
           claimed_at = CASE WHEN $4 THEN claimed_at ELSE now() END,
           claim_expires_at = now() + $3 * interval '1 millisecond'
         WHERE id = $1 RETURNING *`,
        [chatId, keyId, idleMs, renewing],
      );
      const claim = activeClaim(chat);
      const events = renewing
        ? []
        : await EventsRepository.append(tx, chatId, [{ type: 'chat.claimed', data: { claim } }]);
      return { ok: true as const, chat: withSeq(chat, events), events };
    });
  }

  /** Gives the chat back. Releasing a chat nobody holds is a no-op; another operator's claim is refused. */
  async release(scope: Scope, chatId: string, keyId: string): Promise<ClaimResult> {
    return this.db.transaction(async (tx) => {
      const current = await lockChat(tx, scope, chatId);
      if (!current) return { ok: false as const, reason: 'not_found' as const };
      const holder = activeClaim(current);
      if (holder && holder.key_id !== keyId) return { ok: false as const, reason: 'held' as const, holder };
      if (!holder) return { ok: true as const, chat: current, events: [] };
      const [chat] = await tx.query<ChatRow>(`UPDATE chats SET ${CLEAR_CLAIM} WHERE id = $1 RETURNING *`, [
        chatId,
      ]);
      const events = await EventsRepository.append(tx, chatId, [
        { type: 'chat.released', data: { reason: 'released', claim: holder } },
      ]);
      return { ok: true as const, chat: withSeq(chat, events), events };
    });
  }

  /** Clears claims idle past their expiry, with a `chat.released` event (reason `expired`) each. */
  async expireClaims(limit: number): Promise<SweptChat[]> {
    const due = await this.db.query<{ id: string }>(
      `SELECT id FROM chats WHERE claim_key_id IS NOT NULL AND claim_expires_at <= now()
       ORDER BY claim_expires_at LIMIT $1`,
      [limit],
    );
    const swept: SweptChat[] = [];
    for (const { id } of due) {
      const result = await this.db.transaction(async (tx) => {
        const [old] = await tx.query<ChatRow>(
          `SELECT * FROM chats WHERE id = $1 AND claim_key_id IS NOT NULL AND claim_expires_at <= now() FOR UPDATE`,
          [id],
        );
        if (!old) return null; // renewed, released or swept by another process meanwhile
        await tx.execute(`UPDATE chats SET ${CLEAR_CLAIM} WHERE id = $1`, [id]);
        const claim = {
          key_id: old.claim_key_id,
          operator: old.claim_name,
          claimed_at: old.claimed_at?.toISOString() ?? null,
          expires_at: old.claim_expires_at?.toISOString() ?? null,
        };
        const events = await EventsRepository.append(tx, id, [
          { type: 'chat.released', data: { reason: 'expired', claim } },
        ]);
        return { accountId: old.account_id, chatId: id, events };
      });
      if (result) swept.push(result);
    }
    return swept;
  }

  /** Writes `input.overdue` once for each chat still waiting past its input deadline. */
  async markOverdue(limit: number): Promise<SweptChat[]> {
    const due = await this.db.query<{ id: string }>(
      `SELECT id FROM chats WHERE status = 'wait_for_human_input' AND input_overdue_at IS NULL
         AND input_due_at IS NOT NULL AND input_due_at <= now()
       ORDER BY input_due_at LIMIT $1`,
      [limit],
    );
    const swept: SweptChat[] = [];
    for (const { id } of due) {
      const result = await this.db.transaction(async (tx) => {
        const [chat] = await tx.query<ChatRow>(
          `UPDATE chats SET input_overdue_at = now()
           WHERE id = $1 AND status = 'wait_for_human_input' AND input_overdue_at IS NULL
             AND input_due_at IS NOT NULL AND input_due_at <= now()
           RETURNING *`,
          [id],
        );
        if (!chat) return null; // answered, or marked by another process meanwhile
        const events = await EventsRepository.append(tx, id, [
          {
            type: 'input.overdue',
            data: {
              run_id: chat.active_run_id,
              agent: chat.input_request?.agent ?? null,
              prompt: chat.input_request?.prompt ?? null,
              waiting_since: chat.waiting_since?.toISOString() ?? null,
              due_at: chat.input_due_at?.toISOString() ?? null,
              claim: activeClaim(chat),
            },
          },
        ]);
        return { accountId: chat.account_id, chatId: id, events };
      });
      if (result) swept.push(result);
    }
    return swept;
  }
}

const CLEAR_CLAIM = `claim_key_id = NULL, claim_name = NULL, claimed_at = NULL, claim_expires_at = NULL`;

async function lockChat(tx: Sql, scope: Scope, chatId: string): Promise<ChatRow | null> {
  const params: unknown[] = [chatId];
  const [row] = await tx.query<ChatRow>(
    `SELECT * FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)} FOR UPDATE`,
    params,
  );
  return row ?? null;
}

function withSeq(chat: ChatRow, events: EventRow[]): ChatRow {
  return events.length ? { ...chat, last_seq: events[events.length - 1].seq } : chat;
}
