import { z } from 'zod';
import { Id } from '../../common/api-schemas';

/** `GET /account`. */
export const Account = z
  .object({
    id: Id,
    email: z.string(),
    plan: z.string(),
    credit_balance: z.number(),
    messages_used: z
      .number()
      .int()
      .meta({ description: 'End-user messages accepted this calendar month (UTC)' }),
    messages_limit: z.number().int().meta({ description: 'The plan’s monthly limit' }),
    credits_used: z.number().meta({ description: 'Credits debited this calendar month (UTC)' }),
  })
  .meta({ id: 'Account' });
