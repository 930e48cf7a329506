import { z } from 'zod';

/** Bodies of `GET /health` (health.controller.ts) and the probes (observability.ts, @conclave/metrics). */

const UpDown = z.enum(['up', 'down']);
const QueueCounts = z.record(z.string(), z.number().int());

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    mode: z.enum(['embedded', 'queue']),
    database: UpDown,
    redis: UpDown.optional(),
    queue: QueueCounts.nullable().optional(),
    degraded: z.array(z.string()).optional().meta({ description: 'The dependencies that are down' }),
  })
  .meta({ id: 'Health' });

const ComponentState = z.enum(['up', 'down', 'not_used']);

export const Readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    postgres: ComponentState,
    redis: ComponentState,
    queue: z.union([QueueCounts, z.enum(['down', 'not_used'])]),
  })
  .meta({ id: 'Readiness' });

export const Liveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
