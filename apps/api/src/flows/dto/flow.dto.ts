import { INT4_MAX } from '@conclave/domain';
import { z } from 'zod';

/** `GET /flows/{id}?version=`: a past version (default the latest). */
export const VersionQuery = z
  .object({ version: z.coerce.number().int().positive().max(INT4_MAX).optional() })
  .loose();
export type VersionQuery = z.infer<typeof VersionQuery>;
