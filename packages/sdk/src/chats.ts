import { call, type ApiClient } from './http';
import type { Chat, ChatStatus, Message, Page, RunResult } from './types';

export interface CreateChatOptions {
  /** The flow (or agent's flow) the chat runs. */
  flowId: string;
  name?: string;
  /** Pin a version of the flow (default: its latest). */
  flowVersion?: number;
  metadata?: Record<string, unknown>;
}

export interface SendOptions {
  /** Answer once the run pauses for input or ends (bounded by the server's WAIT_TIMEOUT_MS), with its messages. */
  wait?: boolean;
  /** A chat with an active run: `reject` (409, default), `enqueue` after it, or `interrupt` it. */
  multitask?: 'reject' | 'enqueue' | 'interrupt';
  /** Replays of the same key return the first response and start nothing (README: Idempotency-Key). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ToolOutput {
  tool_call_id: string;
  output: string;
}

/**
 * An answer to a chat's input request: text for kind `text` ("" lets the agent auto-reply, "exit"
 * ends the chat, as in AG2), an agent name for `speaker`, tool results for `tool_outputs`.
 */
export type Answer = string | { message: string } | { tool_outputs: ToolOutput[] };

export interface ListChatsOptions {
  status?: ChatStatus;
  /** `waiting_since`: the inbox, chats waiting for a person, longest waiting first. */
  order?: 'created_at' | 'waiting_since';
  name?: string;
  cursor?: string;
  limit?: number;
}

/** The chats routes (README: routes). Every method throws a `ConclaveError` on a 4xx/5xx. */
export class Chats {
  constructor(private readonly api: ApiClient) {}

  create(options: CreateChatOptions): Promise<Chat> {
    return call(this.api, 'POST', '/chats', {
      body: {
        from_type: 'flow',
        from_flow: options.flowId,
        name: options.name,
        flow_version: options.flowVersion,
        metadata: options.metadata,
      },
    });
  }

  get(chatId: string): Promise<Chat> {
    return call(this.api, 'GET', '/chats/{id}', { path: { id: chatId } });
  }

  list(options: ListChatsOptions = {}): Promise<Page<Chat>> {
    return call(this.api, 'GET', '/chats', { query: { ...options } });
  }

  /** A user message: starts a run (`202 {chat, run}`); with `wait`, returns at its next pause or end. */
  send(chatId: string, text: string, options: SendOptions = {}): Promise<RunResult> {
    return call(this.api, 'POST', '/chats/{id}/messages', {
      path: { id: chatId },
      query: { wait: options.wait || undefined, multitask: options.multitask },
      body: { message: text },
      headers: idempotency(options.idempotencyKey),
      signal: options.signal,
    });
  }

  /** Answers the pending input request (human input); 409 when the chat is not waiting or another operator holds it. */
  answer(chatId: string, answer: Answer, options: Omit<SendOptions, 'multitask'> = {}): Promise<RunResult> {
    return call(this.api, 'POST', '/chats/{id}/input', {
      path: { id: chatId },
      query: { wait: options.wait || undefined },
      body: typeof answer === 'string' ? { message: answer } : answer,
      headers: idempotency(options.idempotencyKey),
      signal: options.signal,
    });
  }

  /** One page of the transcript after seq `after` (default: from the start), at most `limit` (≤ 1000). */
  messages(chatId: string, options: { after?: number; limit?: number } = {}): Promise<Message[]> {
    return call(this.api, 'GET', '/chats/{id}/messages', {
      path: { id: chatId },
      query: { after: options.after, limit: options.limit },
    });
  }

  /** Stops the active run, keeping what it produced. */
  cancel(chatId: string): Promise<{ chat: Chat; cancelled: boolean }> {
    return call(this.api, 'POST', '/chats/{id}/cancel', { path: { id: chatId } });
  }

  /** Cancels any run and deletes the chat with its transcript. */
  async delete(chatId: string): Promise<void> {
    await call(this.api, 'DELETE', '/chats/{id}', { path: { id: chatId } });
  }

  /** Operators: hold the chat so other keys' answers are refused (409 naming the holder). */
  claim(chatId: string): Promise<Chat> {
    return call(this.api, 'POST', '/chats/{id}/claim', { path: { id: chatId } });
  }

  release(chatId: string): Promise<Chat> {
    return call(this.api, 'POST', '/chats/{id}/release', { path: { id: chatId } });
  }

  /** A new chat from message `atSeq`, with the engine state there (time travel). */
  fork(chatId: string, atSeq: number, options: { name?: string; wait?: boolean } = {}): Promise<Chat> {
    return call(this.api, 'POST', '/chats/{id}/fork', {
      path: { id: chatId },
      query: { wait: options.wait || undefined },
      body: { at_seq: atSeq, name: options.name },
    });
  }
}

function idempotency(key: string | undefined): Record<string, string> | undefined {
  return key ? { 'Idempotency-Key': key } : undefined;
}
