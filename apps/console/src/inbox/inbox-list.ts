import type { Chat } from '@conclave/sdk';

/** The inbox's ordering rule: longest waiting first (the same order as `GET /chats?order=waiting_since`). */
export function upsertWaiting(list: Chat[], chat: Chat): Chat[] {
  const rest = list.filter((c) => c.id !== chat.id);
  if (chat.status !== 'wait_for_human_input') return rest;
  return [...rest, chat].sort(
    (a, b) => (a.waiting_since ?? '').localeCompare(b.waiting_since ?? '') || a.id.localeCompare(b.id),
  );
}
