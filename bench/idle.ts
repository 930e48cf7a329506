/**
 * `npm run bench:idle` — what chats waiting for a person cost (BENCHMARKS.md, "Idle cost"): queue mode
 * (API + 1 worker), `BENCH_CHATS` (10,000) chats of a human-in-the-loop flow each driven to
 * `wait_for_human_input` over the API (32 clients). Then: worker slots busy and jobs queued (the
 * `runs` queue counts of `GET /health`), the API's RSS growth from after a 200-chat warm-up, and the
 * CPU the API and worker spend per second while everything waits. Goals: 0 busy, 0 queued, +≤ 50 MB.
 */
import { expectStatus } from './support/http';
import { createAndWait, humanInTheLoopFlow, startConclave } from './support/conclave';
import { concurrentCount, sleep } from './support/load';
import { CpuMeter, processRssMb } from './support/proc';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const CHATS = Number(process.env.BENCH_CHATS ?? 10_000);
const WARMUP = 200;
const CLIENTS = 32;

async function main(): Promise<void> {
  console.log(`bench:idle — ${machineSummary()}`);
  const conclave = await startConclave({ mode: 'queue' });
  try {
    const flow = await conclave.createFlow(humanInTheLoopFlow());
    const waitingChat = () =>
      createAndWait(conclave.client, flow, 'wait_for_human_input').then(() => undefined);
    await concurrentCount(CLIENTS, WARMUP, waitingChat);
    await sleep(3_000);
    const rssBefore = processRssMb(conclave.api.pid);
    const t0 = performance.now();
    await concurrentCount(CLIENTS, CHATS - WARMUP, waitingChat, (done) => {
      if (done % 1000 === 0)
        console.log(`  ${done + WARMUP} chats waiting (${fmt((performance.now() - t0) / 1000)} s)`);
    });
    await sleep(5_000);
    const rssAfter = processRssMb(conclave.api.pid);
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
          `${fmt(rssBefore)} → ${fmt(rssAfter)} MB (+${fmt(growth)} MB)`,
          '+≤ 50 MB',
        ],
        ['CPU while all wait, API / worker', `${fmt(idle.api / 10)} / ${fmt(idle.worker / 10)} ms per s`, ''],
      ],
    );
    reportResult('Idle cost', 'bench:idle', `BENCH_CHATS=${CHATS}, queue mode (API + 1 worker)`, table);
  } finally {
    await conclave.stop();
  }
}

runBench(main);
