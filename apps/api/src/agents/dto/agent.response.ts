import { z } from 'zod';
import { Id, Timestamp } from '../../common/api-schemas';

/** Agents as the API returns them (toAgentDto). */
export const Agent = z
  .object({
    id: Id,
    website_id: z.number().int().meta({ description: 'The integer id Asyntai clients use' }),
    name: z.string(),
    flow_id: Id,
    domain: z.string().nullable(),
    enabled: z.boolean(),
    is_primary: z.boolean(),
    knowledge_base_id: Id.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Agent' });
