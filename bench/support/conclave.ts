import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { generateApiKey } from '../../libs/auth/src/api-key';
import { processesNamed } from './proc';
import { expectStatus, jsonClient, type JsonClient } from './http';
import { API_MAIN, freePort, type ServerProcess, startNodeApp, WORKER_MAIN } from './processes';
import { createScratchDatabase } from './scratch-database';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `in-process`: the API executes runs itself (Postgres only). `queue`: API + worker processes over Redis. */
export type ConclaveMode = 'in-process' | 'queue';

export interface ConclaveOptions {
  mode: ConclaveMode;
  /** Worker processes in queue mode (default 1). */
  workers?: number;
  /** Extra environment for every process (e.g. `WORKER_CONCURRENCY`). */
  env?: Record<string, string>;
  /** Node flags for the worker processes (e.g. `--cpu-prof`). */
  workerNodeArgs?: string[];
  /** Node flags for the API process (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow). */
  apiNodeArgs?: string[];
}

/**
 * The built Conclave (`dist/`) on a scratch database: the API and, in queue mode, worker processes
 * started as separate processes (so their CPU is measurable), and one account with an API key.
 */
export interface Conclave {
  mode: ConclaveMode;
  url: string;
  databaseUrl: string;
  env: Record<string, string>;
  api: ServerProcess;
  workers: ServerProcess[];
  /** The account's key (`X-API-Key`). */
  secret: string;
  /** A keep-alive client authenticated with `secret`. */
  client: JsonClient;
  /** A direct connection to the scratch database (counts, pg_stat_activity). */
  db: Client;
  /** POST /flows; the flow's id. */
  createFlow(spec: unknown): Promise<string>;
  /** Pids of this database's Postgres backends (other databases on the server are not counted). */
  postgresPids(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startConclave(opts: ConclaveOptions): Promise<Conclave> {
  const scratch = await createScratchDatabase();
  const port = await freePort();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: scratch.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    MAX_RUNS_PER_ACCOUNT: '10000',
    PLAN_MESSAGE_LIMITS: 'pro=1000000000',
    ...(opts.mode === 'queue' ? { REDIS_URL, CONCLAVE_QUEUE_PREFIX: prefix, REDIS_PREFIX: prefix } : {}),
    ...opts.env,
  };
  const processes: ServerProcess[] = [];
  const db = new Client({ connectionString: scratch.url });
  const stop = async () => {
    await Promise.allSettled(processes.reverse().map((p) => p.stop()));
    await db.end().catch(() => undefined);
    await scratch.drop().catch(() => undefined);
  };
  try {
    // "API listening on", not node's "Debugger listening on" when the API runs with --inspect.
    const api = await startNodeApp('api', API_MAIN, env, /API listening on/, opts.apiNodeArgs);
    processes.push(api);
    const workers: ServerProcess[] = [];
    for (let i = 0; i < (opts.mode === 'queue' ? (opts.workers ?? 1) : 0); i++) {
      const worker = await startNodeApp(
        `worker${i + 1}`,
        WORKER_MAIN,
        env,
        /worker ready/,
        opts.workerNodeArgs,
      );
      processes.push(worker);
      workers.push(worker);
    }
    await db.connect();
    const secret = await seedAccount(db);
    const url = `http://127.0.0.1:${port}`;
    const client = jsonClient(url, { 'x-api-key': secret });
    return {
      mode: opts.mode,
      url,
      databaseUrl: scratch.url,
      env,
      api,
      workers,
      secret,
      client,
      db,
      createFlow: async (spec) =>
        expectStatus(await client.call('POST', '/flows', spec), 201, 'POST /flows').body.id,
      postgresPids: async () =>
        (
          await db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          )
        ).rows.map((r) => r.pid),
      stop: async () => {
        await client.close().catch(() => undefined);
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The Redis server's pid(s): shared with anything else on this Redis, so a machine-level figure. */
export function redisPids(): number[] {
  return processesNamed('redis-server');
}

async function seedAccount(db: Client): Promise<string> {
  const key = generateApiKey();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO accounts (email, plan, credit_balance) VALUES ('bench@local', 'pro', 1000000000000) RETURNING id`,
  );
  await db.query(`INSERT INTO api_keys (account_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`, [
    rows[0].id,
    key.prefix,
    key.hash,
  ]);
  return key.secret;
}

/** user → assistant, one model call per run (`max_turns: 1`), an instant scripted model. */
export function oneTurnFlow(delayMs = 0): unknown {
  return {
    name: 'bench one turn',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
      {
        name: 'assistant',
        type: 'assistant',
        llm: { provider: 'scripted', replies: ['pong'], delay_ms: delayMs },
      },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 1 },
  };
}

/**
 * A person in the loop: the assistant answers, the user proxy asks the human (`ALWAYS`); the human's
 * answer goes to the assistant, whose second reply ends the chat (`max_turns: 2`).
 */
export function humanInTheLoopFlow(): unknown {
  return {
    name: 'bench human in the loop',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
      { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['pong'] } },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
  };
}

/** `POST /chats` from a flow; the chat's id. */
export async function createChat(client: JsonClient, flowId: string, name = 'bench'): Promise<string> {
  const res = await client.call('POST', '/chats', { name, from_type: 'flow', from_flow: flowId });
  return expectStatus(res, 201, 'POST /chats').body.id;
}

/** One chatbot run: create a chat, send a message, wait for the run to pause or end; checks the chat's status. */
export async function createAndWait(
  client: JsonClient,
  flowId: string,
  status = 'completed',
): Promise<string> {
  const chatId = await createChat(client, flowId);
  const sent = expectStatus(
    await client.call('POST', `/chats/${chatId}/messages?wait=true`, { message: 'hi' }),
    202,
    'POST /chats/{id}/messages?wait=true',
  );
  expectChatStatus(sent.body, status);
  return chatId;
}

/** `POST /chats/{id}/input?wait=true` and check where the chat ended up. */
export async function answerAndWait(client: JsonClient, chatId: string, status = 'completed'): Promise<void> {
  const res = expectStatus(
    await client.call('POST', `/chats/${chatId}/input?wait=true`, { message: 'more' }),
    202,
    'POST /chats/{id}/input?wait=true',
  );
  expectChatStatus(res.body, status);
}

function expectChatStatus(body: any, status: string): void {
  if (body?.chat?.status !== status) {
    throw new Error(`expected the chat ${status}, got: ${JSON.stringify(body).slice(0, 500)}`);
  }
}
