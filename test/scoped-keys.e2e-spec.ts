import { call, startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';
import { connectRealtime, readSse, sseEvents, type RealtimeClient } from './support/realtime';

/**
 * Agent-scoped keys (the key a website embeds) are confined to their agent: its chats, messages,
 * events and subscriptions; reading their own agent; the chatbot APIs. Every other chat is 404 and
 * every management route is 403, on every route family and transport.
 */
describe('agent-scoped keys', () => {
  let t: TestApi;
  let a: TestAccount;
  let shop: { id: string; website_id: number; flow_id: string };
  let blog: { id: string; website_id: number; flow_id: string };
  let scopedKey: string;
  let scopedKeyId: string;
  let accountKeyId: string;
  /** A chat of the other agent, one with no agent, and one of the scoped key's own agent. */
  let blogChat: string;
  let plainChat: string;
  let shopChat: string;
  const clients: RealtimeClient[] = [];

  const scoped = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(t.url, method, path, body, { 'X-API-Key': scopedKey, ...headers });

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
    const shopFlow = await a.createFlow(twoAgentFlow(['Welcome to the shop.', 'Anything else?']));
    const blogFlow = await a.createFlow(twoAgentFlow(['Blog here.']));
    const s = await a.request('POST', '/agents', { name: 'Shop', flow_id: shopFlow });
    const b = await a.request('POST', '/agents', { name: 'Blog', flow_id: blogFlow, is_primary: true });
    expect([s.status, b.status]).toEqual([201, 201]);
    [shop, blog] = [s.body, b.body];
    const key = await a.request('POST', '/api-keys', { name: 'shop widget', agent_id: shop.id });
    expect(key.status).toBe(201);
    scopedKey = key.body.key;
    scopedKeyId = key.body.id;
    accountKeyId = (await a.request('GET', '/api-keys')).body.find((k: any) => k.agent_id === null).id;
    // The account key talks to the blog agent (Asyntai, website_id) and to a plain flow chat.
    const blogSession = await a.request('POST', '/api/v1/chat/', {
      message: 'hello',
      website_id: blog.website_id,
      session_id: 'blog-visitor',
    });
    expect(blogSession.status).toBe(200);
    blogChat = (await t.db.query(`SELECT id FROM chats WHERE external_id = 'blog-visitor'`)).rows[0].id;
    const plain = await a.request('POST', '/chats', { name: 'ops', from_type: 'flow', from_flow: blogFlow });
    plainChat = plain.body.id;
    const own = await scoped('POST', '/chats', { name: 'mine', from_type: 'flow', from_flow: shopFlow });
    expect(own.status).toBe(201);
    shopChat = own.body.id;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t?.close());

  describe('the legitimate path: its own agent', () => {
    it('creates chats only from its agent’s flow, bound to its agent', async () => {
      const { rows } = await t.db.query(`SELECT agent_id FROM chats WHERE id = $1`, [shopChat]);
      expect(rows[0].agent_id).toBe(shop.id);
      const other = await scoped('POST', '/chats', { name: 'x', from_type: 'flow', from_flow: blog.flow_id });
      expect(other.status).toBe(404);
    });

    it('runs, reads and streams its own chats', async () => {
      const sent = await scoped('POST', `/chats/${shopChat}/messages?wait=true`, { message: 'Hi' });
      expect(sent.status).toBe(202);
      expect(sent.body.messages.map((m: any) => m.content)).toContain('Welcome to the shop.');
      expect((await scoped('GET', `/chats/${shopChat}`)).body.status).toBe('wait_for_human_input');
      expect((await scoped('GET', `/chats/${shopChat}/messages`)).status).toBe(200);
      expect(
        (await scoped('POST', `/v1/chats/${shopChat}/input?wait=true`, { message: 'exit' })).status,
      ).toBe(202);
      const list = await scoped('GET', '/chats');
      expect(list.body.data.map((c: any) => c.id)).toEqual([shopChat]);
      const sse = await fetch(`${t.url}/chats/${shopChat}/events?until=terminal`, {
        headers: { 'X-API-Key': scopedKey },
      });
      expect(sse.status).toBe(200);
      const { ended, frames } = await readSse(sse);
      expect(ended).toBe(true);
      expect(sseEvents(frames).every((e) => e.chat_id === shopChat)).toBe(true);
      const socket = await connectRealtime(t.url, scopedKey);
      clients.push(socket);
      expect(await socket.subscribe(shopChat)).toMatchObject({ ok: true, chat_id: shopChat });
    });

    it('reads its own agent, and talks to it over the chatbot APIs', async () => {
      expect((await scoped('GET', '/agents')).body.map((x: any) => x.id)).toEqual([shop.id]);
      expect((await scoped('GET', `/agents/${shop.id}`)).status).toBe(200);
      const asyntai = await scoped('POST', '/api/v1/chat', { message: 'hi', session_id: 'shop-visitor' });
      expect(asyntai.body).toMatchObject({ success: true, response: 'Welcome to the shop.' });
      const websites = await scoped('GET', '/api/v1/websites');
      expect(websites.body.websites.map((w: any) => w.id)).toEqual([shop.website_id]);
      const session = await scoped('POST', '/api/session', {});
      expect(session.status).toBe(200);
      const reply = await scoped('POST', '/api/chat', {
        conversation_id: session.body.data.conversation_id,
        message: 'hi',
      });
      expect(reply.body.data.response).toEqual(['Welcome to the shop.']);
    });
  });

  describe('other chats do not exist for it (404)', () => {
    it.each([
      ['GET', ''],
      ['GET', '/messages'],
      ['POST', '/messages'],
      ['POST', '/input'],
      ['POST', '/cancel'],
      ['POST', '/abort'],
      ['DELETE', ''],
      ['GET', '/events'],
    ])('%s /chats/{other}%s → 404 (another agent’s chat and an agent-less one)', async (method, suffix) => {
      for (const chatId of [blogChat, plainChat])
        for (const prefix of ['', '/v1']) {
          const body = method === 'POST' ? { message: 'x' } : undefined;
          const res = await scoped(method, `${prefix}/chats/${chatId}${suffix}`, body);
          expect([res.status, res.body?.statusCode]).toEqual([404, 404]);
        }
      // Untouched: the account key still sees both.
      expect((await a.request('GET', `/chats/${blogChat}`)).status).toBe(200);
      expect((await a.request('GET', `/chats/${plainChat}`)).status).toBe(200);
    });

    it('the chatbot APIs cannot reach another agent or its conversations', async () => {
      const conversation = await scoped('POST', '/api/chat', { conversation_id: blogChat, message: 'hi' });
      expect([conversation.status, conversation.body]).toEqual([
        404,
        { status: false, reason: 'conversation not found' },
      ]);
      const session = await scoped('POST', '/api/v1/chat/', { message: 'hi', session_id: 'blog-visitor' });
      expect([session.status, session.body]).toEqual([404, { success: false, error: 'Session not found' }]);
      const history = await scoped('GET', '/api/v1/conversations?session_id=blog-visitor');
      expect(history.status).toBe(404);
      const website = await scoped('POST', '/api/v1/chat', { message: 'hi', website_id: blog.website_id });
      expect([website.status, website.body]).toEqual([404, { success: false, error: 'Agent not found' }]);
      expect((await scoped('GET', `/agents/${blog.id}`)).status).toBe(404);
      // Nothing was written to the other agent's conversation.
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE chat_id = $1`, [
        blogChat,
      ]);
      expect(rows[0].n).toBe(2);
    });

    it('socket.io: subscribing to another chat is refused, and subscribe_account carries only its agent’s chats', async () => {
      const widget = await connectRealtime(t.url, scopedKey);
      const operator = await connectRealtime(t.url, a.key);
      clients.push(widget, operator);
      expect(await widget.subscribe(blogChat)).toEqual({
        ok: false,
        chat_id: blogChat,
        error: 'Chat not found',
      });
      expect(await widget.subscribe(plainChat)).toMatchObject({ ok: false });
      expect(await widget.socket.timeout(5000).emitWithAck('subscribe_account', {})).toEqual({ ok: true });
      expect(await operator.socket.timeout(5000).emitWithAck('subscribe_account', {})).toEqual({ ok: true });
      // Activity on the other agent's chat first, then on its own: the widget sees only its own.
      expect(
        (await a.request('POST', '/api/v1/chat', { message: 'more', session_id: 'blog-visitor' })).status,
      ).toBe(200);
      const own = await scoped('POST', '/chats', {
        name: 'late',
        from_type: 'flow',
        from_flow: shop.flow_id,
      });
      await scoped('POST', `/chats/${own.body.id}/messages?wait=true`, { message: 'Hi' });
      await widget.until((events) =>
        events.some((e) => e.chat_id === own.body.id && e.data.status === 'wait_for_human_input'),
      );
      await operator.until((events) =>
        events.some((e) => e.chat_id === own.body.id && e.data.status === 'wait_for_human_input'),
      );
      expect(new Set(widget.events.map((e) => e.chat_id))).toEqual(new Set([own.body.id]));
      expect(operator.events.some((e) => e.chat_id === blogChat)).toBe(true);
    });

    it('SSE of another chat → 404 before any stream opens', async () => {
      const res = await fetch(`${t.url}/chats/${blogChat}/events`, { headers: { 'X-API-Key': scopedKey } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
    });

    it('an Idempotency-Key used by the account key never replays its response to the scoped key', async () => {
      const first = await a.request(
        'POST',
        '/chats',
        { name: 'idem', from_type: 'flow', from_flow: blog.flow_id },
        {
          'Idempotency-Key': 'shared-key',
        },
      );
      expect(first.status).toBe(201);
      const replay = await scoped(
        'POST',
        '/chats',
        { name: 'idem', from_type: 'flow', from_flow: blog.flow_id },
        {
          'Idempotency-Key': 'shared-key',
        },
      );
      expect(replay.status).toBe(422);
      expect(JSON.stringify(replay.body)).not.toContain(first.body.id);
    });
  });

  describe('management routes → 403', () => {
    // Always three entries: a two-argument row would make jest pass `done` as the body.
    const FORBIDDEN: [string, string, unknown][] = [
      ['GET', '/flows', null],
      ['POST', '/flows', twoAgentFlow()],
      ['POST', '/flows/import/agentok', { nodes: [], edges: [] }],
      ['GET', '/flows/{flow}', null],
      ['GET', '/flows/{flow}/versions', null],
      ['PUT', '/flows/{flow}', twoAgentFlow()],
      ['DELETE', '/flows/{flow}', null],
      ['POST', '/agents', { name: 'evil', flow_id: '{flow}' }],
      ['PATCH', '/agents/{shop}', { name: 'renamed' }],
      ['PATCH', '/agents/{blog}', { enabled: false }],
      ['DELETE', '/agents/{shop}', null],
      ['GET', '/api-keys', null],
      ['POST', '/api-keys', { name: 'more', agent_id: '{shop}' }],
      ['POST', '/api-keys', { name: 'escalate' }],
      ['DELETE', '/api-keys/{accountKey}', null],
      ['DELETE', '/api-keys/{scopedKey}', null],
      ['GET', '/account', null],
      ['GET', '/knowledge-bases', null],
      ['POST', '/knowledge-bases', { name: 'kb' }],
      ['GET', '/secrets', null],
      ['GET', '/webhooks', null],
      ['PUT', '/secrets/STRIPE', { value: 'x', hosts: ['api.stripe.com'] }],
      ['DELETE', '/secrets/STRIPE', null],
    ];
    const fill = (text: string) =>
      text
        .replace('{flow}', shop.flow_id)
        .replace('{shop}', shop.id)
        .replace('{blog}', blog.id)
        .replace('{accountKey}', accountKeyId)
        .replace('{scopedKey}', scopedKeyId);

    it.each(FORBIDDEN)('%s %s (and under /v1)', async (method, path, body) => {
      const payload = body === null ? undefined : JSON.parse(fill(JSON.stringify(body)));
      for (const prefix of ['', '/v1']) {
        const res = await scoped(method, prefix + fill(path), payload);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        expect(res.body.message).toMatch(/scoped to one agent/);
      }
    });

    it('in the chatbot APIs’ error shape too; nothing changed, the account key still works', async () => {
      const account = await scoped('GET', '/api/v1/account');
      expect(account.status).toBe(403);
      expect(account.body).toMatchObject({ success: false });
      expect((await a.request('GET', '/account')).status).toBe(200);
      expect((await a.request('GET', `/agents/${shop.id}`)).body).toMatchObject({
        name: 'Shop',
        enabled: true,
      });
      expect((await a.request('GET', '/api-keys')).body.every((k: any) => k.revoked_at === null)).toBe(true);
      expect((await a.request('GET', `/flows/${shop.flow_id}`)).body.archived).toBe(false);
    });
  });
});
