import { startTestApi, waitFor, type TestAccount, type TestApi } from './support/api';
import {
  connectRealtime,
  hasTerminal,
  persisted,
  pingPongFlow,
  readSse,
  seqsOf,
  sseEvents,
  type Envelope,
  type RealtimeClient,
} from './support/realtime';

/** socket.io gateway and SSE over the per-chat event log, one API instance (embedded-mode wiring). */
describe('real-time delivery (socket.io + SSE)', () => {
  let t: TestApi;
  let a: TestAccount;
  let b: TestAccount;
  let slowFlow: string;
  let streamFlow: string;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApi({ SSE_HEARTBEAT_MS: '300', REALTIME_MAX_SUBSCRIPTIONS: '3' });
    a = await t.account();
    b = await t.account();
    slowFlow = await a.createFlow(pingPongFlow(120, 4));
    streamFlow = await a.createFlow(pingPongFlow(50, 2, { stream: true }));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t?.close());

  async function connect(key = a.key): Promise<RealtimeClient> {
    const client = await connectRealtime(t.url, key);
    clients.push(client);
    return client;
  }

  async function newChat(flow = slowFlow, account = a): Promise<string> {
    const res = await account.request('POST', '/chats', { name: 'rt', from_type: 'flow', from_flow: flow });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function send(chatId: string, message = 'Go'): Promise<void> {
    const res = await a.request('POST', `/chats/${chatId}/messages`, { message });
    expect(res.status).toBe(202);
  }

  /** The stored log, as envelopes' (seq, type) pairs. */
  async function log(chatId: string): Promise<[number, string][]> {
    const { rows } = await t.db.query<{ seq: number; type: string }>(
      `SELECT seq, type FROM events WHERE chat_id = $1 ORDER BY seq`,
      [chatId],
    );
    return rows.map((r) => [r.seq, r.type]);
  }

  const pairs = (events: Envelope[]) => persisted(events).map((e) => [e.seq, e.type]);
  const finished = (chatId: string) => (events: Envelope[]) =>
    events.some((e) => e.chat_id === chatId && e.type === 'chat.status' && e.data.status === 'completed');
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  describe('socket.io', () => {
    it('refuses a connection without a key or with a bad one, with the reason', async () => {
      await expect(connectRealtime(t.url, null)).rejects.toThrow(/Missing API key/);
      await expect(connectRealtime(t.url, 'ck_not_a_real_key')).rejects.toThrow(/Invalid or revoked API key/);
      const viaHeader = await connectRealtime(t.url, null, { headers: { 'X-API-Key': a.key } });
      clients.push(viaHeader);
      expect(viaHeader.socket.connected).toBe(true);
      const viaBearer = await connectRealtime(t.url, null, { headers: { Authorization: `Bearer ${a.key}` } });
      clients.push(viaBearer);
      expect(viaBearer.socket.connected).toBe(true);
    });

    it('delivers a running chat’s events live, in seq order, matching the stored log', async () => {
      const chatId = await newChat();
      const client = await connect();
      const ack = await client.subscribe(chatId);
      expect(ack).toEqual({ ok: true, chat_id: chatId, last_seq: 1 }); // chat.status ready
      await send(chatId);
      await client.until(finished(chatId));
      const types = persisted(client.events).map((e) => e.type);
      expect(types[0]).toBe('chat.status');
      expect(types).toEqual(expect.arrayContaining(['run.started', 'message.created', 'run.completed']));
      expect(seqsOf(client.events)).toEqual(range(1, client.events.length));
      expect(pairs(client.events)).toEqual(await log(chatId));
      for (const e of client.events) {
        expect(e).toEqual({
          chat_id: chatId,
          seq: expect.any(Number),
          type: expect.any(String),
          data: expect.any(Object),
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        });
      }
    });

    it('a client that drops mid-run and rejoins with after_seq gets exactly what it missed', async () => {
      const chatId = await newChat();
      const first = await connect();
      await first.subscribe(chatId);
      await send(chatId);
      await first.until((events) => events.filter((e) => e.type === 'message.created').length >= 2);
      first.close();
      const seen = [...first.events];
      const lastSeen = Math.max(...seqsOf(seen));
      // More is written while nobody listens.
      await waitFor(async () => (await log(chatId)).length > lastSeen + 1);

      const second = await connect();
      const ack = await second.subscribe(chatId, lastSeen);
      expect(ack.ok).toBe(true);
      expect(ack.last_seq).toBeGreaterThan(lastSeen);
      await second.until(finished(chatId));
      expect(Math.min(...seqsOf(second.events))).toBe(lastSeen + 1);
      const all = [...seen, ...second.events];
      expect(seqsOf(all)).toEqual(range(1, seqsOf(all).length)); // no gap, no duplicate
      expect(pairs(all)).toEqual(await log(chatId));
    });

    it('replays without gap or duplicate while events are being written (subscribers joining mid-run)', async () => {
      const busyFlow = await a.createFlow(pingPongFlow(15, 16));
      const chatId = await newChat(busyFlow);
      await send(chatId);
      const joined: RealtimeClient[] = [];
      for (let i = 0; i < 5; i++) {
        const client = await connect();
        await client.subscribe(chatId, 0);
        joined.push(client);
        await new Promise((r) => setTimeout(r, 40));
      }
      await Promise.all(joined.map((c) => c.until(finished(chatId))));
      const stored = await log(chatId);
      for (const client of joined) expect(pairs(client.events)).toEqual(stored);
    });

    it('a rejoin on a finished chat receives its terminal event', async () => {
      const chatId = await newChat();
      const res = await a.request('POST', `/chats/${chatId}/messages?wait=true`, { message: 'Go' });
      expect(res.body.chat.status).toBe('completed');
      const stored = await log(chatId);
      const terminalSeq = stored.find(([, type]) => type === 'run.completed')![0];
      const client = await connect();
      const ack = await client.subscribe(chatId, terminalSeq - 1);
      expect(ack).toEqual({ ok: true, chat_id: chatId, last_seq: stored.length });
      expect(pairs(client.events)).toEqual(stored.slice(terminalSeq - 1));
      expect(client.events[0]).toMatchObject({
        type: 'run.completed',
        data: { termination_reason: 'max_turns' },
      });
    });

    it('refuses another account’s chat (and unknown or malformed ids) with an error event, never data', async () => {
      const chatId = await newChat();
      const intruder = await connect(b.key);
      const ack = await intruder.subscribe(chatId, 0);
      expect(ack).toEqual({ ok: false, chat_id: chatId, error: 'Chat not found' });
      expect(intruder.errors).toEqual([{ chat_id: chatId, message: 'Chat not found' }]);
      expect((await intruder.subscribe('not-a-uuid')).ok).toBe(false);
      expect((await intruder.subscribe('3f1d1b6e-0000-4000-8000-000000000000')).error).toBe('Chat not found');
      await send(chatId);
      await waitFor(async () => (await a.request('GET', `/chats/${chatId}`)).body.status === 'completed');
      expect(intruder.events).toEqual([]);
      expect((await intruder.subscribe(chatId, 0.5)).ok).toBe(false);
    });

    it('unsubscribe stops delivery; the per-connection subscription cap holds', async () => {
      const client = await connect();
      const ids = [await newChat(), await newChat(), await newChat(), await newChat()];
      for (const id of ids.slice(0, 3)) expect((await client.subscribe(id)).ok).toBe(true);
      const refused = await client.subscribe(ids[3]);
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/limit/) });
      const left = await client.socket.timeout(5000).emitWithAck('unsubscribe', { chat_id: ids[0] });
      expect(left).toMatchObject({ ok: true, chat_id: ids[0] });
      expect((await client.subscribe(ids[3])).ok).toBe(true);
      const before = client.events.length;
      await a.request('POST', `/chats/${ids[0]}/messages?wait=true`, { message: 'Go' });
      await send(ids[3]);
      await client.until(finished(ids[3]));
      expect(client.events.slice(before).every((e) => e.chat_id === ids[3])).toBe(true);
    });

    it('subscribe_account delivers status changes of all the account’s chats, and only its own', async () => {
      const operator = await connect();
      const other = await connect(b.key);
      expect(await operator.socket.timeout(5000).emitWithAck('subscribe_account', {})).toEqual({ ok: true });
      expect(await other.socket.timeout(5000).emitWithAck('subscribe_account', {})).toEqual({ ok: true });
      const chatId = await newChat();
      await send(chatId);
      await operator.until(finished(chatId));
      expect(operator.events.every((e) => e.type === 'chat.status')).toBe(true);
      expect(operator.events.filter((e) => e.chat_id === chatId).map((e) => e.data.status)).toEqual([
        'ready',
        'running',
        'completed',
      ]);
      expect(other.events).toEqual([]);
    });

    it('streams message.delta (no seq) before the message.created holding the whole text', async () => {
      const chatId = await newChat(streamFlow);
      const client = await connect();
      await client.subscribe(chatId);
      await send(chatId);
      await client.until(finished(chatId));
      const firstBob = client.events.findIndex(
        (e) => e.type === 'message.created' && e.data.sender === 'bob',
      );
      expect(firstBob).toBeGreaterThan(0);
      const deltas = client.events.slice(0, firstBob).filter((e) => e.type === 'message.delta');
      expect(deltas.length).toBeGreaterThan(1);
      for (const d of deltas) {
        expect(d).toMatchObject({
          chat_id: chatId,
          seq: null,
          data: { agent: 'bob', run_id: expect.any(String) },
        });
      }
      const text = deltas.map((d) => d.data.delta).join('');
      expect(text).toBe(client.events[firstBob].data.content);
      expect(text).toBe('Pong from bob, streamed word by word');
      // Deltas are not stored: the persisted stream is still exactly the log.
      expect(pairs(client.events)).toEqual(await log(chatId));
      const late = await connect();
      await late.subscribe(chatId, 0);
      expect(late.events.some((e) => e.type === 'message.delta')).toBe(false);
    });
  });

  describe('SSE', () => {
    const sse = (chatId: string, query = '', headers: Record<string, string> = {}, key = a.key) =>
      fetch(`${t.url}/chats/${chatId}/events${query}`, { headers: { 'X-API-Key': key, ...headers } });

    it('streams the log with id: <seq> and closes after the terminal event with ?until=terminal', async () => {
      const chatId = await newChat();
      await send(chatId);
      const res = await sse(chatId, '?until=terminal');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const { frames, ended } = await readSse(res);
      expect(ended).toBe(true);
      const events = sseEvents(frames);
      expect(pairs(events)).toEqual(await log(chatId));
      for (const f of frames.filter((x) => x.data)) expect(f.id).toBe(String(f.data!.seq));
      expect(events.at(-1)).toMatchObject({ type: 'chat.status', data: { status: 'completed' } });
    });

    it('resumes with Last-Event-ID: exactly the missing events, no gap, no duplicate', async () => {
      const chatId = await newChat();
      await send(chatId);
      const first = await readSse(await sse(chatId), (frames) =>
        sseEvents(frames).some((e) => e.type === 'message.created' && e.data.sender === 'bob'),
      );
      expect(first.ended).toBe(false);
      const lastId = first.frames.filter((f) => f.id).at(-1)!.id!;
      const second = await readSse(await sse(chatId, '?until=terminal&after=0', { 'Last-Event-ID': lastId }));
      expect(second.ended).toBe(true);
      const all = [...sseEvents(first.frames), ...sseEvents(second.frames)];
      expect(Math.min(...seqsOf(sseEvents(second.frames)))).toBe(Number(lastId) + 1);
      expect(pairs(all)).toEqual(await log(chatId));
    });

    it('honours ?after=, closes at once on a finished chat, and also serves /v1', async () => {
      const chatId = await newChat();
      await a.request('POST', `/chats/${chatId}/messages?wait=true`, { message: 'Go' });
      const stored = await log(chatId);
      const { frames, ended } = await readSse(
        await fetch(`${t.url}/v1/chats/${chatId}/events?after=3&until=terminal`, {
          headers: { Authorization: `Bearer ${a.key}` },
        }),
        () => false,
        5000,
      );
      expect(ended).toBe(true);
      expect(pairs(sseEvents(frames))).toEqual(stored.slice(3));
    });

    it('sends heartbeats and streams message.delta without an id', async () => {
      const chatId = await newChat(streamFlow);
      const res = await sse(chatId);
      const reading = readSse(
        res,
        (frames) => hasTerminal(sseEvents(frames)) && frames.some((f) => f.comment === 'ping'),
      );
      await new Promise((r) => setTimeout(r, 400)); // the stream is live before the run starts
      await send(chatId);
      const { frames } = await reading;
      expect(frames.some((f) => f.comment === 'ping')).toBe(true);
      const deltas = frames.filter((f) => f.data?.type === 'message.delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.every((f) => f.id === undefined && f.data!.seq === null)).toBe(true);
    });

    it('answers 404 for another account’s chat, 401 for a bad key, 400 for a bad resume point', async () => {
      const chatId = await newChat();
      const foreign = await sse(chatId, '', {}, b.key);
      expect(foreign.status).toBe(404);
      expect(await foreign.json()).toMatchObject({ statusCode: 404, message: 'Chat not found' });
      expect((await sse(chatId, '', {}, 'ck_nope')).status).toBe(401);
      expect((await sse('nope')).status).toBe(404);
      expect((await sse(chatId, '?after=-1')).status).toBe(400);
      expect((await sse(chatId, '', { 'Last-Event-ID': 'abc' })).status).toBe(400);
    });
  });
});
