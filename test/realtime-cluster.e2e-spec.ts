import { randomBytes } from 'node:crypto';
import { type TestAccount } from './support/api';
import type { AppProcess } from './support/processes';
import { startQueueMode, type QueueModeEnv } from './support/queue';
import {
  connectRealtime,
  persisted,
  pingPongFlow,
  readSse,
  sseEvents,
  type Envelope,
  type RealtimeClient,
  type SseFrame,
} from './support/realtime';

/**
 * Queue mode across processes (issue 6): API A and API B on one database and one Redis, neither
 * executing runs (no RUN_IN_PROCESS), and one worker process that does. A run is triggered through
 * A; subscribers connect to B, which hears the worker's commits and token deltas only through the
 * Redis event bus. A BullMQ prefix (per file, from `startQueueMode`) and a REDIS_PREFIX of this
 * file's own keep its jobs and channels apart from parallel test files.
 */
describe('real-time across API instances, runs on a worker (queue mode)', () => {
  let q: QueueModeEnv;
  let worker: AppProcess;
  let urlB: string;
  let a: TestAccount;
  let flowId: string;
  let streamFlow: string;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    q = await startQueueMode({ env: { REDIS_PREFIX: `rtc-${randomBytes(5).toString('hex')}` } });
    expect(q.env.RUN_IN_PROCESS).toBeUndefined();
    let apiB: { url: string };
    [worker, apiB] = await Promise.all([q.startWorker({ WORKER_CONCURRENCY: '4' }), q.api.startInstance()]);
    urlB = apiB.url;
    a = await q.api.account();
    flowId = await a.createFlow(pingPongFlow(100, 4));
    streamFlow = await a.createFlow(pingPongFlow(30, 4, { stream: true }));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await q?.close();
  });

  /** Creates a chat, lets `subscribe` attach to B, then posts the message on A (never on B). */
  async function chatWithRunViaA(flow: string, subscribe: (chatId: string) => Promise<void>) {
    const created = await a.request('POST', '/chats', { name: 'x', from_type: 'flow', from_flow: flow });
    expect(created.status).toBe(201);
    const chatId = created.body.id as string;
    await subscribe(chatId);
    const sent = await a.request('POST', `/chats/${chatId}/messages`, { message: 'Go' });
    expect(sent.status).toBe(202);
    return chatId;
  }

  /** Samples the run's lease owner while it runs: who executed it (`<pid>:<id>`). */
  function watchOwners(chatId: string) {
    const owners = new Set<string>();
    let stopped = false;
    const polling = (async () => {
      while (!stopped) {
        const { rows } = await q.api.db.query(
          `SELECT lease_owner FROM runs WHERE chat_id = $1 AND lease_owner IS NOT NULL`,
          [chatId],
        );
        for (const r of rows) owners.add(r.lease_owner);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    return async () => {
      stopped = true;
      await polling;
      return [...owners];
    };
  }

  async function log(chatId: string) {
    const { rows } = await q.api.db.query(`SELECT seq, type FROM events WHERE chat_id = $1 ORDER BY seq`, [
      chatId,
    ]);
    return rows.map((r) => [r.seq, r.type]);
  }
  const pairs = (events: Envelope[]) => persisted(events).map((e) => [e.seq, e.type]);
  const completed = (events: Envelope[]) =>
    events.some((e) => e.type === 'chat.status' && e.data.status === 'completed');

  /** Every streamed (bob) message is preceded, since the previous message, by deltas that spell it. */
  function expectDeltasSpellEachStreamedMessage(chatId: string, events: Envelope[]) {
    const bobs = events.filter((e) => e.type === 'message.created' && e.data.sender === 'bob');
    expect(bobs.length).toBeGreaterThanOrEqual(2);
    let pending: Envelope[] = [];
    for (const e of events) {
      if (e.type === 'message.delta') {
        expect(e).toMatchObject({
          chat_id: chatId,
          seq: null,
          data: { agent: 'bob', run_id: expect.any(String) },
        });
        pending.push(e);
      } else if (e.type === 'message.created') {
        if (e.data.sender === 'bob') {
          expect(pending.length).toBeGreaterThan(1);
          expect(pending.map((d) => d.data.delta).join('')).toBe(e.data.content);
        } else {
          expect(pending).toEqual([]); // alice does not stream
        }
        pending = [];
      }
    }
    expect(pending).toEqual([]);
  }

  it('a socket.io subscriber on B receives, in seq order, every event of a run triggered via A and run by the worker', async () => {
    const client = await connectRealtime(urlB, a.key);
    clients.push(client);
    let owners: () => Promise<string[]> = async () => [];
    const chatId = await chatWithRunViaA(flowId, async (id) => {
      expect((await client.subscribe(id)).ok).toBe(true);
      owners = watchOwners(id);
    });
    await client.until(completed);
    const executedBy = await owners();
    expect(pairs(client.events)).toEqual(await log(chatId));
    expect(persisted(client.events).filter((e) => e.type === 'message.created').length).toBeGreaterThan(2);
    // The worker executed the run: neither API instance ever held its lease.
    expect(executedBy.length).toBeGreaterThan(0);
    for (const owner of executedBy) expect(owner.startsWith(`${worker.child.pid}:`)).toBe(true);
  });

  it('socket.io on B: the worker’s token deltas arrive before each streamed message, the log intact', async () => {
    const client = await connectRealtime(urlB, a.key);
    clients.push(client);
    const chatId = await chatWithRunViaA(streamFlow, async (id) => {
      expect((await client.subscribe(id)).ok).toBe(true);
    });
    await client.until(completed);
    expect(pairs(client.events)).toEqual(await log(chatId));
    expectDeltasSpellEachStreamedMessage(chatId, client.events);
  });

  it('an SSE stream on B follows a run triggered via A until its terminal event, deltas included', async () => {
    let reading: ReturnType<typeof readSse> | undefined;
    const chatId = await chatWithRunViaA(streamFlow, async (id) => {
      const res = await fetch(`${urlB}/chats/${id}/events?until=terminal`, {
        headers: { 'X-API-Key': a.key },
      });
      expect(res.status).toBe(200);
      // The run starts only once the stream is live: its replay (the chat's `ready` status) arrived.
      let live!: () => void;
      const isLive = new Promise<void>((r) => (live = r));
      reading = readSse(res, (frames: SseFrame[]) => {
        if (frames.some((f) => f.data)) live();
        return false;
      });
      await isLive;
    });
    const { frames, ended } = await reading!;
    expect(ended).toBe(true);
    const events = sseEvents(frames);
    expect(pairs(events)).toEqual(await log(chatId));
    for (const f of frames.filter((x) => x.data)) {
      expect(f.id).toBe(f.data!.seq === null ? undefined : String(f.data!.seq));
    }
    expectDeltasSpellEachStreamedMessage(chatId, events);
  });
});
