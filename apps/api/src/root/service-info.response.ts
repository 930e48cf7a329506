import { z } from 'zod';

/** `GET /` (service-info.ts). */
export const ServiceInfo = z
  .object({
    service: z.literal('conclave'),
    name: z.string(),
    version: z.string(),
    description: z.string(),
    links: z.object({
      docs: z.string(),
      openapi: z.string(),
      console: z.string().nullable(),
      health: z.string(),
      flow_schema: z.string(),
      readme: z.string(),
    }),
  })
  .meta({ id: 'ServiceInfo' });
