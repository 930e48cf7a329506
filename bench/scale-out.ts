/**
 * `npm run bench:scale-out` — does a second worker process double capacity? (BENCHMARKS.md,
 * "Scale-out"). Queue mode, a one-turn flow whose scripted model takes `BENCH_MODEL_DELAY_MS` (50) per
 * reply, each worker with `BENCH_WORKER_CONCURRENCY` (2) slots, so the workers' slots — not the CPU —
 * are the limit; `BENCH_CLIENTS` (16) clients loop create chat + message `?wait=true` for
 * `BENCH_SECONDS` (15), first against API + 1 worker, then API + 2 workers (fresh database each).
 * Goal: 2 workers ≥ 1.8× the runs/s of one.
 */
import { createAndWait, oneTurnFlow, startConclave } from './support/conclave';
import { concurrent, percentile } from './support/load';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const DELAY_MS = Number(process.env.BENCH_MODEL_DELAY_MS ?? 50);
const CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '2';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

async function measure(workers: number): Promise<{ perSecond: number; p50: number }> {
  const conclave = await startConclave({ mode: 'queue', workers, env: { WORKER_CONCURRENCY: CONCURRENCY } });
  try {
    const flow = await conclave.createFlow(oneTurnFlow(DELAY_MS));
    const result = await concurrent(
      CLIENTS,
      SECONDS,
      () => createAndWait(conclave.client, flow).then(() => undefined),
      3_000,
    );
    const p50 = percentile(result.latenciesMs, 50);
    console.log(`${workers} worker(s): ${fmt(result.perSecond)} runs/s, p50 ${fmt(p50)} ms`);
    return { perSecond: result.perSecond, p50 };
  } finally {
    await conclave.stop();
  }
}

async function main(): Promise<void> {
  console.log(`bench:scale-out — ${machineSummary()}`);
  const one = await measure(1);
  const two = await measure(2);
  const ceiling = (1000 / DELAY_MS) * Number(CONCURRENCY);
  const table = markdownTable(
    ['workers', 'runs/s', 'create+wait p50 ms', 'slot ceiling runs/s'],
    [
      ['1', fmt(one.perSecond), fmt(one.p50), fmt(ceiling)],
      ['2', fmt(two.perSecond), fmt(two.p50), fmt(2 * ceiling)],
    ],
  );
  const verdict = `ratio 2 workers ÷ 1: ${fmt(two.perSecond / one.perSecond, 2)}× (goal ≥ 1.8×)`;
  reportResult(
    'Scale-out',
    'bench:scale-out',
    `model delay ${DELAY_MS} ms, WORKER_CONCURRENCY=${CONCURRENCY}, ${CLIENTS} clients, ${SECONDS} s each`,
    `${table}\n\n${verdict}`,
  );
}

runBench(main);
