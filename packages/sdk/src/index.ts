export { Conclave, type ConclaveOptions, type WaitOptions, type WaitingChat } from './conclave';
export {
  Chats,
  type Answer,
  type CreateChatOptions,
  type ListChatsOptions,
  type SendOptions,
  type ToolOutput,
} from './chats';
export { Agents, ApiKeys, Flows } from './resources';
export { ConclaveError, ConclaveRealtimeError, ConclaveTimeoutError } from './errors';
export {
  AccountFeed,
  RealtimeConnection,
  type ChatSubscription,
  type RealtimeOptions,
  type SubscribeOptions,
} from './realtime';
export { isTerminalEvent, TERMINAL_EVENT_TYPES, type ChatEvent, type ChatEventType } from './events';
export { SeqCursor } from './seq-cursor';
export type { ApiClient } from './http';
export type { components, operations, paths } from './generated/openapi';
export type * from './types';
