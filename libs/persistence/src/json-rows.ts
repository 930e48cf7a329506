import type { ChatRow, EventRow, MessageRow, RunRow } from './rows';

/**
 * Rows that a statement returns inside JSON (`to_jsonb(row)`), so that one round trip can bring back
 * rows of several tables, given back the types `pg` gives the same columns read directly: timestamps
 * as `Date` (to the millisecond, as `pg` parses them) and `bigint` as text. Every other column type
 * of these tables reads the same from JSON. A column added to one of these tables with a timestamp
 * or bigint type is added here too (test/start-run-statement.e2e-spec.ts compares both readings).
 */
const TIMESTAMPS = {
  chats: [
    'claimed_at',
    'claim_expires_at',
    'waiting_since',
    'input_due_at',
    'input_overdue_at',
    'created_at',
    'updated_at',
  ],
  runs: ['lease_until', 'input_expires_at', 'created_at', 'started_at', 'ended_at'],
  messages: ['created_at'],
  events: ['created_at'],
} as const;

const BIGINTS = { messages: ['credits'] } as const;

type JsonRow = Record<string, unknown>;

function revive<T>(row: JsonRow, timestamps: readonly string[], bigints: readonly string[] = []): T {
  const out: JsonRow = { ...row };
  for (const column of timestamps) {
    const value = out[column];
    if (typeof value === 'string') out[column] = new Date(value);
  }
  for (const column of bigints) {
    const value = out[column];
    if (typeof value === 'number') out[column] = String(value);
  }
  return out as T;
}

export const chatFromJson = (row: JsonRow): ChatRow => revive(row, TIMESTAMPS.chats);
export const runFromJson = (row: JsonRow): RunRow => revive(row, TIMESTAMPS.runs);
export const messageFromJson = (row: JsonRow): MessageRow =>
  revive(row, TIMESTAMPS.messages, BIGINTS.messages);
export const eventFromJson = (row: JsonRow): EventRow => revive(row, TIMESTAMPS.events);
