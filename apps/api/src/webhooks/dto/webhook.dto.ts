import type { WebhookDeliveryRow, WebhookEndpointRow } from '@conclave/persistence';
import { WEBHOOK_EVENT_TYPES } from '@conclave/webhooks';
import { z } from 'zod';

const url = z
  .string()
  .trim()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL');
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((list) => [...new Set(list)]);
const description = z.string().trim().max(500).nullable();

export const CreateWebhookBody = z
  .object({
    url,
    /** Omitted → every event type. */
    events: events.optional(),
    description: description.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

export const ListDeliveriesQuery = z
  .object({
    status: z.enum(['pending', 'succeeded', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

/** An endpoint as the API returns it: the signing secret only in the creation response. */
export function toWebhookDto(row: WebhookEndpointRow, options: { withSecret?: boolean } = {}) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at,
    failure_streak: row.failure_streak,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(options.withSecret ? { secret: row.secret } : {}),
  };
}

export function toDeliveryDto(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_response_code: row.last_response_code,
    last_error: row.last_error,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    created_at: row.created_at,
    completed_at: row.completed_at,
    attempt_log: row.attempt_log,
    payload: row.payload,
  };
}
