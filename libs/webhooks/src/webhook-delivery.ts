import type { AppConfig } from '@conclave/config';
import { type Database, WebhooksRepository } from '@conclave/persistence';
import { type AttemptOutcome, WebhookDeliverer, type WebhookFetch } from './deliverer';
import { WebhookOutboxPoller } from './outbox-poller';
import { WebhookQueue } from './webhook-queue';

/** Claimed per poll; a full batch polls again at once. */
const BATCH_SIZE = 50;

export interface WebhookDelivery {
  start(): void;
  stop(): Promise<void>;
  /** Queue mode only: jobs waiting/delayed. */
  queue: WebhookQueue | null;
}

/**
 * Wires webhook delivery for a process: the in-process outbox poller (the API in the embedded
 * default) or BullMQ jobs (the worker in queue mode). Both read the same outbox.
 */
export function createWebhookDelivery(
  db: Database,
  config: AppConfig,
  options: {
    mode: 'poller' | 'queue';
    fetch: WebhookFetch;
    onAttempt?: (outcome: AttemptOutcome) => void;
    log?: (message: string) => void;
  },
): WebhookDelivery {
  const repository = new WebhooksRepository(db);
  const { retry, timeoutMs, disableAfterFailures, pollIntervalMs } = config.webhooks;
  const deliverer = new WebhookDeliverer(
    repository,
    options.fetch,
    { retry, timeoutMs, disableAfterFailures, leaseMs: timeoutMs + 30_000 },
    options.onAttempt,
  );
  if (options.mode === 'queue') {
    if (!config.redisUrl) throw new Error('webhook queue mode needs REDIS_URL');
    const queue = new WebhookQueue(repository, deliverer, {
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      concurrency: 8,
      pollIntervalMs,
      batchSize: BATCH_SIZE,
      log: options.log,
    });
    return { start: () => queue.start(), stop: () => queue.close(), queue };
  }
  const poller = new WebhookOutboxPoller(deliverer, {
    intervalMs: pollIntervalMs,
    batchSize: BATCH_SIZE,
    log: options.log,
  });
  return { start: () => poller.start(), stop: () => poller.stop(), queue: null };
}
