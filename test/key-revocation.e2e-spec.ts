import { randomBytes } from 'node:crypto';
import { call, twoAgentFlow, waitFor, type TestAccount } from './support/api';
import { startQueueMode } from './support/queue';
import { connectRealtime, readSse, type RealtimeClient } from './support/realtime';

/**
 * Deleting a key reaches its live connections on every API instance (two APIs in queue mode over one
 * Redis); a key's secret is never stored for an Idempotency-Key replay; per-account caps on open
 * SSE streams and sockets.
 */
describe('key revocation, shown-once secrets, connection caps', () => {
  let q: Awaited<ReturnType<typeof startQueueMode>>;
  let urlB: string;
  let a: TestAccount;
  let flowId: string;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    const env = {
      REDIS_PREFIX: `rev-${randomBytes(5).toString('hex')}`,
      MAX_SSE_STREAMS_PER_ACCOUNT: '3',
      MAX_SOCKETS_PER_ACCOUNT: '3',
    };
    q = await startQueueMode({ env });
    urlB = (await q.api.startInstance()).url;
    a = await q.api.account();
    flowId = await a.createFlow(twoAgentFlow());
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await q?.close();
  });

  async function newKey(body: Record<string, unknown> = { name: 'widget' }) {
    const res = await a.request('POST', '/api-keys', body);
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string };
  }

  async function newChat(key = a.key, flow = flowId): Promise<string> {
    const body = { name: 'c', from_type: 'flow', from_flow: flow };
    const res = await call(q.api.url, 'POST', '/chats', body, { 'X-API-Key': key });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('DELETE /api-keys/{id} closes the key’s sockets and SSE streams on every instance; other keys keep theirs', async () => {
    const doomed = await newKey();
    const chatId = await newChat();
    const onA = await connectRealtime(q.api.url, doomed.key);
    const onB = await connectRealtime(urlB, doomed.key);
    const survivor = await connectRealtime(urlB, a.key);
    clients.push(onA, onB, survivor);
    for (const c of [onA, onB, survivor]) expect(await c.subscribe(chatId)).toMatchObject({ ok: true });
    const sse = await fetch(`${urlB}/chats/${chatId}/events`, { headers: { 'X-API-Key': doomed.key } });
    expect(sse.status).toBe(200);
    const disconnected = (c: RealtimeClient) =>
      new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    const [lostA, lostB] = [disconnected(onA), disconnected(onB)];

    expect((await a.request('DELETE', `/api-keys/${doomed.id}`)).status).toBe(204); // on instance A
    expect(await lostA).toBe('io server disconnect');
    expect(await lostB).toBe('io server disconnect');
    const { ended } = await readSse(sse); // the stream on B ends
    expect(ended).toBe(true);

    // Nothing more reaches it; the other key's socket still gets the chat's events.
    await a.request('POST', `/chats/${chatId}/messages`, { message: 'after revocation' });
    await survivor.until((events) => events.some((e) => e.data.status === 'running'));
    expect(survivor.socket.connected).toBe(true);
    await expect(connectRealtime(urlB, doomed.key)).rejects.toThrow('Invalid or revoked API key');
    expect((await call(urlB, 'GET', '/chats', undefined, { 'X-API-Key': doomed.key })).status).toBe(401);
  });

  it('deleting an agent closes the connections of the keys scoped to it', async () => {
    const agent = await a.request('POST', '/agents', { name: 'temp', flow_id: flowId });
    const scoped = await newKey({ name: 'temp widget', agent_id: agent.body.id });
    const socket = await connectRealtime(urlB, scoped.key);
    clients.push(socket);
    const lost = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    expect((await a.request('DELETE', `/agents/${agent.body.id}`)).status).toBe(204);
    expect(await lost).toBe('io server disconnect');
  });

  it('POST /api-keys with an Idempotency-Key: executed once, the secret is never stored, a replay is 409', async () => {
    const headers = { 'Idempotency-Key': `key-${randomBytes(4).toString('hex')}` };
    const first = await a.request('POST', '/api-keys', { name: 'idem' }, headers);
    expect(first.status).toBe(201);
    const replay = await a.request('POST', '/api-keys', { name: 'idem' }, headers);
    expect(replay.status).toBe(409);
    expect(replay.body.message).toMatch(/shown once/);
    expect(replay.body.id).toBe(first.body.id);
    expect(JSON.stringify(replay.body)).not.toContain(first.body.key);
    const { rows } = await q.api.db.query(`SELECT response::text AS response FROM idempotency_keys`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.response ?? '').not.toContain(first.body.key);
    expect(rows.some((r) => (r.response ?? '').includes('ck_'))).toBe(false);
    // Executed once: one key named "idem".
    expect((await a.request('GET', '/api-keys')).body.filter((k: any) => k.name === 'idem')).toHaveLength(1);
  });

  it('caps open SSE streams and sockets per account, with a clear error; closing one frees a slot', async () => {
    const b = await q.api.account();
    const chatId = await newChat(b.key, await b.createFlow(twoAgentFlow()));
    const open = await Promise.all(
      [0, 1, 2].map(() => fetch(`${urlB}/chats/${chatId}/events`, { headers: { 'X-API-Key': b.key } })),
    );
    expect(open.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = await call(urlB, 'GET', `/chats/${chatId}/events`, undefined, { 'X-API-Key': b.key });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/MAX_SSE_STREAMS_PER_ACCOUNT/);
    // Another account is not affected.
    const other = await q.api.account();
    const otherChat = await newChat(other.key, await other.createFlow(twoAgentFlow()));
    const fine = await fetch(`${urlB}/chats/${otherChat}/events`, { headers: { 'X-API-Key': other.key } });
    expect(fine.status).toBe(200);
    await fine.body?.cancel();

    const sockets = await Promise.all([0, 1, 2].map(() => connectRealtime(urlB, b.key)));
    clients.push(...sockets);
    await expect(connectRealtime(urlB, b.key)).rejects.toThrow(/MAX_SOCKETS_PER_ACCOUNT/);
    sockets[0].close(); // once the server has seen the close, a new socket is accepted
    clients.push(await waitFor(() => connectRealtime(urlB, b.key).catch(() => null)));

    await open[0].body?.cancel();
    const again = await waitFor(async () => {
      const res = await fetch(`${urlB}/chats/${chatId}/events`, { headers: { 'X-API-Key': b.key } });
      if (res.status === 200) return res;
      await res.body?.cancel();
      return null;
    });
    for (const r of [...open.slice(1), again]) await r.body?.cancel();
  });
});
