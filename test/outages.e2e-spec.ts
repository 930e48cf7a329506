import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startTestApi, twoAgentFlow, waitFor, type TestAccount, type TestApi } from './support/api';
import { API_MAIN, freePort, startProcess } from './support/processes';

/**
 * Redis going away in queue mode: REST keeps answering (the rate limiter counts in memory), /health
 * says `degraded` naming Redis, and it says `ok` again once Redis is back. Uses its own redis-server
 * on a free port (never the shared one), killed and restarted by the test.
 */
describe('outages: Redis down in queue mode', () => {
  let redis: ChildProcess;
  let redisPort: number;
  let t: TestApi;
  let a: TestAccount;

  function startRedis(): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
  }

  async function stopRedis(): Promise<void> {
    const exited = new Promise((r) => redis.once('exit', r));
    redis.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis();
    t = await startTestApi({
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CONCLAVE_QUEUE_PREFIX: `out-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_PER_MINUTE: '1000',
    });
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
    if (redis && redis.exitCode === null && redis.signalCode === null) await stopRedis();
  });

  it('REST keeps working and /health reports degraded (redis) while Redis is down, ok after', async () => {
    const flowId = await a.createFlow(twoAgentFlow());
    expect((await fetch(`${t.url}/health`).then((r) => r.json() as Promise<any>)).status).toBe('ok');
    await stopRedis();

    const health = await waitFor(async () => {
      const body = await fetch(`${t.url}/health`).then((r) => r.json() as Promise<any>);
      return body.status === 'degraded' ? body : null;
    });
    expect(health).toMatchObject({ status: 'degraded', database: 'up', redis: 'down', degraded: ['redis'] });

    // Reads and writes answer (no 500 from the rate limiter) and land in Postgres.
    const created = await a.request('POST', '/chats', {
      name: 'during',
      from_type: 'flow',
      from_flow: flowId,
    });
    expect(created.status).toBe(201);
    const sent = await a.request('POST', `/chats/${created.body.id}/messages`, { message: 'Hi' });
    expect(sent.status).toBe(202);
    const list = await a.request('GET', '/chats');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: any) => c.id)).toContain(created.body.id);
    const { rows } = await t.db.query(`SELECT status FROM runs WHERE chat_id = $1`, [created.body.id]);
    expect(rows).toHaveLength(1);

    redis = await startRedis();
    await waitFor(
      async () => (await fetch(`${t.url}/health`).then((r) => r.json() as Promise<any>)).status === 'ok',
      30_000,
    );
    expect((await a.request('GET', `/chats/${created.body.id}`)).status).toBe(200);
  });

  it('Redis unreachable at start-up: a clear error and exit within 10 s', async () => {
    const closedPort = await freePort();
    const failure = await startProcess(
      API_MAIN,
      {
        DATABASE_URL: t.databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${closedPort}`,
        PORT: String(await freePort()),
        SEED_DEMO: 'false',
      },
      /listening on/,
      10_000, // the requirement: exit within 10 s (else this rejects with "not ready")
    ).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toMatch(/REDIS_URL\) is unreachable/);
  });
});
