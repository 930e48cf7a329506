import { randomBytes } from 'node:crypto';
import { createAccount, startTestApi, type TestAccount, type TestApi } from './support/api';
import { API_MAIN, freePort, startProcess, type AppProcess } from './support/processes';
import {
  connectRealtime,
  persisted,
  pingPongFlow,
  readSse,
  sseEvents,
  type Envelope,
  type RealtimeClient,
} from './support/realtime';
import { REDIS_URL } from './support/services';

/**
 * Two API instances on one database and one Redis (queue-mode wiring): runs execute on instance A
 * (RUN_IN_PROCESS); subscribers connect to instance B, which hears A's commits through the Redis
 * event bus. A unique REDIS_PREFIX keeps this file's channels apart from parallel test files.
 */
describe('real-time across API instances (Redis)', () => {
  let apiA: TestApi;
  let apiB: AppProcess;
  let urlB: string;
  let a: TestAccount;
  let flowId: string;
  let streamFlow: string;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    const prefix = `conclave-test-${randomBytes(4).toString('hex')}`;
    const env = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      CONCLAVE_QUEUE_PREFIX: prefix,
      RUN_IN_PROCESS: 'true',
    };
    apiA = await startTestApi(env);
    const port = await freePort();
    // B could be a pure queue-mode API; it runs in-process too so this test needs no worker, but
    // every run here is started through A and executes there.
    apiB = await startProcess(
      API_MAIN,
      { ...env, DATABASE_URL: apiA.databaseUrl, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false' },
      /listening on/,
    );
    urlB = `http://127.0.0.1:${port}`;
    a = await createAccount(apiA.db, apiA.url);
    flowId = await a.createFlow(pingPongFlow(100, 4));
    streamFlow = await a.createFlow(pingPongFlow(30, 2, { stream: true }));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await apiB?.stop();
    await apiA?.close();
  });

  async function chatWithRunOnA(flow: string, subscribe: (chatId: string) => Promise<void>) {
    const created = await a.request('POST', '/chats', { name: 'x', from_type: 'flow', from_flow: flow });
    const chatId = created.body.id as string;
    await subscribe(chatId);
    expect((await a.request('POST', `/chats/${chatId}/messages`, { message: 'Go' })).status).toBe(202);
    return chatId;
  }

  async function log(chatId: string) {
    const { rows } = await apiA.db.query(`SELECT seq, type FROM events WHERE chat_id = $1 ORDER BY seq`, [
      chatId,
    ]);
    return rows.map((r) => [r.seq, r.type]);
  }
  const pairs = (events: Envelope[]) => persisted(events).map((e) => [e.seq, e.type]);
  const completed = (events: Envelope[]) =>
    events.some((e) => e.type === 'chat.status' && e.data.status === 'completed');

  it('a socket.io subscriber on instance B receives, in order, the events of a run executing on A', async () => {
    const client = await connectRealtime(urlB, a.key);
    clients.push(client);
    const chatId = await chatWithRunOnA(flowId, async (id) => {
      expect((await client.subscribe(id)).ok).toBe(true);
    });
    await client.until(completed);
    expect(pairs(client.events)).toEqual(await log(chatId));
    expect(persisted(client.events).filter((e) => e.type === 'message.created').length).toBeGreaterThan(2);
  });

  it('token deltas cross instances too, before the full message', async () => {
    const client = await connectRealtime(urlB, a.key);
    clients.push(client);
    await chatWithRunOnA(streamFlow, async (id) => {
      await client.subscribe(id);
    });
    await client.until(completed);
    const firstBob = client.events.findIndex((e) => e.type === 'message.created' && e.data.sender === 'bob');
    const deltas = client.events.slice(0, firstBob).filter((e) => e.type === 'message.delta');
    expect(deltas.map((d) => d.data.delta).join('')).toBe(client.events[firstBob].data.content);
  });

  it('an SSE stream on instance B follows a run on A until its terminal event', async () => {
    let reading: ReturnType<typeof readSse> | undefined;
    const chatId = await chatWithRunOnA(flowId, async (id) => {
      const res = await fetch(`${urlB}/chats/${id}/events?until=terminal`, {
        headers: { 'X-API-Key': a.key },
      });
      expect(res.status).toBe(200);
      reading = readSse(res);
    });
    const { frames, ended } = await reading!;
    expect(ended).toBe(true);
    expect(pairs(sseEvents(frames))).toEqual(await log(chatId));
  });
});
