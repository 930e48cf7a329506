import type { MessageType, TokenUsage, ToolCall } from './message';

/** A transcript message as stored (the `messages` row). */
export interface StoredMessage {
  id: string;
  chat_id: string;
  seq: number;
  run_id: string | null;
  sender: string;
  recipient: string | null;
  type: MessageType;
  content: string | null;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  meta: Record<string, unknown>;
  usage: TokenUsage | null;
  created_at: Date | string;
}

/** The fields the database assigns when it writes a message; the step commit adds them in SQL. */
export const DB_ASSIGNED_MESSAGE_FIELDS = ['id', 'seq', 'created_at'] as const;
type DbAssigned = (typeof DB_ASSIGNED_MESSAGE_FIELDS)[number];

/**
 * The message as the API returns it (REST transcript) and as `message.created` carries it (socket.io,
 * SSE, webhooks): one definition for every surface.
 */
export function messageEventData(m: StoredMessage): Record<string, unknown> {
  return { id: m.id, ...messageEventBody(m), seq: m.seq, created_at: m.created_at };
}

/** `messageEventData` without what the database assigns (what the step commit sends to SQL). */
export function messageEventBody(m: Omit<StoredMessage, DbAssigned>): Record<string, unknown> {
  return {
    chat_id: m.chat_id,
    run_id: m.run_id,
    type: m.type,
    content: m.content,
    sender: m.sender,
    receiver: m.recipient,
    tool_calls: m.tool_calls,
    tool_call_id: m.tool_call_id,
    meta: m.meta,
    usage: m.usage,
  };
}
