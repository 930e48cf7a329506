/**
 * `npm run bench:idle` — what chats waiting for a person cost (BENCHMARKS.md, "Idle cost"): queue mode
 * (API + 1 worker), `BENCH_CHATS` (10,000) chats of a human-in-the-loop flow each driven to
 * `wait_for_human_input` over the API (32 clients). Then: worker slots busy and jobs queued (the
 * `runs` queue counts of `GET /health`), the API's RSS growth from after a 200-chat warm-up, and the
 * CPU the API and worker spend per second while everything waits. Goals: 0 busy, 0 queued, +≤ 50 MB.
 * RSS is read twice at each point: as it is (it holds whatever garbage the load left), then after a
 * full GC asked of the API over its inspector (what the waiting chats keep). The Postgres connections
 * of the deployment are sampled each second: their peak shows the pools' bound, not the chat count.
 */
import { expectStatus } from './support/http';
import { type Conclave, createAndWait, humanInTheLoopFlow, startConclave } from './support/conclave';
import { concurrentCount, sleep } from './support/load';
import { inspectorCall, inspectorUrl } from './support/inspector';
import { CpuMeter, processRssMb } from './support/proc';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const CHATS = Number(process.env.BENCH_CHATS ?? 10_000);
const WARMUP = 200;
const CLIENTS = 32;

async function main(): Promise<void> {
  console.log(`bench:idle — ${machineSummary()}`);
  const conclave = await startConclave({ mode: 'queue', apiNodeArgs: ['--inspect=127.0.0.1:0'] });
  try {
    const inspector = inspectorUrl(conclave.api.output());
    const rssAfterGc = async () => {
      await inspectorCall(inspector, 'HeapProfiler.collectGarbage');
      await sleep(500);
      return processRssMb(conclave.api.pid);
    };
    const connections = new ConnectionPeaks(conclave.db);
    const flow = await conclave.createFlow(humanInTheLoopFlow());
    const waitingChat = () =>
      createAndWait(conclave.client, flow, 'wait_for_human_input').then(() => undefined);
    await concurrentCount(CLIENTS, WARMUP, waitingChat);
    await sleep(3_000);
    const rssBefore = processRssMb(conclave.api.pid);
    const rssBeforeGc = await rssAfterGc();
    const t0 = performance.now();
    connections.start();
    await concurrentCount(CLIENTS, CHATS - WARMUP, waitingChat, (done) => {
      if (done % 1000 === 0)
        console.log(`  ${done + WARMUP} chats waiting (${fmt((performance.now() - t0) / 1000)} s)`);
    });
    await connections.stop();
    await sleep(5_000);
    const rssAfter = processRssMb(conclave.api.pid);
    const rssAfterGcd = await rssAfterGc();
    const health = expectStatus(await conclave.client.call('GET', '/health'), 200, 'GET /health').body;
    const queue = health.queue ?? {};
    const { rows } = await conclave.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM chats WHERE status = 'wait_for_human_input'`,
    );
    const meter = new CpuMeter({ api: [conclave.api.pid], worker: conclave.workers.map((w) => w.pid) });
    meter.start();
    await sleep(10_000);
    const idle = meter.stop();

    const growth = rssAfter - rssBefore;
    const table = markdownTable(
      ['figure', 'value', 'goal'],
      [
        ['chats waiting for input', String(rows[0].n), String(CHATS)],
        ['worker slots busy (`active` jobs)', String(queue.active), '0'],
        [
          'jobs queued (`waiting` + `delayed` + `prioritized`)',
          String((queue.waiting ?? 0) + (queue.delayed ?? 0) + (queue.prioritized ?? 0)),
          '0',
        ],
        [
          'API RSS after warm-up → after',
          `${fmt(rssBefore)} → ${fmt(rssAfter)} MB (${signed(growth)} MB)`,
          '+≤ 50 MB',
        ],
        [
          'API RSS after a full GC, after warm-up → after',
          `${fmt(rssBeforeGc)} → ${fmt(rssAfterGcd)} MB (${signed(rssAfterGcd - rssBeforeGc)} MB)`,
          '+≤ 50 MB',
        ],
        [
          'Postgres connections of the deployment, peak while the chats were started',
          connections.summary(),
          '',
        ],
        ['CPU while all wait, API / worker', `${fmt(idle.api / 10)} / ${fmt(idle.worker / 10)} ms per s`, ''],
      ],
    );
    reportResult('Idle cost', 'bench:idle', `BENCH_CHATS=${CHATS}, queue mode (API + 1 worker)`, table);
  } finally {
    await conclave.stop();
  }
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n)}`;

/** Peak number of Postgres connections per application (API, worker, this bench), sampled each second. */
class ConnectionPeaks {
  private readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(private readonly db: Conclave['db']) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, 1_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  summary(): string {
    const total = this.peaks.get('total') ?? 0;
    const each = [...this.peaks].filter(([name]) => name !== 'total').map(([name, n]) => `${name} ${n}`);
    return `${total} (${each.join(', ')})`;
  }

  private async sample(): Promise<void> {
    const { rows } = await this.db.query<{ app: string; n: number }>(
      `SELECT coalesce(nullif(application_name, ''), 'bench') AS app, count(*)::int AS n
         FROM pg_stat_activity WHERE datname = current_database() GROUP BY 1`,
    );
    let total = 0;
    for (const { app, n } of rows) {
      total += n;
      this.peaks.set(app, Math.max(this.peaks.get(app) ?? 0, n));
    }
    this.peaks.set('total', Math.max(this.peaks.get('total') ?? 0, total));
  }
}

runBench(main);
