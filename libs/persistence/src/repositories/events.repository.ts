import type { Sql } from '../database';
import type { EventRow } from '../rows';

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The per-chat event log. Seqs are dense: they come from the chat row's `last_seq` counter bumped
 * in the caller's transaction, so a rolled-back transaction leaves no gap (a Postgres sequence would).
 */
export class EventsRepository {
  /** Appends events in order; must run inside the transaction that makes the change they describe. */
  static async append(tx: Sql, chatId: string, events: NewEvent[]): Promise<EventRow[]> {
    if (events.length === 0) return [];
    const [counter] = await tx.query<{ last_seq: number }>(
      `UPDATE chats SET last_seq = last_seq + $2, updated_at = now() WHERE id = $1 RETURNING last_seq`,
      [chatId, events.length],
    );
    if (!counter) throw new Error(`chat ${chatId} vanished while appending events`);
    const first = counter.last_seq - events.length + 1;
    return tx.query<EventRow>(
      `INSERT INTO events (chat_id, seq, type, data)
       SELECT $1, $2::int + (x.ord - 1)::int, x.e->>'type', x.e->'data'
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS x(e, ord)
       RETURNING chat_id, seq, type, data, created_at`,
      [chatId, first, JSON.stringify(events)],
    );
  }

  constructor(private readonly sql: Sql) {}

  /** Events with seq > afterSeq, in order (at most `limit`). */
  async after(chatId: string, afterSeq: number, limit = 1000): Promise<EventRow[]> {
    return this.sql.query<EventRow>(
      `SELECT chat_id, seq, type, data, created_at FROM events
       WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [chatId, afterSeq, limit],
    );
  }
}
