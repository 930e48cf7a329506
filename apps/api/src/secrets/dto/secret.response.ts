import { z } from 'zod';
import { Timestamp } from '../../common/api-schemas';

/** A secret as the API shows it: never its value. */
export const Secret = z
  .object({ name: z.string(), hosts: z.array(z.string()), created_at: Timestamp, updated_at: Timestamp })
  .meta({ id: 'Secret' });
