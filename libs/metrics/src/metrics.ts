import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventBus } from '@conclave/realtime';

/** What a queue reports for the depth gauge. */
export type QueueDepthSource = () => Promise<Record<string, number> | null>;

/** A model call as the runtime saw it (one logical call, retries included). */
export interface ModelCallObservation {
  provider: string;
  seconds: number;
  ok: boolean;
}

export interface WebhookAttemptObservation {
  eventType: string;
  ok: boolean;
  durationMs: number;
}

/**
 * The Prometheus metrics of one process (`api` or `worker`), on its own registry. Every process
 * counts what it does itself (the events it publishes, the runs it ends, the model calls it
 * makes), so summing over processes never counts twice.
 */
export class ConclaveMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly runsStarted: Counter;
  private readonly runsEnded: Counter<'status' | 'reason'>;
  private readonly messages: Counter<'type'>;
  private readonly modelCalls: Histogram<'provider' | 'outcome'>;
  private readonly modelErrors: Counter<'provider'>;
  private readonly eventLag: Histogram;
  private readonly queueWait: Histogram<'queue'>;
  private readonly webhookAttempts: Counter<'event_type' | 'outcome'>;
  private readonly webhookDuration: Histogram<'outcome'>;
  private readonly queues = new Map<string, QueueDepthSource>();

  constructor(service: 'api' | 'worker') {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'conclave_process_' });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'conclave_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.runsStarted = new Counter({ name: 'conclave_runs_started_total', help: 'Runs started', registers });
    this.runsEnded = new Counter({
      name: 'conclave_runs_ended_total',
      help: 'Runs ended, by final status and termination reason',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.messages = new Counter({
      name: 'conclave_messages_total',
      help: 'Messages written to transcripts, by type (assistant messages are agent turns)',
      labelNames: ['type'],
      registers,
    });
    this.modelCalls = new Histogram({
      name: 'conclave_model_call_duration_seconds',
      help: 'Model call latency (retries included), by provider and outcome',
      labelNames: ['provider', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.modelErrors = new Counter({
      name: 'conclave_model_call_errors_total',
      help: 'Model calls that failed after their retries, by provider',
      labelNames: ['provider'],
      registers,
    });
    this.eventLag = new Histogram({
      name: 'conclave_event_publish_lag_seconds',
      help: 'Time from an event being written to the log to its publication to subscribers',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'conclave_queue_wait_seconds',
      help: 'Time a job waited in its queue before a worker took it',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'conclave_webhook_attempts_total',
      help: 'Webhook delivery attempts, by event type and outcome',
      labelNames: ['event_type', 'outcome'],
      registers,
    });
    this.webhookDuration = new Histogram({
      name: 'conclave_webhook_attempt_duration_seconds',
      help: 'Webhook delivery attempt latency',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const queues = this.queues;
    new Gauge({
      name: 'conclave_queue_jobs',
      help: 'Jobs in each BullMQ queue, by state (queue mode)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const [queue, source] of queues) {
          const counts = await source().catch(() => null);
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue, state }, n);
        }
      },
    });
  }

  /** Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  runEnded(status: string, reason: string): void {
    this.runsEnded.inc({ status, reason });
  }

  modelCall(observation: ModelCallObservation): void {
    this.modelCalls.observe(
      { provider: observation.provider, outcome: observation.ok ? 'ok' : 'error' },
      observation.seconds,
    );
    if (!observation.ok) this.modelErrors.inc({ provider: observation.provider });
  }

  queueWaited(queue: string, seconds: number): void {
    if (seconds >= 0) this.queueWait.observe({ queue }, seconds);
  }

  webhookAttempt(observation: WebhookAttemptObservation): void {
    const outcome = observation.ok ? 'ok' : 'error';
    this.webhookAttempts.inc({ event_type: observation.eventType, outcome });
    this.webhookDuration.observe({ outcome }, observation.durationMs / 1000);
  }

  trackQueue(name: string, source: QueueDepthSource): void {
    this.queues.set(name, source);
  }

  /**
   * The bus this process publishes on, observed: run starts, messages and publish lag are counted
   * from the committed events it publishes (not those it receives from other processes).
   */
  observeBus(bus: EventBus): EventBus {
    return {
      publish: (message) => {
        if (message.kind === 'events') {
          const now = Date.now();
          for (const event of message.events) {
            if (event.type === 'run.started') this.runsStarted.inc();
            else if (event.type === 'message.created')
              this.messages.inc({ type: String((event.data as { type?: unknown }).type ?? 'unknown') });
            const written = Date.parse(String(event.created_at));
            if (Number.isFinite(written)) this.eventLag.observe(Math.max(0, now - written) / 1000);
          }
        }
        bus.publish(message);
      },
      subscribe: (listener) => bus.subscribe(listener),
      close: () => bus.close(),
    };
  }
}
