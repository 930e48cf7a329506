import type { EventRow } from '@conclave/persistence';

/** What socket.io (`event`) and SSE (`data:`) deliver (README: real-time). `seq` is null for ephemeral deltas. */
export interface EventEnvelope {
  chat_id: string;
  seq: number | null;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

/**
 * An account-level event, not tied to a chat (e.g. `knowledge.source` indexing progress): delivered
 * live to `subscribe_account` subscribers, never stored, so `chat_id` and `seq` are null.
 */
export interface AccountEventEnvelope {
  chat_id: null;
  seq: null;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

export function toEnvelope(row: EventRow): EventEnvelope {
  return {
    chat_id: row.chat_id,
    seq: row.seq,
    type: row.type,
    data: row.data,
    created_at: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
  };
}

/** Persisted event types after which a chat has nothing more to say until a new message. */
export const TERMINAL_EVENT_TYPES = ['run.completed', 'run.failed', 'run.cancelled'];
