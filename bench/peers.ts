/**
 * `npm run bench:peers` — Conclave against the LangGraph JS Agent Server (dev mode) on the same work, in
 * one run (BENCHMARKS.md, "Versus LangGraph"). The work: a one-turn chatbot run with a fake model
 * (Conclave: create chat + `POST /chats/{id}/messages?wait=true` on a user → assistant flow with
 * `max_turns: 1`; LangGraph: create thread + `runs/wait` on a one-node graph). Figures per target:
 * sequential latency, runs/s at 8 and 32 clients, human-in-the-loop resume → completed, CPU per run
 * per server process and for the machine. Targets: LangGraph dev (installed on demand outside the
 * repository), Conclave in-process (API + Postgres), Conclave queue mode (API + 1 worker + Redis), and
 * the machine's ceiling: a bare `node:http` server answering the same requests with a fixed body.
 *
 * Env: BENCH_TARGETS (comma list of langgraph,in-process,queue,ceiling; default all), BENCH_SEQUENTIAL (runs
 * timed one by one, default 50), BENCH_SECONDS (each throughput window, default 10), BENCH_RESUMES
 * (default 30), BENCH_WORKER_CONCURRENCY (queue mode, default 32), BENCH_RECORD=false (do not append
 * to BENCHMARKS.md), BENCH_PEERS_DIR (where the peer is installed).
 */
import { resolve } from 'node:path';
import {
  answerAndWait,
  type Conclave,
  createAndWait,
  createChat,
  humanInTheLoopFlow,
  oneTurnFlow,
  redisPids,
  startConclave,
} from './support/conclave';
import { CpuMeter, processTree } from './support/proc';
import {
  langGraphCreateAndWait,
  langGraphResume,
  langGraphUntilInterrupt,
  startLangGraph,
} from './support/langgraph';
import { jsonClient } from './support/http';
import { concurrent, percentile, sequential } from './support/load';
import { freePort, startNodeApp } from './support/processes';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const TARGETS = (process.env.BENCH_TARGETS ?? 'langgraph,in-process,queue,ceiling').split(',').map((t) => t.trim());
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RESUMES = Number(process.env.BENCH_RESUMES ?? 30);
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '32';
const CLIENT_COUNTS = [8, 32];
const CEILING = 'bare node:http, no work (ceiling)';

/** What a target must offer: the same work on each, and where its CPU goes. */
interface Target {
  label: string;
  run(): Promise<void>;
  /** A conversation up to its human question; an id to resume. */
  untilQuestion(): Promise<string>;
  resume(id: string): Promise<void>;
  /** Server processes by name (a process and its children). */
  serverProcesses(): Record<string, number[]>;
  /** Postgres backends and Redis serving this target; `undefined` for an in-memory server. */
  storePids(): Promise<{ postgres: number[]; redis: number[] } | undefined>;
}

interface Figures {
  label: string;
  sequentialP50: number;
  sequentialP95: number;
  runsPerSecond: Record<number, number>;
  resumeP50: number;
  /** CPU ms per run during the 32-client window: each server process, their sum, stores, machine. */
  cpuPerRun: Record<string, number>;
  serverNames: string[];
  /** Keeps its state in memory: no Postgres or Redis to count. */
  inMemory: boolean;
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  log(`bench:peers — ${machineSummary()}`);
  const results: Figures[] = [];
  let peerVersions = 'not measured';
  const notes: string[] = [];

  if (TARGETS.includes('langgraph')) {
    try {
      const peer = await startLangGraph(log);
      peerVersions = peer.versions;
      log(`LangGraph dev server up at ${peer.url} (${peer.versions})`);
      const target: Target = {
        label: 'LangGraph dev',
        run: async () => void (await langGraphCreateAndWait(peer.client)),
        untilQuestion: () => langGraphUntilInterrupt(peer.client),
        resume: (id) => langGraphResume(peer.client, id),
        serverProcesses: () => ({ 'langgraph dev': processTree(peer.server.pid) }),
        storePids: async () => undefined,
      };
      try {
        results.push(await measure(target, log));
      } finally {
        await peer.stop();
      }
    } catch (err) {
      const why = `LangGraph dev server not measured: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`;
      log(why);
      notes.push(why);
    }
  }
  for (const mode of ['in-process', 'queue'] as const) {
    if (!TARGETS.includes(mode)) continue;
    const conclave = await startConclave({ mode, env: { WORKER_CONCURRENCY } });
    try {
      results.push(await measure(await conclaveTarget(conclave), log));
    } finally {
      await conclave.stop();
    }
  }
  if (TARGETS.includes('ceiling')) results.push(await measureCeiling(log));

  const settings =
    `BENCH_SEQUENTIAL=${SEQUENTIAL}, BENCH_SECONDS=${SECONDS}, BENCH_RESUMES=${RESUMES}, ` +
    `WORKER_CONCURRENCY=${WORKER_CONCURRENCY}; peer: ${peerVersions}`;
  reportResult(
    'Versus LangGraph',
    'bench:peers',
    settings,
    [...notes, figuresTable(results), cpuTable(results)].join('\n\n'),
  );
}

async function conclaveTarget(conclave: Conclave): Promise<Target> {
  const oneTurn = await conclave.createFlow(oneTurnFlow());
  const human = await conclave.createFlow(humanInTheLoopFlow());
  const processes = [conclave.api, ...conclave.workers];
  return {
    label: conclave.mode === 'queue' ? 'Conclave queue (API + 1 worker)' : 'Conclave in-process',
    run: async () => void (await createAndWait(conclave.client, oneTurn)),
    untilQuestion: () => createAndWait(conclave.client, human, 'wait_for_human_input'),
    resume: (id) => answerAndWait(conclave.client, id),
    serverProcesses: () => Object.fromEntries(processes.map((p) => [p.name, [p.pid]])),
    storePids: async () => ({
      postgres: await conclave.postgresPids(),
      redis: conclave.mode === 'queue' ? redisPids() : [],
    }),
  };
}

/**
 * The same load against a server that does nothing (`support/bare-http-server`): the load generator's
 * and Node's HTTP cost on these cores, so the runs/s no server could exceed here.
 */
async function measureCeiling(log: (line: string) => void): Promise<Figures> {
  const port = await freePort();
  const server = await startNodeApp(
    'bare http',
    resolve(__dirname, 'support/bare-http-server.js'),
    { PORT: String(port) },
    /listening on/,
  );
  const client = jsonClient(`http://127.0.0.1:${port}`);
  try {
    return await measure(
      {
        label: CEILING,
        run: async () => void (await createAndWait(client, 'none')),
        untilQuestion: () => createChat(client, 'none'),
        resume: (id) => answerAndWait(client, id),
        serverProcesses: () => ({ 'bare http': [server.pid] }),
        storePids: async () => undefined,
      },
      log,
    );
  } finally {
    await client.close();
    await server.stop();
  }
}

async function measure(target: Target, log: (line: string) => void): Promise<Figures> {
  log(`\n${target.label}: warm-up…`);
  await sequential(20, () => target.run());
  const latencies = await sequential(SEQUENTIAL, () => target.run());
  log(
    `  sequential create+wait: p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms`,
  );

  const runsPerSecond: Record<number, number> = {};
  let cpuPerRun: Record<string, number> = {};
  let serverNames: string[] = [];
  let inMemory = false;
  for (const clients of CLIENT_COUNTS) {
    const servers = target.serverProcesses();
    serverNames = Object.keys(servers);
    const stores = await target.storePids();
    inMemory = stores === undefined;
    const meter = new CpuMeter({ ...servers, postgres: stores?.postgres ?? [], redis: stores?.redis ?? [] });
    meter.start();
    const result = await concurrent(clients, SECONDS, () => target.run());
    const used = meter.stop();
    runsPerSecond[clients] = result.perSecond;
    log(
      `  ${clients} clients: ${fmt(result.perSecond)} runs/s (p50 ${fmt(percentile(result.latenciesMs, 50))} ms)`,
    );
    if (clients === Math.max(...CLIENT_COUNTS)) {
      cpuPerRun = Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, ms / result.total]));
      cpuPerRun.servers = serverNames.reduce((sum, name) => sum + cpuPerRun[name], 0);
      log(
        `  CPU ms per run: ${Object.entries(cpuPerRun)
          .filter(([name]) => name !== 'wallMs')
          .map(([name, ms]) => `${name} ${fmt(ms)}`)
          .join(', ')}`,
      );
    }
  }

  const resumes: number[] = [];
  for (let i = 0; i < RESUMES; i++) {
    const id = await target.untilQuestion();
    const t0 = performance.now();
    await target.resume(id);
    resumes.push(performance.now() - t0);
  }
  log(`  human resume → completed: p50 ${fmt(percentile(resumes, 50))} ms`);
  return {
    label: target.label,
    sequentialP50: percentile(latencies, 50),
    sequentialP95: percentile(latencies, 95),
    runsPerSecond,
    resumeP50: percentile(resumes, 50),
    cpuPerRun,
    serverNames,
    inMemory,
  };
}

/** Figures side by side; each Conclave figure with its ratio to LangGraph's (when it was measured). */
function figuresTable(results: Figures[]): string {
  const peer = results.find((r) => r.label === 'LangGraph dev');
  const cell = (value: number, unit: string, peerValue: number | undefined, r: Figures) => {
    const text = `${fmt(value)}${unit}`;
    if (!peer || r === peer || peerValue === undefined) return text;
    return `${text} (${ratio(value, peerValue)})`;
  };
  const rows: [string, (r: Figures) => number, string, string][] = [
    ['sequential create+wait p50', (r) => r.sequentialP50, ' ms', '≤ 1/50'],
    ['sequential create+wait p95', (r) => r.sequentialP95, ' ms', ''],
    ...CLIENT_COUNTS.map((c): [string, (r: Figures) => number, string, string] => [
      `runs/s, ${c} clients`,
      (r) => r.runsPerSecond[c],
      '',
      c === 32 ? '≥ 20× (queue)' : '',
    ]),
    ['human resume → completed p50', (r) => r.resumeP50, ' ms', '≤ 1/50'],
    ['CPU ms per run, server processes', (r) => r.cpuPerRun.servers, '', '≤ 1/5'],
    [
      'CPU ms per run, servers + Postgres + Redis',
      (r) => r.cpuPerRun.servers + (r.cpuPerRun.postgres ?? 0) + (r.cpuPerRun.redis ?? 0),
      '',
      '',
    ],
    ['CPU ms per run, whole machine (/proc/stat)', (r) => r.cpuPerRun.machine, '', ''],
  ];
  return markdownTable(
    ['figure', ...results.map((r) => r.label), 'goal'],
    rows.map(([name, get, unit, goal]) => [
      name,
      ...results.map((r) => cell(get(r), unit, peer ? get(peer) : undefined, r)),
      goal,
    ]),
  );
}

/** CPU ms per run of each process (32 clients), to see where a run's CPU goes. */
function cpuTable(results: Figures[]): string {
  return markdownTable(
    [
      'CPU ms per run (32 clients)',
      'per server process',
      'Postgres (this database)',
      'Redis (whole server)',
      'machine',
    ],
    results.map((r) => [
      r.label,
      r.serverNames.map((name) => `${name} ${fmt(r.cpuPerRun[name])}`).join(', '),
      r.inMemory ? '— (in memory)' : fmt(r.cpuPerRun.postgres),
      r.inMemory || r.cpuPerRun.redis === 0 ? '—' : fmt(r.cpuPerRun.redis),
      fmt(r.cpuPerRun.machine),
    ]),
  );
}

/** `value` relative to the peer's: `×` when bigger is better-looking, `1/n` when smaller. */
function ratio(value: number, peerValue: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(peerValue) || value === 0 || peerValue === 0) return '—';
  return value >= peerValue ? `${fmt(value / peerValue)}×` : `1/${fmt(peerValue / value)}`;
}

runBench(main);
