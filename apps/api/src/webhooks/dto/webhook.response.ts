import { WEBHOOK_EVENT_TYPES } from '@conclave/webhooks';
import { z } from 'zod';
import { Id, JsonObject, NullableTimestamp, Timestamp } from '../../common/api-schemas';

/** Webhook endpoints and deliveries as the API returns them (toWebhookDto, toDeliveryDto). */

export const WebhookEndpoint = z
  .object({
    id: Id,
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().meta({ description: 'Why it was disabled automatically' }),
    disabled_at: NullableTimestamp,
    failure_streak: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

export const CreatedWebhookEndpoint = WebhookEndpoint.extend({
  secret: z.string().meta({ description: 'The signing secret (`whsec_...`): shown only here' }),
}).meta({ id: 'CreatedWebhookEndpoint' });

export const WebhookDelivery = z
  .object({
    id: Id,
    endpoint_id: Id,
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    last_response_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: NullableTimestamp,
    created_at: Timestamp,
    completed_at: NullableTimestamp,
    attempt_log: z.array(
      z.object({
        at: Timestamp,
        response_code: z.number().int().nullable(),
        error: z.string().nullable(),
        duration_ms: z.number(),
      }),
    ),
    payload: JsonObject.meta({ description: 'The signed body sent to the endpoint' }),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryPage = z
  .object({ data: z.array(WebhookDelivery), next_cursor: z.string().nullable() })
  .meta({ id: 'WebhookDeliveryPage' });
