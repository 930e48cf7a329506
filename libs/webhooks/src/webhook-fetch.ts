import type { AppConfig } from '@conclave/config';
import { createEgress } from '@conclave/egress';
import type { WebhookFetch } from './deliverer';

/**
 * The outbound fetch deliveries use: the egress policy's (webhook URLs are tenant input, so no
 * loopback/private/metadata targets unless the operator allows them), bounded by the webhook timeout.
 */
export function webhookFetch(config: AppConfig): WebhookFetch {
  const egress = createEgress({
    ...config.egress,
    timeoutMs: config.webhooks.timeoutMs,
    maxResponseBytes: 65_536,
  });
  return (url, init) => egress.fetch(url, init);
}
