import { z } from 'zod';

/**
 * Aksita's request and response bodies. The controller checks the request procedurally to answer
 * Aksita's exact 400 reasons in Aksita's order; this schema describes what it accepts.
 */
export const AksitaChatBody = z
  .object({
    conversation_id: z.string().min(1).meta({ description: 'From `POST /api/session`' }),
    message: z.string().min(1).max(100_000),
    additional_context: z
      .string()
      .max(20_000)
      .nullable()
      .optional()
      .meta({ description: 'Given to the models for this turn only' }),
  })
  .meta({ id: 'AksitaChatBody' });

export const AksitaSession = z
  .object({
    status: z.literal(true),
    data: z.object({ conversation_id: z.uuid() }),
    detail: z.string(),
  })
  .meta({ id: 'AksitaSession' });

export const AksitaChatReply = z
  .object({
    status: z.literal(true),
    data: z.object({
      response: z
        .array(z.string())
        .meta({ description: 'Every non-empty agent text for this message, in order' }),
      credits: z.number(),
      remaining_credits: z.number(),
      message_id: z.uuid(),
      conversation_id: z.uuid(),
    }),
    detail: z
      .string()
      .meta({ description: 'Says when the response is incomplete (the agents are still working)' }),
  })
  .meta({ id: 'AksitaChatReply' });
