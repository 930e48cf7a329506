/**
 * `npm run bench:knowledge-load` — background ingestion under chat traffic. Starts the API (embedded
 * wiring: runs and indexing in the API process) on a scratch database, measures one-turn chat
 * latency (create + message with `?wait=true`, the assistant retrieving from a knowledge base) at
 * rest, then adds 1,000 short text sources over the API and keeps sampling chat latency until every
 * source is `ready`. Prints ingestion throughput and chat p50/p95 at rest and during ingestion.
 *
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DOCS (1000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { generateApiKey } from '../libs/auth/src/api-key';
import { createScratchDatabase } from './support/scratch-database';

const ROOT = resolve(__dirname, '../..');
const DOCS = Number(process.env.BENCH_DOCS ?? 1000);
const PORT = 40_000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const WORDS =
  'account billing refund shipping parcel tablet pen battery sync notebook export invoice storage plan team calendar screen light password security privacy warranty repair firmware wifi template search share discount'.split(
    ' ',
  );

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  let api: ChildProcess | null = null;
  const db = new Client({ connectionString: scratch.url });
  try {
    api = await start({
      DATABASE_URL: scratch.url,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await db.connect();
    const key = generateApiKey();
    const [{ id: accountId }] = (
      await db.query<{ id: string }>(
        `INSERT INTO accounts (email, plan, credit_balance) VALUES ('load@bench.local', 'pro', 100000000) RETURNING id`,
      )
    ).rows;
    await db.query(`INSERT INTO api_keys (account_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`, [
      accountId,
      key.prefix,
      key.hash,
    ]);
    const request = (method: string, path: string, body?: unknown) => call(key.secret, method, path, body);
    const base = await request('POST', '/knowledge-bases', { name: 'load' });
    await request('POST', `/knowledge-bases/${base.id}/sources`, {
      type: 'text',
      title: 'Seed',
      content: '# Refunds\nRefunds are paid within 10 days.',
    });
    const flow = await request('POST', '/flows', {
      name: 'one turn with retrieval',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        {
          name: 'assistant',
          type: 'assistant',
          knowledge: { base: 'load', top_k: 3 },
          llm: { provider: 'scripted', replies: ['Refunds take 10 days.'] },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 1 },
    });
    const chatOnce = async () => {
      const started = performance.now();
      const chat = await request('POST', '/chats', { name: 'c', from_type: 'flow', from_flow: flow.id });
      await request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'How long do refunds take?' });
      return performance.now() - started;
    };
    for (let i = 0; i < 10; i++) await chatOnce(); // warm-up
    const atRest: number[] = [];
    for (let i = 0; i < 40; i++) atRest.push(await chatOnce());

    const started = performance.now();
    const postTimes: number[] = [];
    let posted = 0;
    const poster = async () => {
      while (posted < DOCS) {
        const n = posted++;
        const t0 = performance.now();
        await request('POST', `/knowledge-bases/${base.id}/sources`, {
          type: 'text',
          title: `Doc ${n}`,
          content: doc(n),
        });
        postTimes.push(performance.now() - t0);
      }
    };
    const posting = Promise.all([poster(), poster(), poster(), poster()]);
    const during: number[] = [];
    let ready = 0;
    for (;;) {
      during.push(await chatOnce());
      ready = Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM knowledge_sources WHERE status IN ('ready', 'failed') AND title LIKE 'Doc %'`,
          )
        ).rows[0].n,
      );
      if (ready >= DOCS) break;
    }
    await posting;
    const seconds = (performance.now() - started) / 1000;
    const failed = Number(
      (await db.query(`SELECT count(*) AS n FROM knowledge_sources WHERE status = 'failed'`)).rows[0].n,
    );
    const chunks = Number((await db.query(`SELECT count(*) AS n FROM knowledge_chunks`)).rows[0].n);
    console.log(
      `${DOCS} short text sources (${chunks} chunks) added over the API and indexed in ${seconds.toFixed(1)} s`,
    );
    console.log(`  → ${(DOCS / seconds).toFixed(0)} sources/s end to end, ${failed} failed`);
    console.log(`  POST .../sources (4 clients): p50 ${pct(postTimes, 50)} ms, p95 ${pct(postTimes, 95)} ms`);
    console.log('one-turn chat with retrieval (create + message ?wait=true), sequential:');
    console.log(
      `  at rest:          p50 ${pct(atRest, 50)} ms, p95 ${pct(atRest, 95)} ms (n=${atRest.length})`,
    );
    console.log(
      `  during ingestion: p50 ${pct(during, 50)} ms, p95 ${pct(during, 95)} ms (n=${during.length})`,
    );
  } finally {
    api?.kill('SIGTERM');
    await db.end().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    await scratch.drop();
  }
}

function doc(n: number): string {
  const pick = (i: number) => WORDS[(n * 7 + i * 13) % WORDS.length];
  return `# Topic ${n}\nThis note explains ${pick(0)} and ${pick(1)} for case ${n}. Customers asking about ${pick(2)} should check the ${pick(3)} settings first, then contact support about ${pick(4)}.`;
}

function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

async function call(key: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(BASE + path, {
    method,
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on/.test(output)) ok();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`api exited with ${code}:\n${output}`)));
  });
  return child;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
