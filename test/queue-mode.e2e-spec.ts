import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { twoAgentFlow, waitFor, type TestAccount } from './support/api';
import { mapLimit, startQueueMode, type QueueModeEnv } from './support/queue';

/**
 * Queue mode end to end (docs/queue-mode.md): the API enqueues on BullMQ, worker processes execute,
 * Postgres holds the truth. API and workers are separate processes on real Postgres and Redis.
 */

/** Two scripted agents talking until max_turns: the run ends by itself. */
function selfEndingFlow(opts: { turns: number; delayMs: number }): FlowSpecInput {
  const replies = (who: string) => Array.from({ length: opts.turns + 1 }, (_, i) => `${who} says ${i + 1}`);
  return {
    name: 'self-ending',
    agents: [
      {
        name: 'alice',
        type: 'assistant',
        llm: { provider: 'scripted', replies: replies('alice'), delay_ms: opts.delayMs },
      },
      {
        name: 'bob',
        type: 'assistant',
        llm: { provider: 'scripted', replies: replies('bob'), delay_ms: opts.delayMs },
      },
    ],
    chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: opts.turns },
  } as FlowSpecInput;
}

async function newChat(account: TestAccount, flowId: string): Promise<string> {
  const res = await account.request('POST', '/chats', { name: 'q', from_type: 'flow', from_flow: flowId });
  if (res.status !== 201) throw new Error(`POST /chats → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function transcript(account: TestAccount, chatId: string) {
  const res = await account.request('GET', `/chats/${chatId}/messages?limit=1000`);
  return (res.body as any[]).map((m) => ({ seq: m.seq, sender: m.sender, type: m.type, content: m.content }));
}

/** Waits until every chat is out of running/waiting; returns their final rows. */
async function allSettled(q: QueueModeEnv, chatIds: string[], timeoutMs = 60_000) {
  return waitFor(async () => {
    const { rows } = await q.api.db.query<{ id: string; status: string; termination_reason: string | null }>(
      `SELECT id, status, termination_reason, last_error FROM chats WHERE id = ANY($1)`,
      [chatIds],
    );
    return rows.every((r) => r.status === 'completed' || r.status === 'error') ? rows : null;
  }, timeoutMs);
}

/** Creates `count` chats of `flowId` and sends each a message (`concurrency` requests at a time). */
async function startChats(account: TestAccount, flowId: string, count: number, concurrency: number) {
  return mapLimit(Array.from({ length: count }), concurrency, async () => {
    const id = await newChat(account, flowId);
    await account.request('POST', `/chats/${id}/messages`, { message: 'go' });
    return id;
  });
}

/** Messages stored so far for these chats. */
async function messageCount(q: QueueModeEnv, chatIds: string[]): Promise<number> {
  const { rows } = await q.api.db.query(`SELECT count(*)::int AS n FROM messages WHERE chat_id = ANY($1)`, [
    chatIds,
  ]);
  return rows[0].n;
}

const strip = (t: { seq: number; sender: string; type: string; content: string }[]) =>
  t.map(({ sender, type, content }) => ({ sender, type, content }));

describe('queue mode: throughput and recovery', () => {
  let q: QueueModeEnv;
  let a: TestAccount;

  beforeAll(async () => {
    q = await startQueueMode();
    a = await q.api.account();
  });
  afterAll(() => q?.close());

  it('100 chats with a scripted model (several turns each) all complete on one worker', async () => {
    const worker = await q.startWorker({ WORKER_CONCURRENCY: '32' });
    const flowId = await a.createFlow(selfEndingFlow({ turns: 4, delayMs: 10 }));
    const chats = await mapLimit(Array.from({ length: 100 }), 20, async (_, i) => {
      const id = await newChat(a, flowId);
      const res = await a.request('POST', `/chats/${id}/messages`, { message: `hello ${i}` });
      expect(res.status).toBe(202);
      return id;
    });
    const rows = await allSettled(q, chats);
    expect(rows.filter((r) => r.status === 'completed' && r.termination_reason === 'max_turns')).toHaveLength(
      100,
    );
    const first = await transcript(a, chats[0]);
    expect(first.map((m) => m.content)).toEqual([
      'hello 0', // alice's opening message is the user's text, not a model call
      'bob says 1',
      'alice says 1',
      'bob says 2',
      'alice says 2',
      'bob says 3',
      'alice says 3',
      'bob says 4',
    ]);
    expect(await messageCount(q, chats)).toBe(800);
    await worker.stop();
  });

  it('SIGKILL of a worker mid-run: a second worker finishes every run, transcripts as undisturbed', async () => {
    const flowId = await a.createFlow(selfEndingFlow({ turns: 6, delayMs: 40 }));
    const killed = await q.startWorker({ WORKER_CONCURRENCY: '40' });
    // Reference: one chat run to the end undisturbed.
    const reference = await newChat(a, flowId);
    await a.request('POST', `/chats/${reference}/messages?wait=true`, { message: 'go' });
    await allSettled(q, [reference]);
    const expected = strip(await transcript(a, reference));
    expect(expected).toHaveLength(12);

    const chats = await startChats(a, flowId, 40, 20);
    // Kill once the runs are well under way (some messages produced, none finished).
    await waitFor(async () => {
      return (await messageCount(q, chats)) >= 40 * 3;
    });
    await killed.kill();
    const { rows: midway } = await q.api.db.query(
      `SELECT count(*)::int AS n FROM chats WHERE id = ANY($1) AND status = 'running'`,
      [chats],
    );
    expect(midway[0].n).toBeGreaterThan(0);

    const rescuer = await q.startWorker({ WORKER_CONCURRENCY: '40' });
    const rows = await allSettled(q, chats);
    expect(rows.filter((r) => r.termination_reason !== 'max_turns')).toEqual([]);
    for (const id of chats) {
      const t = await transcript(a, id);
      expect(t.map((m) => m.seq)).toEqual(t.map((_, i) => i + 1)); // dense, no duplicate
      expect(strip(t)).toEqual(expected);
    }
    // Some runs were resumed by the rescuer (attempt > 1): the kill really interrupted them.
    const { rows: resumed } = await q.api.db.query(
      `SELECT count(*)::int AS n FROM runs WHERE chat_id = ANY($1) AND attempt > 1`,
      [chats],
    );
    expect(resumed[0].n).toBeGreaterThan(0);
    await rescuer.stop();
  });

  it('SIGTERM: runs in flight finish their step and are released to another worker at once', async () => {
    // A lease of 60 s: without the release, the other worker could only resume after a minute.
    const slowLease = { LEASE_MS: '60000', WORKER_CONCURRENCY: '20' };
    const leaving = await q.startWorker(slowLease);
    const flowId = await a.createFlow(selfEndingFlow({ turns: 5, delayMs: 60 }));
    const chats = await startChats(a, flowId, 10, 10);
    await waitFor(async () => {
      const { rows } = await q.api.db.query(
        `SELECT count(*)::int AS n FROM runs WHERE chat_id = ANY($1) AND status = 'running' AND step > 1`,
        [chats],
      );
      return rows[0].n >= 5;
    });
    const staying = await q.startWorker(slowLease);
    const started = Date.now();
    await leaving.stop();
    expect(leaving.child.exitCode).toBe(0);
    const rows = await allSettled(q, chats, 20_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(rows.filter((r) => r.termination_reason !== 'max_turns')).toEqual([]);
    for (const id of chats) {
      const t = await transcript(a, id);
      expect(t).toHaveLength(10);
      expect(t.map((m) => m.seq)).toEqual(t.map((_, i) => i + 1));
    }
    await staying.stop();
  });

  it('1,000 chats waiting for human input hold no BullMQ job', async () => {
    const worker = await q.startWorker({ WORKER_CONCURRENCY: '50' });
    // 20 tenants × 50 chats, created and started over the API, 32 requests at a time.
    const tenants = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const account = await q.api.account();
        return { account, flowId: await account.createFlow(twoAgentFlow(['Hello, human.'])) };
      }),
    );
    const chats = await mapLimit(Array.from({ length: 1000 }), 32, async (_, i) => {
      const { account, flowId } = tenants[i % tenants.length];
      const id = await newChat(account, flowId);
      const res = await account.request('POST', `/chats/${id}/messages`, { message: 'hi' });
      expect(res.status).toBe(202);
      return id;
    });
    await waitFor(async () => {
      const { rows } = await q.api.db.query(
        `SELECT count(*)::int AS n FROM chats WHERE id = ANY($1) AND status = 'wait_for_human_input'`,
        [chats],
      );
      return rows[0].n === 1000;
    }, 90_000);
    const counts = await waitFor(async () => {
      const c = await q.counts();
      return c.active === 0 && c.waiting === 0 ? c : null;
    });
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 });
    const health = await a.request('GET', '/health');
    expect(health.body.queue).toMatchObject({ waiting: 0, active: 0 });
    await worker.stop();
  }, 120_000);
});

describe('queue mode: Redis flushed during the runs', () => {
  // Redis db 7 belongs to this test alone: FLUSHDB there cannot touch other files' queues.
  let q: QueueModeEnv;
  let a: TestAccount;

  beforeAll(async () => {
    q = await startQueueMode({ redisUrl: 'redis://127.0.0.1:6379/7' });
    a = await q.api.account();
  });
  afterAll(() => q?.close());

  it('every run still completes: the sweeper re-dispatches from Postgres', async () => {
    await q.startWorker({ WORKER_CONCURRENCY: '8' });
    const flowId = await a.createFlow(selfEndingFlow({ turns: 4, delayMs: 30 }));
    const chats = await startChats(a, flowId, 40, 20);
    // With 8 slots for 40 runs, most are still queued in BullMQ when Redis is emptied.
    await waitFor(async () => {
      return (await messageCount(q, chats)) >= 20;
    });
    expect((await q.counts()).waiting).toBeGreaterThan(0);
    await q.redis.flushdb();
    const rows = await allSettled(q, chats);
    expect(rows.filter((r) => r.termination_reason !== 'max_turns')).toEqual([]);
    for (const id of chats) expect(await transcript(a, id)).toHaveLength(8);
  });
});
