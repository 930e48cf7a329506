/**
 * What an endpoint may subscribe to: the persisted chat events (the same types and payloads as the
 * real-time protocol) plus `webhook.disabled`, sent to an account's other endpoints when one is
 * disabled after a failure streak. An endpoint created without a filter gets every type.
 */
export const WEBHOOK_EVENT_TYPES = [
  'chat.status',
  'message.created',
  'input.requested',
  'input.overdue',
  'run.started',
  'run.completed',
  'run.failed',
  'run.cancelled',
  'webhook.disabled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
