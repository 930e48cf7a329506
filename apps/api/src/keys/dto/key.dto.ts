import { z } from 'zod';

/** `POST /api-keys`: `agent_id` scopes the key to one agent. */
export const CreateKeyBody = z.object({
  name: z.string().trim().min(1).max(100).default('default'),
  agent_id: z.uuid().optional(),
});
export type CreateKeyBody = z.infer<typeof CreateKeyBody>;
