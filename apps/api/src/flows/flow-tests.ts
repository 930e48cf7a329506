import { z } from 'zod';

const Answer = z.union([
  z.string(),
  z.strictObject({
    tool_outputs: z.array(z.strictObject({ tool_call_id: z.string().min(1), output: z.string() })).min(1),
  }),
]);

/** A message as `GET /chats/{id}/messages` returns it (extra fields such as id, seq, meta are ignored). */
const RecordedMessage = z
  .object({
    sender: z.string().min(1),
    receiver: z.string().nullable().optional(),
    recipient: z.string().nullable().optional(),
    type: z.enum(['user', 'assistant', 'tool']).default('assistant'),
    content: z.string().nullable(),
    tool_calls: z
      .array(z.object({ id: z.string(), name: z.string(), arguments: z.string() }).loose())
      .nullable()
      .optional(),
    tool_call_id: z.string().nullable().optional(),
  })
  .loose();

const RecordedTranscript = z.strictObject({
  /** Each run of the conversation: the message that started it, its seed, and the answers it got. */
  runs: z
    .array(
      z.strictObject({
        message: z.string(),
        seed: z.number().int().min(0).default(1),
        answers: z.array(Answer).max(1000).default([]),
      }),
    )
    .min(1)
    .max(100),
  messages: z.array(RecordedMessage).max(5000),
});

/** `POST /flows/{id}/test`. */
export const FlowTestBody = z
  .strictObject({
    chat_ids: z.array(z.uuid()).min(1).max(20).optional(),
    transcripts: z.array(RecordedTranscript).min(1).max(20).optional(),
    /** Flow version to run; default the latest. */
    version: z.number().int().positive().optional(),
    /** `scripted`: only scripted models (no provider is called); `live`: the flow's models as configured. */
    models: z.enum(['scripted', 'live']).default('scripted'),
  })
  .refine((b) => (b.chat_ids === undefined) !== (b.transcripts === undefined), {
    message: 'give either chat_ids or transcripts',
    path: ['chat_ids'],
  });
export type FlowTestBody = z.infer<typeof FlowTestBody>;
export type RecordedTranscriptBody = z.infer<typeof RecordedTranscript>;

/** Bounds of one test request: it runs synchronously inside the API process. */
export const FLOW_TEST_LIMITS = {
  maxModelCallsPerConversation: 200,
  maxMessagesPerConversation: 2000,
  /** The whole request. */
  timeoutMs: 60_000,
};
