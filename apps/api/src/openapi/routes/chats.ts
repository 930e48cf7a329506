import { z } from 'zod';
import {
  CreateChatBody,
  ForkBody,
  ListChatsQuery,
  ListMessagesQuery,
  SendQuery,
  WaitQuery,
} from '../../chats/dto/chat.dto';
import { Cancelled, Chat, ChatPage, Message, MessagePage, RunStarted } from '../../chats/dto/chat.response';
import { EventsQuery } from '../../realtime/dto/events-query';
import type { ApiRoute } from '../route';
import { idParam } from './params';

/**
 * `PostMessageBody` and `InputBody` validate procedurally (to name the missing field and accept
 * Agentok's client shape); these schemas describe what they accept.
 */
const MessageText = z.string().max(100_000);
export const MessageBodyShape = z
  .union([
    z.object({ message: MessageText.min(1) }),
    z
      .object({
        type: z.string().optional(),
        content: MessageText.min(1),
        sender: z.string().optional(),
        receiver: z.string().optional(),
        meta: z.record(z.string(), z.unknown()).optional(),
      })
      .meta({ description: 'Agentok’s client shape' }),
  ])
  .meta({ id: 'SendMessageBody', example: { message: 'Plan a three-day trip to Lisbon' } });

export const InputBodyShape = z
  .union([
    z.object({ message: MessageText.meta({ description: '"" is AG2’s empty answer' }) }),
    z.object({
      tool_outputs: z
        .array(z.object({ tool_call_id: z.string().min(1), output: MessageText }))
        .min(1)
        .meta({ description: 'For a `tool_outputs` input request: one output per pending tool call' }),
    }),
  ])
  .meta({ id: 'AnswerInputBody', example: { message: 'Yes, go ahead' } });

const chat = idParam('chat');
const tags = ['chats'];
const chatResponse = (description: string) => ({ description, schema: Chat });

export const chatRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/chats',
    operationId: 'chats.list',
    summary: 'List chats',
    description:
      'Own chats, newest first. `order=waiting_since` is the operators’ inbox: chats waiting for input, longest waiting first.',
    tags,
    access: 'key',
    query: ListChatsQuery,
    responses: { 200: { description: 'A page of chats', schema: ChatPage } },
    errors: [400],
  },
  {
    method: 'post',
    path: '/chats',
    operationId: 'chats.create',
    summary: 'Create a chat',
    description:
      'A chat runs a flow (`from_flow`; Agentok’s `from_type: "project", from_project` also works).',
    tags,
    access: 'key',
    body: {
      schema: CreateChatBody,
      example: {
        name: 'Trip planning',
        from_type: 'flow',
        from_flow: '0b9d1c7e-4f7a-4a53-9a57-5c2f0e6a1d10',
      },
    },
    responses: { 201: chatResponse('The chat (`status: ready`)') },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/chats/{id}',
    operationId: 'chats.get',
    summary: 'Get a chat',
    tags,
    access: 'key',
    params: chat,
    responses: { 200: chatResponse('The chat, with its status and pending input request') },
    errors: [400, 404],
  },
  {
    method: 'delete',
    path: '/chats/{id}',
    operationId: 'chats.delete',
    summary: 'Delete a chat',
    description: 'Cancels any run, deletes the chat and its transcript.',
    tags,
    access: 'key',
    params: chat,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/chats/{id}/messages',
    operationId: 'chats.sendMessage',
    summary: 'Send a message (starts a run)',
    description:
      'Starts a run with the message. `?wait=true` answers when the run pauses or ends, with its messages. A chat waiting for input answers 409 saying how to answer it.',
    tags,
    access: 'key',
    params: chat,
    query: SendQuery,
    body: { schema: MessageBodyShape, example: { message: 'Plan a three-day trip to Lisbon' } },
    responses: {
      202: { description: 'The run started (or settled, with `?wait=true`)', schema: RunStarted },
    },
    errors: [400, 402, 403, 404, 409, 413],
  },
  {
    method: 'get',
    path: '/chats/{id}/messages',
    operationId: 'chats.listMessages',
    summary: 'Read the transcript',
    description:
      'Messages after `after` (or `cursor`), by `seq`: a JSON array, with the page position in `X-Has-More`/`X-Next-Cursor`/`Link`; `?paged=true` answers `{data, next_cursor, has_more}` instead.',
    tags,
    access: 'key',
    params: chat,
    query: ListMessagesQuery,
    responses: {
      200: {
        description: 'The messages (an array; a page object with `?paged=true`)',
        schema: z.union([z.array(Message), MessagePage]),
        headers: {
          'X-Has-More': { description: 'Whether more messages follow', schema: z.enum(['true', 'false']) },
          'X-Next-Cursor': { description: 'Pass as `cursor` for the next page', schema: z.string() },
          Link: { description: '`<...?cursor=N>; rel="next"`', schema: z.string() },
        },
      },
    },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/chats/{id}/input',
    operationId: 'chats.answerInput',
    summary: 'Answer the pending input request',
    description:
      '`{message}` for a `text` or `speaker` request, `{tool_outputs}` for client tools. A chat claimed by another operator answers 409.',
    tags,
    access: 'key',
    params: chat,
    query: WaitQuery,
    body: { schema: InputBodyShape, example: { message: 'Yes, go ahead' } },
    responses: {
      202: { description: 'The run resumed (or settled, with `?wait=true`)', schema: RunStarted },
    },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/chats/{id}/claim',
    operationId: 'chats.claim',
    summary: 'Claim a chat (operators)',
    description: 'Holds the chat for this key: other keys’ input is refused with 409 until released or idle.',
    tags: ['operators'],
    access: 'key',
    params: chat,
    responses: { 200: chatResponse('The chat with its `claim`') },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/chats/{id}/release',
    operationId: 'chats.release',
    summary: 'Release a claimed chat',
    tags: ['operators'],
    access: 'key',
    params: chat,
    responses: { 200: chatResponse('The chat, unclaimed') },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/chats/{id}/fork',
    operationId: 'chats.fork',
    summary: 'Fork a chat at a message',
    description:
      'A new chat with the transcript up to `at_seq` and the engine state there; its run resumes from that point. `?wait=true` answers once it settles.',
    tags,
    access: 'key',
    params: chat,
    query: WaitQuery,
    body: { schema: ForkBody, example: { at_seq: 3, name: 'Try another answer' } },
    responses: { 201: chatResponse('The new chat') },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/chats/{id}/cancel',
    operationId: 'chats.cancel',
    summary: 'Stop the active run',
    description: 'Keeps what the run produced. `cancelled: false` when no run was active.',
    tags,
    access: 'key',
    params: chat,
    responses: { 202: { description: 'Cancellation requested', schema: Cancelled } },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/chats/{id}/abort',
    operationId: 'chats.abort',
    summary: 'Stop the active run (alias of cancel)',
    tags,
    access: 'key',
    params: chat,
    responses: { 202: { description: 'Cancellation requested', schema: Cancelled } },
    errors: [400, 404],
    deprecated: true,
  },
  {
    method: 'get',
    path: '/chats/{id}/events',
    operationId: 'chats.streamEvents',
    summary: 'Stream the chat’s events (SSE)',
    description:
      'Server-Sent Events over the chat’s event log, the same envelopes as socket.io. Each persisted event is `id: <seq>` + `data: <json>`. Resume with `Last-Event-ID` or `?after=`; `?until=terminal` ends the stream when the run ends.',
    tags,
    access: 'key',
    params: chat,
    query: EventsQuery,
    headers: z.object({
      'last-event-id': z
        .string()
        .optional()
        .meta({ description: 'The last `seq` received: resume after it' }),
    }),
    responses: {
      200: {
        description: 'An event stream',
        mediaType: 'text/event-stream',
        schema: z.string().meta({ description: '`id: <seq>` / `data: <event envelope JSON>` records' }),
      },
    },
    errors: [400, 404],
  },
];
