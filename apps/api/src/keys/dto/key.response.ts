import { z } from 'zod';
import { Id, NullableTimestamp, Timestamp } from '../../common/api-schemas';

/** API keys as the API returns them (toKeyDto): the secret only in the creation response. */
export const ApiKey = z
  .object({
    id: Id,
    name: z.string(),
    prefix: z.string().meta({ description: 'The key’s first characters, to recognise it' }),
    agent_id: Id.nullable().meta({ description: 'Set for a key scoped to one agent' }),
    created_at: Timestamp,
    last_used_at: NullableTimestamp,
    revoked_at: NullableTimestamp,
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKey = ApiKey.extend({
  key: z.string().meta({ description: 'The secret: shown only here' }),
}).meta({ id: 'CreatedApiKey' });
