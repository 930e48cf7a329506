import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { call, startTestApi, twoAgentFlow, waitFor, type TestApi } from './support/api';
import { freePort } from './support/processes';
import { startQueueMode, type QueueModeEnv } from './support/queue';

jest.setTimeout(120_000);

type Family = {
  name: string;
  type: string;
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    count?: string;
    buckets?: Record<string, string>;
  }[];
};

interface Scrape {
  text: string;
  families: Map<string, Family>;
}

/** Parses the exposition with a Prometheus text-format parser (throws on malformed text). */
function parse(text: string): Scrape {
  const families = parsePrometheusTextFormat(text) as Family[];
  return { text, families: new Map(families.map((f) => [f.name, f])) };
}

function rawTotal(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Sum of the samples of `name` whose labels include `labels`. Histograms: pass `<name>_count`
 * (read from the raw text: the parser keeps only a histogram's buckets).
 */
function total(scraped: Scrape, name: string, labels: Record<string, string> = {}): number {
  if (name.endsWith('_count')) return rawTotal(scraped.text, name, labels);
  const family = scraped.families.get(name);
  if (!family) return 0;
  return family.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

const TOKEN = 'metrics-token-0123456789';

describe('metrics and probes (embedded)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await api?.close();
  });

  const scrape = async () => {
    const res = await call(api.url, 'GET', '/metrics', undefined, { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parse(res.body as string);
  };

  it('protects /metrics with the token', async () => {
    expect((await call(api.url, 'GET', '/metrics')).status).toBe(401);
    expect(
      (await call(api.url, 'GET', '/metrics', undefined, { Authorization: 'Bearer wrong' })).status,
    ).toBe(401);
  });

  it('reports liveness and readiness per dependency', async () => {
    const live = await call(api.url, 'GET', '/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await call(api.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', postgres: 'up', redis: 'not_used', queue: 'not_used' });
  });

  it('parses and moves when runs happen', async () => {
    const before = await scrape();
    const account = await api.account();
    const flowId = await account.createFlow(twoAgentFlow(['Hello!']));
    const chat = await account.request('POST', '/chats', { name: 'm', from_type: 'flow', from_flow: flowId });
    await account.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'hi' });
    await account.request('POST', `/chats/${chat.body.id}/input?wait=true`, { message: 'exit' });
    await waitFor(
      async () => (await account.request('GET', `/chats/${chat.body.id}`)).body.status === 'completed',
    );

    const after = await waitFor(async () => {
      const m = await scrape();
      return total(m, 'conclave_runs_ended_total', { reason: 'human_exit' }) >= 1 && m;
    });
    expect(total(after, 'conclave_runs_started_total')).toBe(
      total(before, 'conclave_runs_started_total') + 1,
    );
    expect(total(after, 'conclave_runs_ended_total', { status: 'completed', reason: 'human_exit' })).toBe(1);
    expect(total(after, 'conclave_messages_total', { type: 'assistant' })).toBeGreaterThanOrEqual(1);
    expect(
      total(after, 'conclave_model_call_duration_seconds_count', { provider: 'scripted', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(after, 'conclave_event_publish_lag_seconds_count')).toBeGreaterThan(
      total(before, 'conclave_event_publish_lag_seconds_count'),
    );
    // Latency by route template, never by raw path.
    expect(
      total(after, 'conclave_http_request_duration_seconds_count', {
        route: '/chats/:id/messages',
        method: 'POST',
      }),
    ).toBe(1);
    expect(after.families.has('conclave_http_request_duration_seconds')).toBe(true);
    expect(after.text).not.toContain(chat.body.id);
  });
});

describe('metrics and probes (queue mode worker on METRICS_PORT)', () => {
  let qm: QueueModeEnv;
  let metricsPort: number;
  beforeAll(async () => {
    qm = await startQueueMode();
    metricsPort = await freePort();
    await qm.startWorker({ METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    await qm?.close();
  });

  it('exposes the worker’s runs, queue depth and readiness', async () => {
    const base = `http://127.0.0.1:${metricsPort}`;
    const ready = await call(base, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', postgres: 'up', redis: 'up' });
    expect(typeof ready.body.queue.waiting).toBe('number');
    const apiReady = await call(qm.api.url, 'GET', '/health/ready');
    expect(apiReady.body).toMatchObject({ status: 'ready', postgres: 'up', redis: 'up' });

    const account = await qm.api.account();
    const flowId = await account.createFlow(twoAgentFlow(['Hello!']));
    const chat = await account.request('POST', '/chats', { name: 'q', from_type: 'flow', from_flow: flowId });
    await account.request('POST', `/chats/${chat.body.id}/messages`, { message: 'hi' });
    const scraped = await waitFor(async () => {
      const res = await call(base, 'GET', '/metrics');
      const m = parse(res.body as string);
      return total(m, 'conclave_runs_started_total') >= 1 && m;
    });
    expect(total(scraped, 'conclave_queue_wait_seconds_count', { queue: 'runs' })).toBeGreaterThanOrEqual(1);
    expect(scraped.families.get('conclave_queue_jobs')).toBeDefined();
    expect(
      total(scraped, 'conclave_model_call_duration_seconds_count', { provider: 'scripted' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
