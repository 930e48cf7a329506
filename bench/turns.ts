/**
 * `npm run bench:turns` — agent turns per second in queue mode (BENCHMARKS.md): an instant scripted
 * model, 64 chats kept busy at once, the API and ONE worker process, against `pgbench` single-row
 * INSERT TPS (8 clients) measured in the same run on a scratch database. Prints both and the ratio.
 *
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
 * (default redis://127.0.0.1:6379), BENCH_SECONDS (measured window, default 15), BENCH_CHATS (64).
 * A turn = one agent message: a model call and its committed step.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { generateApiKey } from '../libs/auth/src/api-key';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = resolve(__dirname, '../..');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CHATS = Number(process.env.BENCH_CHATS ?? 64);
/** Accounts the chats are spread over (1 = one tenant; CHATS = no shared account row). */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1);
const WARMUP_MS = 3_000;
const PORT = 39_000 + Math.floor(Math.random() * 1000);

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  const databaseUrl = scratch.url;
  const children: ChildProcess[] = [];
  try {
    const pgbenchTps = runPgbench(databaseUrl);
    console.log(`pgbench single-row INSERT, 8 clients, 10 s: ${pgbenchTps.toFixed(0)} TPS`);

    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      CONCLAVE_QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: String(CHATS),
      // Every chat executing at once, on one account too: this bench measures the write path, not the
      // per-account fairness cap (default 8), which would leave 56 of the 64 chats queued.
      MAX_RUNS_PER_ACCOUNT: String(CHATS),
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    children.push(await start('dist/apps/api/src/main.js', env, /listening on/));
    // BENCH_PROFILE=1: the worker writes a V8 CPU profile (./*.cpuprofile) when it stops.
    const workerArgs = process.env.BENCH_PROFILE ? ['--cpu-prof'] : [];
    children.push(await start('dist/apps/worker/src/main.js', env, /worker ready/, workerArgs));

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const secrets: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const key = generateApiKey();
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO accounts (email, plan, credit_balance) VALUES ($1, 'pro', 1000000000) RETURNING id`,
        [`bench${i}@local`],
      );
      await db.query(
        `INSERT INTO api_keys (account_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`,
        [rows[0].id, key.prefix, key.hash],
      );
      secrets.push(key.secret);
    }
    const call = (secret: string, method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${PORT}${path}`, {
        method,
        headers: { 'X-API-Key': secret, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    const flowSpec = {
      name: 'bench',
      agents: [
        { name: 'alice', type: 'assistant', llm: { provider: 'scripted', replies: ['ping'] } },
        { name: 'bob', type: 'assistant', llm: { provider: 'scripted', replies: ['pong'] } },
      ],
      chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 50 },
    };
    const flows = await Promise.all(secrets.map((k) => call(k, 'POST', '/flows', flowSpec)));
    const chats: { id: string; secret: string }[] = [];
    for (let i = 0; i < CHATS; i++) {
      const a = i % ACCOUNTS;
      const body = { name: `bench ${i}`, from_type: 'flow', from_flow: flows[a].body.id };
      const chat = await call(secrets[a], 'POST', '/chats', body);
      chats.push({ id: chat.body.id, secret: secrets[a] });
    }

    // Each chat is kept busy: a new run (100 turns) as soon as the previous one settles.
    let running = true;
    const drivers = chats.map(async ({ id, secret }) => {
      while (running) await call(secret, 'POST', `/chats/${id}/messages?wait=true`, { message: 'go' });
    });
    const turns = async () => {
      const { rows: r } = await db.query<{ m: number; r: number }>(
        `SELECT (SELECT count(*) FROM messages)::int AS m, (SELECT count(*) FROM runs)::int AS r`,
      );
      return r[0].m - r[0].r; // agent messages: every run adds exactly one user message
    };
    await sleep(WARMUP_MS);
    const t0 = Date.now();
    const before = await turns();
    await sleep(SECONDS * 1000);
    const after = await turns();
    const elapsed = (Date.now() - t0) / 1000;
    running = false;
    await Promise.race([Promise.allSettled(drivers), sleep(5_000)]);
    await db.end();

    const turnsPerSecond = (after - before) / elapsed;
    console.log(
      `agent turns/s, queue mode, 1 worker, ${CHATS} chats over ${ACCOUNTS} account(s), instant scripted model, ${elapsed.toFixed(1)} s: ${turnsPerSecond.toFixed(0)}`,
    );
    console.log(`ratio turns/s ÷ pgbench TPS: ${(turnsPerSecond / pgbenchTps).toFixed(2)}x (goal ≥ 0.5x)`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  } finally {
    for (const child of children.reverse()) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5_000)]);
      child.kill('SIGKILL');
    }
    await scratch.drop().catch(() => undefined);
  }
}

function runPgbench(databaseUrl: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  const script = join(dir, 'insert.sql');
  writeFileSync(script, 'INSERT INTO bench_insert (v) VALUES (1);\n');
  const setup = spawnSync('psql', [
    databaseUrl,
    '-qc',
    'CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v int)',
  ]);
  if (setup.status !== 0) throw new Error(`psql failed: ${setup.stderr}`);
  const run = spawnSync('pgbench', ['-n', '-c', '8', '-j', '2', '-T', '10', '-f', script, databaseUrl], {
    encoding: 'utf8',
  });
  const tps = /tps = ([\d.]+)/.exec(run.stdout);
  if (!tps) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`);
  return Number(tps[1]);
}

async function start(
  main: string,
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, resolve(ROOT, main)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) ok();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      onData(chunk);
      process.stderr.write(chunk);
    });
    child.once('exit', (code) => fail(new Error(`${main} exited with ${code}:\n${output}`)));
    child.stdout!.resume();
  });
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
