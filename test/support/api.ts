import { Pool } from 'pg';
import { generateApiKey } from '../../libs/auth/src/api-key';
import type { FlowSpecInput } from '../../libs/domain/src/flow-spec';
import { API_MAIN, freePort, startProcess, type AppProcess } from './processes';
import { createTestDatabase } from './services';

export interface TestApi {
  url: string;
  process: AppProcess;
  databaseUrl: string;
  /** Direct SQL for assertions against what is stored. */
  db: Pool;
  /** A new account with one API key. */
  account(options?: AccountOptions): Promise<TestAccount>;
  /**
   * Another API instance on the same database, with the same environment plus `extra` (`PORT` reuses
   * a stopped instance's address); stopped by `close()`. `readyTimeoutMs` bounds its start-up.
   */
  startInstance(
    extra?: Record<string, string>,
    options?: { readyTimeoutMs?: number },
  ): Promise<{ url: string; process: AppProcess }>;
  close(): Promise<void>;
}

export interface TestAccount {
  id: string;
  key: string;
  /** fetch against the API with this account's key; JSON in, {status, body, headers} out. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** POST /flows; returns the flow id. */
  createFlow(flow: FlowSpecInput): Promise<string>;
}

export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
}

let accounts = 0;

/**
 * Starts the built API as a process on a fresh database (embedded-mode wiring unless env says otherwise).
 * `readyTimeoutMs` bounds its start-up (default 30 s; a loaded machine may need more).
 */
export async function startTestApi(
  env: Record<string, string> = {},
  options: { readyTimeoutMs?: number } = {},
): Promise<TestApi> {
  const database = await createTestDatabase();
  const { url, process: proc } = await startApiProcess(database.url, env, options.readyTimeoutMs);
  const instances: AppProcess[] = [];
  const db = new Pool({ connectionString: database.url, max: 4 });
  // close() drops the database WITH (FORCE): a client still ending then gets a FATAL that must not
  // surface as an unhandled 'error' event and fail the whole test file.
  db.on('error', () => undefined);
  return {
    url,
    process: proc,
    databaseUrl: database.url,
    db,
    account: (options) => createAccount(db, url, options),
    async startInstance(extra = {}, options = {}) {
      const instance = await startApiProcess(database.url, { ...env, ...extra }, options.readyTimeoutMs);
      instances.push(instance.process);
      return instance;
    },
    async close() {
      await Promise.allSettled(instances.map((p) => p.stop()));
      await proc.stop();
      await db.end();
      await database.drop();
    },
  };
}

export interface AccountOptions {
  credits?: number;
  plan?: string;
  /** A chosen account id (e.g. one named in the API's environment before it started). */
  id?: string;
}

async function startApiProcess(
  databaseUrl: string,
  env: Record<string, string>,
  readyTimeoutMs?: number,
): Promise<{ url: string; process: AppProcess }> {
  const port = await freePort();
  const proc = await startProcess(
    API_MAIN,
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      // Load tests send thousands of requests with one key; the rate-limit test lowers this itself.
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Every test client is 127.0.0.1: tests of refused keys must not lock the others out.
      AUTH_FAILURES_PER_MINUTE: '1000000',
      ...env,
    },
    /listening on/,
    readyTimeoutMs,
  );
  return { url: `http://127.0.0.1:${port}`, process: proc };
}

export async function createAccount(
  db: Pool,
  url: string,
  options: AccountOptions = {},
): Promise<TestAccount> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO accounts (id, email, plan, credit_balance) VALUES (coalesce($4::uuid, gen_random_uuid()), $1, $2, $3)
     RETURNING id`,
    [
      `user${++accounts}-${process.pid}-${Date.now()}@test.local`,
      options.plan ?? 'pro',
      options.credits ?? 1_000_000,
      options.id ?? null,
    ],
  );
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (account_id, name, prefix, key_hash) VALUES ($1, 'test', $2, $3)`, [
    rows[0].id,
    key.prefix,
    key.hash,
  ]);
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(url, method, path, body, { 'X-API-Key': key.secret, ...headers });
  return {
    id: rows[0].id,
    key: key.secret,
    request,
    async createFlow(flow: FlowSpecInput) {
      const res = await request('POST', '/flows', flow);
      if (res.status !== 201) throw new Error(`POST /flows → ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
  };
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Two-agent flow: a human (ALWAYS) and a scripted assistant. */
export function twoAgentFlow(
  replies: string[] = ['Hi there!', 'Still here.'],
  extra: Partial<FlowSpecInput> = {},
): FlowSpecInput {
  return {
    name: 'two agents',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
      { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies } },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    ...extra,
  };
}

/**
 * One scripted reply calling two unknown tools: both results are written at once, so the first is
 * in the middle of an engine step (a fork there is refused naming seqs 2 and 4).
 */
export function toolPairFlow(name = 'tools'): FlowSpecInput {
  return {
    name,
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
      {
        name: 'assistant',
        type: 'assistant',
        llm: {
          provider: 'scripted',
          replies: [
            {
              content: null,
              tool_calls: [
                { id: 'c1', name: 'nope', arguments: {} },
                { id: 'c2', name: 'nada', arguments: {} },
              ],
            },
          ],
        },
      },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
  };
}

/** Two scripted assistants answering each other (`ping`/`pong`) for up to `turns` turns. */
export function pingPongFlow(delayMs: number, turns = 50): FlowSpecInput {
  return {
    name: 'ping-pong',
    agents: [
      {
        name: 'alice',
        type: 'assistant',
        llm: { provider: 'scripted', replies: ['ping'], delay_ms: delayMs },
      },
      { name: 'bob', type: 'assistant', llm: { provider: 'scripted', replies: ['pong'], delay_ms: delayMs } },
    ],
    chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: turns },
  } as FlowSpecInput;
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
