import { call, startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * The Asyntai-compatible API (docs/compatibility.md#asyntai) end to end: the documented curl/fetch
 * requests, response shapes field by field, every documented error code; plus agent management.
 */
describe('Asyntai-compatible API', () => {
  let t: TestApi;
  let a: TestAccount;
  let primary: any;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    // The fake model server is on loopback, which the egress policy refuses unless allowed.
    t = await startTestApi({
      LLM_RETRY_ATTEMPTS: '1',
      LLM_RETRY_BASE_MS: '0',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
    });
    a = await t.account({ plan: 'starter' });
    const flowId = await a.createFlow(
      twoAgentFlow(['Our business hours are Monday-Friday, 9 AM to 5 PM EST.', 'We are closed on weekends.']),
    );
    primary = (
      await a.request('POST', '/agents', { name: 'My Website', flow_id: flowId, domain: 'example.com' })
    ).body;
    llm = await startFakeOpenAiServer({ replies: [{ error: { status: 503, message: 'overloaded' } }] });
  });
  afterAll(async () => {
    await llm?.close();
    await t?.close();
  });

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' });

  it('POST /api/v1/chat/ as in the curl and fetch examples keeps the conversation by session_id', async () => {
    const res = await call(
      t.url,
      'POST',
      '/api/v1/chat/',
      JSON.stringify({ message: 'What are your business hours?', session_id: 'user_123' }),
      bearer(a.key),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      response: 'Our business hours are Monday-Friday, 9 AM to 5 PM EST.',
      session_id: 'user_123',
    });
    // same session_id: history kept, X-API-Key works too, and the route without the trailing slash
    const again = await call(
      t.url,
      'POST',
      '/api/v1/chat',
      { message: 'And on Saturday?', session_id: 'user_123' },
      { 'X-API-Key': a.key },
    );
    expect(again.body).toEqual({
      success: true,
      response: 'We are closed on weekends.',
      session_id: 'user_123',
    });

    const history = await call(
      t.url,
      'GET',
      '/api/v1/conversations/?session_id=user_123&limit=20',
      undefined,
      {
        Authorization: `Bearer ${a.key}`,
      },
    );
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      success: true,
      session_id: 'user_123',
      messages: [
        { role: 'user', content: 'What are your business hours?', timestamp: expect.stringMatching(ISO) },
        {
          role: 'assistant',
          content: 'Our business hours are Monday-Friday, 9 AM to 5 PM EST.',
          timestamp: expect.stringMatching(ISO),
        },
        { role: 'user', content: 'And on Saturday?', timestamp: expect.stringMatching(ISO) },
        { role: 'assistant', content: 'We are closed on weekends.', timestamp: expect.stringMatching(ISO) },
      ],
    });
    const limited = await a.request('GET', '/api/v1/conversations?session_id=user_123&limit=2');
    expect(limited.body.messages.map((m: any) => m.content)).toEqual([
      'And on Saturday?',
      'We are closed on weekends.',
    ]);
    expect(
      (await a.request('GET', '/api/v1/conversations/?session_id=user_123&limit=500')).body.messages,
    ).toHaveLength(4);
  });

  it('a missing session_id creates a new session with a generated id', async () => {
    const res = await call(t.url, 'POST', '/api/v1/chat/', { message: 'Hi' }, bearer(a.key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, response: expect.any(String), session_id: expect.any(String) });
    const other = await call(t.url, 'POST', '/api/v1/chat/', { message: 'Hi' }, bearer(a.key));
    expect(other.body.session_id).not.toBe(res.body.session_id);
    const history = await a.request('GET', `/api/v1/conversations/?session_id=${res.body.session_id}`);
    expect(history.body.messages).toHaveLength(2);
  });

  it('GET /api/v1/websites/ lists agents; website_id picks one, default the primary', async () => {
    const other = await a.request('POST', '/agents', {
      name: 'Shop',
      flow_id: await a.createFlow(twoAgentFlow(['Welcome to the shop.'])),
    });
    expect(other.status).toBe(201);
    expect(other.body.is_primary).toBe(false);
    const res = await call(t.url, 'GET', '/api/v1/websites/', undefined, {
      Authorization: `Bearer ${a.key}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      websites: [
        { id: primary.website_id, name: 'My Website', domain: 'example.com', is_primary: true },
        { id: other.body.website_id, name: 'Shop', domain: null, is_primary: false },
      ],
    });
    expect(typeof primary.website_id).toBe('number');
    const shop = await a.request('POST', '/api/v1/chat/', {
      message: 'hi',
      website_id: other.body.website_id,
    });
    expect(shop.body.response).toBe('Welcome to the shop.');
    const dflt = await a.request('POST', '/api/v1/chat/', { message: 'hi' });
    expect(dflt.body.response).toBe('Our business hours are Monday-Friday, 9 AM to 5 PM EST.');
  });

  it('GET /api/v1/account/ reports plan and this month’s end-user messages', async () => {
    const b = await t.account({ plan: 'starter' });
    await b.request('POST', '/agents', { name: 'w', flow_id: await b.createFlow(twoAgentFlow()) });
    await b.request('POST', '/api/v1/chat/', { message: 'one', session_id: 's' });
    await b.request('POST', '/api/v1/chat/', { message: 'two', session_id: 's' });
    const res = await call(t.url, 'GET', '/api/v1/account/', undefined, { Authorization: `Bearer ${b.key}` });
    expect(res.status).toBe(200);
    const { rows } = await t.db.query(`SELECT email FROM accounts WHERE id = $1`, [b.id]);
    expect(res.body).toEqual({
      success: true,
      account: { email: rows[0].email, plan: 'starter', messages_used: 2, messages_limit: 2500 },
    });
  });

  describe('documented errors, exact bodies', () => {
    it.each([
      ['no message', {}, 'message is required'],
      ['an empty message', { message: '' }, 'message is required'],
      ['a non-string message', { message: 1 }, 'message is required'],
      ['a bad website_id', { message: 'hi', website_id: 'abc' }, 'website_id must be a positive integer'],
      [
        'a bad session_id',
        { message: 'hi', session_id: 12 },
        'session_id must be a non-empty string of at most 200 characters',
      ],
    ])('400 for %s', async (_, body, error) => {
      const res = await a.request('POST', '/api/v1/chat/', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, error });
    });

    it('400 for bad JSON and bad conversation queries', async () => {
      const json = await a.request('POST', '/api/v1/chat/', '{"message"');
      expect(json.status).toBe(400);
      expect(json.body).toEqual({ success: false, error: expect.any(String) });
      for (const q of [
        '',
        '?limit=5',
        '?session_id=user_123&limit=abc',
        '?session_id=user_123&limit=0',
        '?session_id=user_123&limit=-3',
      ]) {
        const res = await a.request('GET', `/api/v1/conversations/${q}`);
        expect([q, res.status]).toEqual([q, 400]);
        expect(res.body).toEqual({ success: false, error: expect.any(String) });
      }
    });

    it('401 for a missing or invalid key on every route', async () => {
      for (const [method, path] of [
        ['POST', '/api/v1/chat/'],
        ['GET', '/api/v1/websites/'],
        ['GET', '/api/v1/conversations/?session_id=user_123'],
        ['GET', '/api/v1/account/'],
      ]) {
        const missing = await call(t.url, method, path, method === 'POST' ? { message: 'hi' } : undefined);
        expect(missing.status).toBe(401);
        expect(missing.body).toEqual({ success: false, error: expect.any(String) });
        const invalid = await call(t.url, method, path, undefined, { Authorization: 'Bearer ck_wrong' });
        expect(invalid.status).toBe(401);
        expect(invalid.body).toEqual({ success: false, error: expect.any(String) });
      }
    });

    it('404 for an unknown website or session', async () => {
      const site = await a.request('POST', '/api/v1/chat/', { message: 'hi', website_id: 999999 });
      expect(site.status).toBe(404);
      expect(site.body).toEqual({ success: false, error: 'Agent not found' });
      const session = await a.request('GET', '/api/v1/conversations/?session_id=nobody');
      expect(session.status).toBe(404);
      expect(session.body).toEqual({ success: false, error: 'Session not found' });
    });

    it('429 when the plan’s monthly message limit is reached', async () => {
      const free = await t.account({ plan: 'free' });
      await free.request('POST', '/agents', { name: 'w', flow_id: await free.createFlow(twoAgentFlow()) });
      await t.db.query(
        `INSERT INTO account_usage (account_id, month, messages_used)
         VALUES ($1, date_trunc('month', now() AT TIME ZONE 'UTC')::date, 99)`,
        [free.id],
      );
      expect((await free.request('POST', '/api/v1/chat/', { message: 'last one' })).status).toBe(200);
      const res = await free.request('POST', '/api/v1/chat/', { message: 'one too many' });
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ success: false, error: 'Monthly message limit of the free plan reached' });
      const account = await free.request('GET', '/api/v1/account/');
      expect(account.body.account).toMatchObject({ plan: 'free', messages_used: 100, messages_limit: 100 });
    });

    it('503 when the model provider is unavailable', async () => {
      const b = await t.account();
      const flowId = await b.createFlow({
        name: 'down',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            llm: { provider: 'openai', model: 'm', base_url: llm.url },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      });
      await b.request('POST', '/agents', { name: 'down', flow_id: flowId });
      const res = await b.request('POST', '/api/v1/chat/', { message: 'hello?' });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ success: false, error: expect.stringMatching(/unavailable/) });
    });
  });

  describe('agents (websites) management', () => {
    it('keeps exactly one primary per account, atomically', async () => {
      const b = await t.account();
      const flow = await b.createFlow(twoAgentFlow());
      const first = (await b.request('POST', '/agents', { name: 'one', flow_id: flow })).body;
      expect(first).toMatchObject({
        name: 'one',
        flow_id: flow,
        enabled: true,
        is_primary: true,
        domain: null,
      });
      const second = (await b.request('POST', '/agents', { name: 'two', flow_id: flow, is_primary: true }))
        .body;
      expect(second.is_primary).toBe(true);
      expect((await b.request('GET', `/agents/${first.id}`)).body.is_primary).toBe(false);
      const patched = await b.request('PATCH', `/agents/${first.id}`, {
        is_primary: true,
        domain: 'a.example',
      });
      expect(patched.body).toMatchObject({ is_primary: true, domain: 'a.example' });
      const list = (await b.request('GET', '/agents')).body;
      expect(list.filter((x: any) => x.is_primary).map((x: any) => x.id)).toEqual([first.id]);
      expect((await b.request('PATCH', `/agents/${first.id}`, { is_primary: false })).status).toBe(400);
      // concurrent "make me primary" requests still leave exactly one
      const third = (await b.request('POST', '/agents', { name: 'three', flow_id: flow })).body;
      await Promise.all(
        [first, second, third].map((x) => b.request('PATCH', `/agents/${x.id}`, { is_primary: true })),
      );
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM agents WHERE account_id = $1 AND is_primary`,
        [b.id],
      );
      expect(rows[0].n).toBe(1);
      // deleting the primary promotes another
      const current = (await b.request('GET', '/agents')).body.find((x: any) => x.is_primary);
      expect((await b.request('DELETE', `/agents/${current.id}`)).status).toBe(204);
      expect((await b.request('GET', '/agents')).body.filter((x: any) => x.is_primary)).toHaveLength(1);
    });

    it('validates input and answers 404 for foreign ids and flows', async () => {
      const b = await t.account();
      expect((await b.request('POST', '/agents', { name: 'x' })).status).toBe(400);
      expect((await b.request('POST', '/agents', { name: 'x', flow_id: 'nope' })).status).toBe(404);
      const foreignFlow = await a.createFlow(twoAgentFlow());
      expect((await b.request('POST', '/agents', { name: 'x', flow_id: foreignFlow })).status).toBe(404);
      expect((await b.request('GET', `/agents/${primary.id}`)).status).toBe(404);
      expect((await b.request('PATCH', `/agents/${primary.id}`, { name: 'mine' })).status).toBe(404);
      expect((await b.request('DELETE', `/agents/${primary.id}`)).status).toBe(404);
      expect((await b.request('POST', '/api-keys', { name: 'k', agent_id: primary.id })).status).toBe(404);
      expect((await b.request('PATCH', `/agents/${primary.id}`, { enabled: 'yes' })).status).toBe(400);
    });

    it('an agent-scoped key sees only its agent and its conversations', async () => {
      const sites = (await a.request('GET', '/agents')).body;
      const shop = sites.find((x: any) => x.name === 'Shop');
      const key = await a.request('POST', '/api-keys', { name: 'shop', agent_id: shop.id });
      expect(key.status).toBe(201);
      expect(key.body.agent_id).toBe(shop.id);
      const scoped = { Authorization: `Bearer ${key.body.key}` };
      const websites = await call(t.url, 'GET', '/api/v1/websites/', undefined, scoped);
      expect(websites.body.websites.map((w: any) => w.name)).toEqual(['Shop']);
      const chat = await call(t.url, 'POST', '/api/v1/chat/', { message: 'hi' }, scoped);
      expect(chat.body.response).toBe('Welcome to the shop.');
      const foreign = await call(
        t.url,
        'GET',
        '/api/v1/conversations/?session_id=user_123',
        undefined,
        scoped,
      );
      expect(foreign.status).toBe(404);
      const aksita = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': key.body.key });
      const { rows } = await t.db.query(`SELECT agent_id FROM chats WHERE id = $1`, [
        aksita.body.data.conversation_id,
      ]);
      expect(rows[0].agent_id).toBe(shop.id);
    });
  });
});
