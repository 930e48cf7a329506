import { CHAT_STATUSES } from '@conclave/domain';
import { z } from 'zod';

const MAX_MESSAGE_CHARS = 100_000;

/** `POST /chats`: Agentok's `{name, from_type:"flow", from_flow}` or `{from_type:"project", from_project}`. */
export const CreateChatBody = z
  .object({
    name: z.string().trim().min(1).max(200).default('Chat'),
    from_type: z.enum(['flow', 'project']).default('flow'),
    from_flow: z.string().min(1).max(100).optional(),
    from_project: z.string().min(1).max(100).optional(),
    flow_version: z.number().int().positive().optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((b) => (b.from_type === 'project' ? (b.from_project ?? b.from_flow) : b.from_flow) !== undefined, {
    message: 'from_flow is required (or from_project with from_type "project")',
    path: ['from_flow'],
  })
  .transform((b) => ({
    name: b.name,
    fromType: b.from_type,
    flowId: (b.from_type === 'project' ? (b.from_project ?? b.from_flow) : b.from_flow) as string,
    flowVersion: b.flow_version,
    metadata: b.metadata,
  }));
export type CreateChatBody = z.infer<typeof CreateChatBody>;

const messageText = z
  .string()
  .max(MAX_MESSAGE_CHARS, `message is longer than ${MAX_MESSAGE_CHARS} characters`);

/**
 * `POST /chats/{id}/messages` and `/input`: `{message}` or Agentok's client shape
 * `{type, content, sender?, receiver?, meta?}`. `message` may be "" only as an input answer.
 */
const MessageShape = z.union([
  z.object({ message: messageText }).loose(),
  z.object({ content: messageText, type: z.string().optional(), sender: z.string().optional() }).loose(),
]);

export const PostMessageBody = z
  .unknown()
  .superRefine((value, ctx) => {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      ctx.addIssue({ code: 'custom', message: 'body must be a JSON object' });
  })
  .pipe(MessageShape)
  .transform((b) => ('message' in b ? (b.message as string) : (b.content as string)))
  .refine((text) => text.trim().length > 0, { message: 'message is required and must not be empty' });

export const InputBody = z
  .unknown()
  .superRefine((value, ctx) => {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      ctx.addIssue({ code: 'custom', message: 'body must be a JSON object' });
  })
  .pipe(
    z.union([
      z
        .object({
          tool_outputs: z
            .array(z.object({ tool_call_id: z.string().min(1), output: z.string().max(MAX_MESSAGE_CHARS) }))
            .min(1),
        })
        .loose(),
      MessageShape,
    ]),
  )
  .transform((b) =>
    'tool_outputs' in b && Array.isArray(b.tool_outputs)
      ? {
          kind: 'tool_outputs' as const,
          outputs: b.tool_outputs as { tool_call_id: string; output: string }[],
        }
      : { kind: 'text' as const, message: ('message' in b ? b.message : b.content) as string },
  );
export type InputBody = z.infer<typeof InputBody>;

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === '');

export const WaitQuery = z.object({ wait: flag }).loose();

/** `POST /chats/{id}/fork`: the message to fork at (it must end an engine step), and a name. */
export const ForkBody = z.strictObject({
  at_seq: z.number().int().min(1),
  name: z.string().min(1).max(200).optional(),
});
export type ForkBody = z.infer<typeof ForkBody>;

export const SendQuery = z
  .object({ wait: flag, multitask: z.enum(['reject', 'enqueue', 'interrupt']).default('reject') })
  .loose();

export const ListChatsQuery = z
  .object({
    status: z.enum(CHAT_STATUSES).optional(),
    /** `waiting_since`: chats waiting for human input, longest waiting first (the operators' inbox). */
    order: z.enum(['created_at', 'waiting_since']).default('created_at'),
    /** Case-insensitive substring of the chat's name. */
    name: z.string().max(200).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .loose()
  .refine((q) => q.order !== 'waiting_since' || !q.status || q.status === 'wait_for_human_input', {
    message:
      'order=waiting_since lists chats waiting for input: status must be wait_for_human_input or absent',
    path: ['status'],
  });

export const ListMessagesQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .loose();

export type SendQuery = z.infer<typeof SendQuery>;
export type WaitQuery = z.infer<typeof WaitQuery>;
export type ListChatsQuery = z.infer<typeof ListChatsQuery>;
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;
