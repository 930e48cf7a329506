import { createServer, connect, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { createAccount, twoAgentFlow, waitFor, type TestAccount } from './support/api';
import { API_MAIN, freePort, startProcess, type AppProcess } from './support/processes';
import { createTestDatabase } from './support/services';

/**
 * A TCP proxy between the API and Postgres that can blackhole: every connection open at that moment
 * stops relaying in both directions (bytes dropped, sockets left open — a network that silently
 * stopped answering, no reset), and new connections are accepted but never answered. Healing makes
 * new connections relay again; the connections blackholed before stay dead forever (what a pool
 * sees when the server's side of them vanished during the partition), so the pool must let them go.
 */
class BlackholeProxy {
  private server!: Server;
  private blackholed = false;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket | null; dead: boolean }>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  blackhole(): void {
    this.blackholed = true;
    for (const pair of this.pairs) pair.dead = true;
  }

  heal(): void {
    this.blackholed = false;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const pair = { client, upstream: null as Socket | null, dead: this.blackholed };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      this.pairs.delete(pair);
      if (!pair.dead) pair.upstream?.destroy();
    });
    if (pair.dead) {
      client.on('data', () => undefined); // accepted, read and never answered
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => {
      if (!pair.dead) client.destroy();
    });
    client.on('data', (chunk) => {
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.dead) client.write(chunk);
    });
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

/**
 * One request that must be answered: aborted after 10 s so a hang fails the test instead of
 * hanging it (the requirement is an answer within a few seconds; no tighter timing is asserted).
 */
async function answered(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('outages: Postgres blackholed', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: BlackholeProxy;
  let api: AppProcess;
  let url: string;
  let db: Pool;
  let a: TestAccount;
  let flowId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = new BlackholeProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const port = await freePort();
    api = await startProcess(
      API_MAIN,
      {
        DATABASE_URL: viaProxy.toString(),
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        RATE_LIMIT_PER_MINUTE: '1000000',
        AUTH_FAILURES_PER_MINUTE: '1000000',
        DB_CONNECT_TIMEOUT_MS: '1000',
        DB_STATEMENT_TIMEOUT_MS: '2000',
      },
      /listening on/,
    );
    url = `http://127.0.0.1:${port}`;
    // The test's own connection goes straight to Postgres, never through the proxy.
    db = new Pool({ connectionString: database.url, max: 2 });
    db.on('error', () => undefined);
    a = await createAccount(db, url);
    flowId = await a.createFlow(twoAgentFlow());
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await db?.end();
    await database?.drop();
  });

  const headers = () => ({ 'X-API-Key': a.key, 'Content-Type': 'application/json' });

  it('answers 503 + Retry-After (never hangs) while blackholed, and recovers once healed', async () => {
    // Warm the pool so blackholed connections are sitting in it, not only new ones.
    for (let i = 0; i < 3; i++) expect((await a.request('GET', '/chats')).status).toBe(200);
    expect((await answered(`${url}/health`)).status).toBe(200);

    proxy.blackhole();

    const list = await answered(`${url}/chats`, { headers: headers() });
    expect(list.status).toBe(503);
    expect(list.retryAfter).toMatch(/^\d+$/);

    const create = await answered(`${url}/chats`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ name: 'during', from_type: 'flow', from_flow: flowId }),
    });
    expect(create.status).toBe(503);
    expect(create.retryAfter).toMatch(/^\d+$/);

    const health = await answered(`${url}/health`);
    expect(health.status).toBe(503);
    expect(health.retryAfter).toMatch(/^\d+$/);
    expect(health.body).toMatchObject({ status: 'down', database: 'down' });

    // Several at once, as a busy API would see them: all answered, none hangs behind another.
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => answered(`${url}/chats`, { headers: headers() })),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(6).fill(503));

    proxy.heal();

    await waitFor(
      async () => (await answered(`${url}/chats`, { headers: headers() })).status === 200,
      30_000,
    );
    // Recovered for good: the dead connections left the pool rather than failing every Nth request.
    for (let i = 0; i < 10; i++) expect((await a.request('GET', '/chats')).status).toBe(200);
    const created = await a.request('POST', '/chats', {
      name: 'after',
      from_type: 'flow',
      from_flow: flowId,
    });
    expect(created.status).toBe(201);
    const health2 = await answered(`${url}/health`);
    expect(health2.status).toBe(200);
    expect(health2.body.status).toBe('ok');
  }, 120_000);
});
