import { CHAT_STATUSES, INT4_MAX } from '@conclave/domain';
import { z } from 'zod';

const MAX_MESSAGE_CHARS = 100_000;

/** `POST /chats`: Agentok's `{name, from_type:"flow", from_flow}` or `{from_type:"project", from_project}`. */
export const CreateChatBody = z
  .object({
    name: z.string().trim().min(1).max(200).default('Chat'),
    from_type: z.enum(['flow', 'project']).default('flow'),
    from_flow: z.string().min(1).max(100).optional(),
    from_project: z.string().min(1).max(100).optional(),
    flow_version: z.number().int().positive().max(INT4_MAX).optional(),
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

/**
 * The text of `POST /chats/{id}/messages` and `/input`: `{message}` or Agentok's client shape
 * `{type, content, sender?, receiver?, meta?}`. A missing or wrong field is named (`message is
 * required`), with what else the route accepts (`also`).
 */
function messageText(
  body: Record<string, unknown>,
  ctx: z.RefinementCtx,
  also: string,
  allowEmpty: boolean,
): string | typeof z.NEVER {
  const field = 'message' in body ? 'message' : 'content' in body ? 'content' : null;
  if (field === null) {
    const sent = Object.keys(body);
    ctx.addIssue({
      code: 'custom',
      path: ['message'],
      message: `message is required (${also})${sent.length ? `; got ${sent.slice(0, 5).join(', ')}` : ''}`,
    });
    return z.NEVER;
  }
  const text = body[field];
  if (typeof text !== 'string') {
    ctx.addIssue({ code: 'custom', path: [field], message: `${field} must be a string` });
    return z.NEVER;
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `${field} is longer than ${MAX_MESSAGE_CHARS} characters`,
    });
    return z.NEVER;
  }
  if (!allowEmpty && text.trim() === '') {
    ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required and must not be empty` });
    return z.NEVER;
  }
  return text;
}

/** No body at all reads as `{}`, so the answer names the missing field. */
const jsonObject = z.preprocess(
  (value) => value ?? {},
  z.custom<Record<string, unknown>>(
    (value) => !!value && typeof value === 'object' && !Array.isArray(value),
    'body must be a JSON object, e.g. {"message": "..."}',
  ),
);

export const PostMessageBody = jsonObject.transform((body, ctx) =>
  messageText(body, ctx, 'or content, in Agentok’s shape', false),
);

const ToolOutputs = z
  .array(z.object({ tool_call_id: z.string().min(1), output: z.string().max(MAX_MESSAGE_CHARS) }))
  .min(1);

/** `/input`: `{message}` ("" allowed: AG2's empty answer) or `{tool_outputs}` for a client-tool request. */
export const InputBody = jsonObject.transform((body, ctx) => {
  if ('tool_outputs' in body) {
    const outputs = ToolOutputs.safeParse(body.tool_outputs);
    if (outputs.success) return { kind: 'tool_outputs' as const, outputs: outputs.data };
    for (const issue of outputs.error.issues)
      ctx.addIssue({ code: 'custom', path: ['tool_outputs', ...issue.path], message: issue.message });
    return z.NEVER;
  }
  const message = messageText(body, ctx, 'or tool_outputs for a client-tool request', true);
  return { kind: 'text' as const, message: message as string };
});
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
    after: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
    /** The previous page's `next_cursor` (a seq): the same as `after`. */
    cursor: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** `true`: answer `{data, next_cursor, has_more}` instead of the bare array (Agentok's shape). */
    paged: flag,
  })
  .loose()
  .transform((q) => ({ after: q.cursor ?? q.after ?? 0, limit: q.limit, paged: q.paged }));

export type SendQuery = z.infer<typeof SendQuery>;
export type WaitQuery = z.infer<typeof WaitQuery>;
export type ListChatsQuery = z.infer<typeof ListChatsQuery>;
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;
