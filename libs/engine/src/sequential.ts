import { openChat } from './conversation';
import type { Work } from './state';

/** AG2 `_process_carryover`: the chat's message, then the earlier chats' summaries. */
export function carryoverMessage(message: string, summaries: readonly string[]): string {
  return summaries.length > 0 ? `${message}\nContext: \n${summaries.join('\n')}` : message;
}

/** AG2 `initiate_chats`: the next chat starts with its message and the carryover so far. */
export function openSequentialChat(w: Work, index: number, userMessage?: string): void {
  if (w.flow.chat.type !== 'sequential') throw new Error('engine: not a sequential chat');
  const chat = w.flow.chat.chats[index];
  if (!chat) throw new Error(`engine: no sequential chat ${index}`);
  const message = index === 0 ? (userMessage ?? chat.message ?? '') : (chat.message ?? '');
  openChat(w, chat.initiator, chat.recipient, carryoverMessage(message, w.state.summaries), index);
}

export function hasNextSequentialChat(w: Work): boolean {
  return w.flow.chat.type === 'sequential' && w.state.chatIndex < w.flow.chat.chats.length - 1;
}
