import type { AgentRow } from '@conclave/persistence';
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
const domain = z.string().trim().min(1).max(253).nullable();

export const CreateAgentBody = z
  .object({
    name,
    flow_id: z.string().min(1).max(100),
    domain: domain.optional(),
    enabled: z.boolean().default(true),
    is_primary: z.boolean().optional(),
    /** Knowledge base the flow's assistants retrieve from when the flow names none. */
    knowledge_base_id: z.string().min(1).max(100).nullable().optional(),
  })
  .strict();
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = z
  .object({
    name: name.optional(),
    flow_id: z.string().min(1).max(100).optional(),
    domain: domain.optional(),
    enabled: z.boolean().optional(),
    is_primary: z.boolean().optional(),
    knowledge_base_id: z.string().min(1).max(100).nullable().optional(),
  })
  .strict();
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;

/** Agents as the API returns them; `website_id` is the integer id Asyntai clients use. */
export function toAgentDto(agent: AgentRow) {
  return {
    id: agent.id,
    website_id: Number(agent.website_id),
    name: agent.name,
    flow_id: agent.flow_id,
    domain: agent.domain,
    enabled: agent.enabled,
    is_primary: agent.is_primary,
    knowledge_base_id: agent.knowledge_base,
    created_at: agent.created_at,
    updated_at: agent.updated_at,
  };
}
