import { INT4_MAX } from '@conclave/domain';
import { z } from 'zod';

/** `GET /chats/{id}/events`: resume after a seq (like `Last-Event-ID`); `until=terminal` ends with the run. */
export const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
  until: z.enum(['terminal']).optional(),
});
export type EventsQuery = z.infer<typeof EventsQuery>;
