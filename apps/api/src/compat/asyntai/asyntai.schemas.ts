import { z } from 'zod';

/**
 * Asyntai's request and response bodies. The controller checks the request procedurally (Asyntai's
 * messages); these schemas describe what it accepts and answers.
 */
export const AsyntaiChatBody = z
  .object({
    message: z.string().min(1).max(100_000),
    session_id: z
      .string()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: 'Names the conversation: a known one continues, a new one is created' }),
    website_id: z
      .union([z.number().int().min(1), z.string().regex(/^\d+$/)])
      .nullable()
      .optional()
      .meta({ description: 'The agent for a new session (default the primary one)' }),
  })
  .meta({ id: 'AsyntaiChatBody' });

export const AsyntaiConversationsQuery = z.object({
  session_id: z.string().min(1),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: 'Default 50, capped at 100' }),
});

export const AsyntaiChatReply = z
  .object({ success: z.literal(true), response: z.string(), session_id: z.string() })
  .meta({ id: 'AsyntaiChatReply' });

export const AsyntaiWebsites = z
  .object({
    success: z.literal(true),
    websites: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        domain: z.string().nullable(),
        is_primary: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'AsyntaiWebsites' });

export const AsyntaiConversation = z
  .object({
    success: z.literal(true),
    session_id: z.string(),
    messages: z.array(
      z.object({ role: z.enum(['user', 'assistant']), content: z.string(), timestamp: z.iso.datetime() }),
    ),
  })
  .meta({ id: 'AsyntaiConversation' });

export const AsyntaiAccount = z
  .object({
    success: z.literal(true),
    account: z.object({
      email: z.string(),
      plan: z.string(),
      messages_used: z.number().int(),
      messages_limit: z.number().int(),
    }),
  })
  .meta({ id: 'AsyntaiAccount' });
