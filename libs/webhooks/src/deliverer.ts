import type { ClaimedDelivery, WebhookAttempt, WebhooksRepository } from '@conclave/persistence';
import { retryDelayMs, type RetryPolicy } from './retry-policy';
import { webhookHeaders } from './signature';

/** Outbound HTTP for deliveries: the egress policy's fetch (webhook URLs are tenant input). */
export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface WebhookDeliveryOptions {
  retry: RetryPolicy;
  /** Per attempt: connect + response headers. */
  timeoutMs: number;
  /** Consecutive failed attempts after which an endpoint is disabled. */
  disableAfterFailures: number;
  /** How long a claimed delivery is reserved for one attempt (longer than `timeoutMs`). */
  leaseMs: number;
}

export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  eventType: string;
  /** Attempts made so far, this one included. */
  attempts: number;
  ok: boolean;
  responseCode: number | null;
  durationMs: number;
  /** `pending` with `nextAttemptAt` when it will be retried. */
  status: 'succeeded' | 'pending' | 'failed';
  nextAttemptAt: Date | null;
  endpointDisabled: boolean;
}

/**
 * Sends one attempt of a claimed delivery and records what happened. 2xx is success; anything else
 * (another status, a redirect — not followed —, a timeout, a refused address) is a failed attempt
 * retried with backoff. Never throws for the receiver's faults: those are the delivery's outcome.
 */
export class WebhookDeliverer {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly fetch: WebhookFetch,
    private readonly options: WebhookDeliveryOptions,
    private readonly onAttempt: (outcome: AttemptOutcome) => void = () => undefined,
  ) {}

  /** Claims and sends up to `limit` due deliveries; returns how many were attempted. */
  async deliverDue(limit: number): Promise<AttemptOutcome[]> {
    const claimed = await this.repository.claimDue({ limit, leaseMs: this.options.leaseMs });
    return Promise.all(claimed.map((d) => this.attempt(d)));
  }

  /** Claims and sends exactly this delivery if it is due (a queue job); null when it is not. */
  async deliverOne(id: string): Promise<AttemptOutcome | null> {
    const [claimed] = await this.repository.claimDue({ limit: 1, leaseMs: this.options.leaseMs, id });
    return claimed ? this.attempt(claimed) : null;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const started = Date.now();
    const body = JSON.stringify(delivery.payload);
    let responseCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Conclave-Webhooks/1',
          ...webhookHeaders(delivery.secret, delivery.id, Math.floor(started / 1000), body),
        },
        body,
      });
      responseCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
    } catch (err) {
      error = describeFetchError(err);
    }
    const attempt: WebhookAttempt = {
      at: new Date(started).toISOString(),
      response_code: responseCode,
      error,
      duration_ms: Date.now() - started,
    };
    const base = {
      deliveryId: delivery.id,
      endpointId: delivery.endpoint_id,
      eventType: delivery.event_type,
      attempts: delivery.attempts + 1,
      responseCode,
      durationMs: attempt.duration_ms,
    };
    if (!error) {
      await this.repository.recordSuccess(delivery, attempt);
      const outcome: AttemptOutcome = {
        ...base,
        ok: true,
        status: 'succeeded',
        nextAttemptAt: null,
        endpointDisabled: false,
      };
      this.onAttempt(outcome);
      return outcome;
    }
    const result = await this.repository.recordFailure(delivery, {
      attempt,
      retryDelayMs: retryDelayMs(this.options.retry, delivery.attempts + 1),
      retryWindowMs: this.options.retry.windowMs,
      disableAfter: this.options.disableAfterFailures,
    });
    const outcome: AttemptOutcome = {
      ...base,
      ok: false,
      status: result.status === 'failed' ? 'failed' : 'pending',
      nextAttemptAt: result.status === 'pending' ? result.nextAttemptAt : null,
      endpointDisabled: result.endpointDisabled,
    };
    this.onAttempt(outcome);
    return outcome;
  }
}

/** A short reason for the delivery log: never the request (it carries the signature). */
function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return (cause ? `${e?.message ?? 'fetch failed'}: ${cause}` : (e?.message ?? String(err))).slice(0, 500);
}
