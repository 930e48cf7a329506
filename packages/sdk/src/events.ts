/** What socket.io `event` (and SSE `data:`) delivers: one entry of a chat's event log. */
export interface ChatEvent {
  chat_id: string;
  /** Dense per chat (1, 2, 3, …); null only for the ephemeral `message.delta`. */
  seq: number | null;
  type: ChatEventType | (string & {});
  data: Record<string, any>;
  created_at: string;
}

export type ChatEventType =
  | 'chat.status'
  | 'message.created'
  | 'message.delta'
  | 'input.requested'
  | 'run.started'
  | 'run.completed'
  | 'run.failed'
  | 'run.cancelled'
  | 'chat.claimed'
  | 'chat.released'
  | 'input.overdue';

/** Persisted events after which a chat has nothing more to say until a new message. */
export const TERMINAL_EVENT_TYPES: readonly string[] = ['run.completed', 'run.failed', 'run.cancelled'];

export const isTerminalEvent = (event: ChatEvent): boolean => TERMINAL_EVENT_TYPES.includes(event.type);
