/**
 * `npm run bench:profile` — where a one-turn run's time goes (BENCHMARKS.md). The one-turn flow of
 * `bench:peers` (create chat + `POST /messages?wait=true`), run sequentially in each mode; every
 * server process is preloaded with `support/io-counter`, so the figures per run are, per process:
 * CPU ms, Postgres queries (by statement, with the time waited for each) and Redis commands, plus
 * the CPU of the database's Postgres backends.
 *
 * Env: BENCH_MODES (default `in-process,queue`), BENCH_RUNS (default 300).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ConclaveMode, createAndWait, oneTurnFlow, startConclave } from './support/conclave';
import { percentile, sequential, sleep } from './support/load';
import { CpuMeter, loadAverage } from './support/proc';
import type { IoCounts } from './support/io-counter';

const MODES = (process.env.BENCH_MODES ?? 'in-process,queue').split(',') as ConclaveMode[];
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const WARMUP_RUNS = 30;

async function main(): Promise<void> {
  console.log(`node ${process.version}, load average ${loadAverage().toFixed(1)}`);
  for (const mode of MODES) await profile(mode);
}

async function profile(mode: ConclaveMode): Promise<void> {
  const conclave = await startConclave({
    mode,
    env: { NODE_OPTIONS: `--require ${resolve(__dirname, 'support/io-counter.js')}` },
  });
  try {
    const servers = [conclave.api, ...conclave.workers];
    const flowId = await conclave.createFlow(oneTurnFlow());
    const run = () => createAndWait(conclave.client, flowId).then(() => undefined);
    await sequential(WARMUP_RUNS, run); // JIT, pools, prepared statements
    await collect(servers.map((s) => s.pid));
    const meter = new CpuMeter({
      ...Object.fromEntries(servers.map((s) => [s.name, [s.pid]])),
      postgres: await conclave.postgresPids(),
    });
    meter.start();
    const latencies = await sequential(RUNS, run);
    const cpu = meter.stop();
    const io = await collect(servers.map((s) => s.pid));

    console.log(`\n## ${mode}: ${RUNS} sequential one-turn runs (create chat + send ?wait=true)`);
    console.log(
      `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
    );
    const perRun = (ms: number) => (ms / RUNS).toFixed(2);
    for (const [name, ms] of Object.entries(cpu))
      if (name !== 'machine' && name !== 'wallMs') console.log(`${name} CPU per run: ${perRun(ms)} ms`);
    servers.forEach((s, i) => print(s.name, io[i], RUNS));
  } finally {
    await conclave.stop();
  }
}

function print(name: string, io: IoCounts, runs: number): void {
  const table = (kind: string, entries: Record<string, { count: number; ms: number }>) => {
    const rows = Object.entries(entries).sort((a, b) => b[1].count - a[1].count);
    const total = rows.reduce((n, [, v]) => n + v.count, 0);
    const ms = rows.reduce((n, [, v]) => n + v.ms, 0);
    console.log(
      `${name} ${kind} per run: ${(total / runs).toFixed(2)} (${(ms / runs).toFixed(2)} ms waited)`,
    );
    for (const [statement, v] of rows)
      console.log(
        `  ${(v.count / runs).toFixed(2).padStart(6)} × ${(v.ms / v.count).toFixed(2)} ms  ${statement}`,
      );
  };
  table('Postgres queries', io.pg);
  table('Redis commands', io.redis);
}

/** Asks each process (SIGUSR2) for its counts since the last ask. */
async function collect(pids: number[]): Promise<IoCounts[]> {
  const files = pids.map((pid) => `/tmp/io-counter-${pid}.json`);
  for (const file of files) rmSync(file, { force: true });
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 250 && !files.every((f) => existsSync(f)); i++) await sleep(20);
  await sleep(50); // written in one call, but let it finish
  return files.map((file) => {
    const counts = JSON.parse(readFileSync(file, 'utf8')) as IoCounts;
    rmSync(file, { force: true });
    return counts;
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
