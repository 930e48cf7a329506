import { pingPongFlow, twoAgentFlow, waitFor, type TestAccount } from './support/api';
import { startQueueMode, type QueueModeEnv } from './support/queue';

/**
 * Controlling runs in queue mode (API and worker as separate processes): cancel, double-texting
 * (`multitask`), Idempotency-Key, input timeouts.
 */

/** Two scripted agents with a slow model: long enough to act on mid-run. */
const slowFlow = pingPongFlow;

describe('queue mode: cancel, multitask, idempotency, input timeout', () => {
  let q: QueueModeEnv;
  let a: TestAccount;
  let slow: string;

  beforeAll(async () => {
    q = await startQueueMode();
    await q.startWorker({ WORKER_CONCURRENCY: '16' });
    a = await q.api.account();
    slow = await a.createFlow(slowFlow(250));
  });
  afterAll(() => q?.close());

  async function newChat(flowId = slow): Promise<string> {
    const res = await a.request('POST', '/chats', { name: 'c', from_type: 'flow', from_flow: flowId });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const messages = async (id: string) => (await a.request('GET', `/chats/${id}/messages?limit=1000`)).body;
  const chat = async (id: string) => (await a.request('GET', `/chats/${id}`)).body;

  it('cancel mid-run reaches the worker within a second and keeps the partial output', async () => {
    const id = await newChat();
    await a.request('POST', `/chats/${id}/messages`, { message: 'start' });
    await waitFor(async () => (await messages(id)).length >= 3);
    const started = Date.now();
    const res = await a.request('POST', `/chats/${id}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body.cancelled).toBe(true);
    const ended = await waitFor(async () => {
      const c = await chat(id);
      return c.status !== 'running' ? c : null;
    });
    // The model call in flight (250 ms) was aborted, not waited for; the lease (2 s) played no part.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ended).toMatchObject({ status: 'completed', termination_reason: 'cancelled' });
    const kept = await messages(id);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept[0].content).toBe('start');
    await new Promise((r) => setTimeout(r, 600));
    expect(await messages(id)).toHaveLength(kept.length); // nothing more after the cancel
    const runs = await q.api.db.query(`SELECT status, termination_reason FROM runs WHERE chat_id = $1`, [id]);
    expect(runs.rows).toEqual([{ status: 'cancelled', termination_reason: 'cancelled' }]);
  });

  it('20 concurrent messages to one chat: one run, 19 × 409 naming it', async () => {
    const id = await newChat();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => a.request('POST', `/chats/${id}/messages`, { message: `m${i}` })),
    );
    const accepted = results.filter((r) => r.status === 202);
    const rejected = results.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(19);
    for (const r of rejected) expect(r.body.active_run_id).toBe(accepted[0].body.run.id);
    const runs = await q.api.db.query(`SELECT id FROM runs WHERE chat_id = $1`, [id]);
    expect(runs.rows).toEqual([{ id: accepted[0].body.run.id }]);
    await a.request('POST', `/chats/${id}/cancel`);
  });

  it('Idempotency-Key: retries replay the first response and start nothing; another body → 422', async () => {
    const key = (k: string) => ({ 'Idempotency-Key': `${k}-${Date.now()}` });
    const createKey = key('create');
    const body = { name: 'idem', from_type: 'flow', from_flow: slow };
    const first = await a.request('POST', '/chats', body, createKey);
    const again = await a.request('POST', '/chats', body, createKey);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const named = await q.api.db.query(
      `SELECT count(*)::int AS n FROM chats WHERE account_id = $1 AND name = 'idem'`,
      [a.id],
    );
    expect(named.rows[0].n).toBe(1);
    const other = await a.request('POST', '/chats', { ...body, name: 'other' }, createKey);
    expect(other.status).toBe(422);

    // Concurrent duplicates of a message: exactly one run; every answer is the first response.
    const id = first.body.id;
    const sendKey = key('send');
    const sends = await Promise.all(
      Array.from({ length: 5 }, () =>
        a.request('POST', `/chats/${id}/messages`, { message: 'once' }, sendKey),
      ),
    );
    for (const s of sends) {
      expect(s.status).toBe(202);
      expect(s.body).toEqual(sends[0].body);
    }
    const runs = await q.api.db.query(`SELECT count(*)::int AS n FROM runs WHERE chat_id = $1`, [id]);
    expect(runs.rows[0].n).toBe(1);

    // Cancel is idempotent too; another account's same key is its own.
    const cancelKey = key('cancel');
    const c1 = await a.request('POST', `/chats/${id}/cancel`, undefined, cancelKey);
    const c2 = await a.request('POST', `/chats/${id}/cancel`, undefined, cancelKey);
    expect(c2.body).toEqual(c1.body);
    const b = await q.api.account();
    const foreign = await b.request('POST', '/chats', body, createKey);
    expect(foreign.status).toBe(404); // b cannot see a's flow: executed, not replayed
  });

  it('multitask=enqueue starts the message after the active run ends', async () => {
    const quick = await a.createFlow(slowFlow(100, 2));
    const id = await newChat(quick);
    const first = await a.request('POST', `/chats/${id}/messages`, { message: 'first' });
    const queued = await a.request('POST', `/chats/${id}/messages?multitask=enqueue`, { message: 'second' });
    expect(queued.status).toBe(202);
    expect(queued.body.run.status).toBe('pending');
    const done = await waitFor(async () => {
      const c = await chat(id);
      const { rows } = await q.api.db.query(
        `SELECT status FROM runs WHERE chat_id = $1 ORDER BY created_at`,
        [id],
      );
      return c.status === 'completed' && rows.every((r) => r.status === 'completed') ? rows : null;
    });
    expect(done).toHaveLength(2);
    const contents = (await messages(id)).map((m: any) => m.content);
    expect(contents).toEqual(['first', 'pong', 'ping', 'pong', 'second', 'pong', 'ping', 'pong']);
    expect(first.body.run.id).not.toBe(queued.body.run.id);
  });

  it('multitask=interrupt cancels the active run (keeping its output) and starts the new one', async () => {
    const id = await newChat();
    const first = await a.request('POST', `/chats/${id}/messages`, { message: 'first' });
    await waitFor(async () => (await messages(id)).length >= 2);
    const second = await a.request('POST', `/chats/${id}/messages?multitask=interrupt`, {
      message: 'second',
    });
    expect(second.status).toBe(202);
    const { rows } = await q.api.db.query(
      `SELECT id, status FROM runs WHERE chat_id = $1 ORDER BY created_at`,
      [id],
    );
    expect(rows[0]).toEqual({ id: first.body.run.id, status: 'cancelled' });
    expect(rows[1].id).toBe(second.body.run.id);
    await waitFor(async () => (await messages(id)).some((m: any) => m.content === 'second'));
    const contents = (await messages(id)).map((m: any) => m.content);
    expect(contents.slice(0, 2)).toEqual(['first', 'pong']);
    await a.request('POST', `/chats/${id}/cancel`);
  });

  it('input_timeout ends a waiting run with input_timeout', async () => {
    const flowId = await a.createFlow(twoAgentFlow(['Anyone there?'], { input_timeout: 1 }));
    const id = await newChat(flowId);
    const sent = await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'hi' });
    expect(sent.body.chat.status).toBe('wait_for_human_input');
    expect(sent.body.chat.input_request.expires_at).toEqual(expect.any(String));
    const ended = await waitFor(async () => {
      const c = await chat(id);
      return c.status !== 'wait_for_human_input' ? c : null;
    }, 5_000);
    expect(ended).toMatchObject({ status: 'completed', termination_reason: 'input_timeout' });
    const late = await a.request('POST', `/chats/${id}/input`, { message: 'too late' });
    expect(late.status).toBe(409);
  });
});
