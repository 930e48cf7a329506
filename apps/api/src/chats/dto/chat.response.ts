import { CHAT_STATUSES, RUN_STATUSES } from '@conclave/domain';
import { z } from 'zod';
import { Id, JsonObject, NullableTimestamp, orNull, Timestamp } from '../../common/api-schemas';

/**
 * The chats API's response bodies (chat.mapper.ts builds them): the one definition the OpenAPI
 * document, and through it the SDK's types, are generated from.
 */

export const ToolCall = z
  .object({ id: z.string(), name: z.string(), arguments: z.string().meta({ description: 'JSON text' }) })
  .meta({ id: 'ToolCall' });

export const TokenUsage = z
  .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
  .meta({ id: 'TokenUsage' });

export const InputRequest = z
  .object({
    agent: z.string(),
    prompt: z.string(),
    kind: z.enum(['text', 'speaker', 'tool_outputs']).meta({
      description: '`text`: answer `{message}`; `speaker`: an agent name; `tool_outputs`: `{tool_outputs}`',
    }),
    options: z.array(z.string()).optional(),
    tool_calls: z.array(ToolCall).optional(),
    expires_at: NullableTimestamp.optional(),
    question: z.object({ sender: z.string(), content: z.string().nullable() }).nullable().optional(),
  })
  .loose()
  .meta({ id: 'InputRequest', description: 'What the chat waits for (`status: wait_for_human_input`).' });

export const ChatClaim = z
  .object({ key_id: Id, operator: z.string(), claimed_at: Timestamp, expires_at: Timestamp })
  .meta({ id: 'ChatClaim', description: 'The operator holding the chat (their key answers its input).' });

export const Chat = z
  .object({
    id: Id,
    name: z.string(),
    status: z.enum(CHAT_STATUSES),
    from_type: z.string(),
    from_flow: Id,
    flow_version: z.number().int(),
    agent_id: Id.nullable(),
    session_id: z.string().nullable().meta({ description: 'The Asyntai session id, when set' }),
    metadata: JsonObject,
    input_request: orNull(InputRequest),
    last_error: z.string().nullable(),
    termination_reason: z.string().nullable(),
    active_run_id: Id.nullable(),
    last_seq: z.number().int(),
    parent_chat_id: Id.nullable().meta({ description: 'The chat this one was forked from' }),
    forked_at_seq: z.number().int().nullable(),
    claim: orNull(ChatClaim),
    waiting_since: NullableTimestamp,
    input_due_at: NullableTimestamp,
    input_overdue: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Chat' });

export const Run = z
  .object({
    id: Id,
    chat_id: Id,
    status: z.enum([...RUN_STATUSES, 'pending']),
    termination_reason: z.string().nullable(),
    summary: z.string().nullable(),
    last_error: z.string().nullable(),
    attempt: z.number().int(),
    usage: TokenUsage,
    created_at: Timestamp,
    started_at: NullableTimestamp,
    ended_at: NullableTimestamp,
  })
  .meta({ id: 'Run' });

export const Message = z
  .object({
    id: Id,
    chat_id: Id,
    seq: z.number().int(),
    run_id: Id.nullable(),
    type: z.enum(['user', 'assistant', 'tool']),
    content: z.string().nullable(),
    sender: z.string(),
    receiver: z.string().nullable(),
    tool_calls: z.array(ToolCall).nullable(),
    tool_call_id: z.string().nullable(),
    meta: JsonObject,
    usage: orNull(TokenUsage),
    created_at: Timestamp,
  })
  .meta({ id: 'Message', description: 'A transcript message; `seq` orders the chat’s events and messages.' });

export const ChatPage = z
  .object({ data: z.array(Chat), next_cursor: z.string().nullable(), has_more: z.boolean() })
  .meta({ id: 'ChatPage' });

export const MessagePage = z
  .object({ data: z.array(Message), next_cursor: z.string().nullable(), has_more: z.boolean() })
  .meta({ id: 'MessagePage' });

/** `POST /chats/{id}/messages` and `/input`: `messages` only with `?wait=true`. */
export const RunStarted = z
  .object({
    chat: Chat,
    run: orNull(Run),
    messages: z
      .array(Message)
      .optional()
      .meta({ description: 'With `?wait=true`: the messages of this run so far' }),
  })
  .meta({ id: 'RunStarted' });

export const Cancelled = z.object({ chat: Chat, cancelled: z.boolean() }).meta({ id: 'Cancelled' });
