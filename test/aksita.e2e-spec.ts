import { call, startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The Aksita-compatible API (docs/compatibility.md#aksita) end to end: the documented axios client flow, the
 * documented response shapes field by field, and every documented error code with its exact body.
 */
describe('Aksita-compatible API', () => {
  let t: TestApi;
  let a: TestAccount;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    // The fake model server is on loopback, which the egress policy refuses unless allowed.
    t = await startTestApi({
      LLM_RETRY_ATTEMPTS: '1',
      LLM_RETRY_BASE_MS: '0',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
    });
    a = await t.account({ credits: 1000 });
    const flowId = await a.createFlow(
      twoAgentFlow(["Hello! I'm here to help you...", 'You are on the Premium plan.', 'Anything else?']),
    );
    expect((await a.request('POST', '/agents', { name: 'Support', flow_id: flowId })).status).toBe(201);
    llm = await startFakeOpenAiServer({
      replies: (body) => {
        const system = body.messages.find((m: any) => m.role === 'system')?.content ?? '';
        return /FAIL/.test(JSON.stringify(body.messages))
          ? { error: { status: 500, message: 'upstream exploded' } }
          : `system saw: ${system.includes('Context:') ? system.slice(system.indexOf('Context:')) : 'no context'}`;
      },
    });
  });
  afterAll(async () => {
    await llm?.close();
    await t?.close();
  });

  /** The seed's axios example, step for step (same requests, with fetch). */
  function client(key: string) {
    return {
      async createSession(): Promise<string> {
        const res = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': key });
        expect(res.status).toBe(200);
        return res.body.data.conversation_id;
      },
      async sendMessage(conversationId: string, message: string, userContext: string | null = null) {
        const payload: Record<string, unknown> = { conversation_id: conversationId, message };
        if (userContext) payload.additional_context = userContext;
        return call(t.url, 'POST', '/api/chat', payload, {
          'X-API-Key': key,
          'Content-Type': 'application/json',
        });
      },
    };
  }

  it('runs the documented client flow: session, then messages with context; shapes field by field', async () => {
    const c = client(a.key);
    const created = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': a.key });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      status: true,
      data: { conversation_id: expect.stringMatching(UUID) },
      detail: expect.any(String),
    });
    const sessionId = created.body.data.conversation_id as string;

    const userContext = 'User: John Doe\nPlan: Premium\nCredits: 500\nStatus: Active';
    const first = await c.sendMessage(sessionId, 'What is my current plan?', userContext);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      status: true,
      data: {
        response: ["Hello! I'm here to help you..."],
        credits: 1,
        remaining_credits: 999,
        message_id: expect.stringMatching(UUID),
        conversation_id: sessionId,
      },
      detail: 'response generated successfully',
    });

    // The chat waits for the end user; the next message is delivered as that input.
    const second = await c.sendMessage(sessionId, 'And my credits?');
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({
      response: ['You are on the Premium plan.'],
      credits: 1,
      remaining_credits: 998,
      message_id: expect.stringMatching(UUID),
      conversation_id: sessionId,
    });
    expect(second.body.data.message_id).not.toBe(first.body.data.message_id);

    // message_id is the stored user message; additional_context is stored with it, not as a message.
    const { rows } = await t.db.query(
      `SELECT id, type, content, meta FROM messages WHERE chat_id = $1 ORDER BY seq`,
      [sessionId],
    );
    expect(rows.map((r) => [r.type, r.content])).toEqual([
      ['user', 'What is my current plan?'],
      ['assistant', "Hello! I'm here to help you..."],
      ['user', 'And my credits?'],
      ['assistant', 'You are on the Premium plan.'],
    ]);
    expect(rows[0].id).toBe(first.body.data.message_id);
    expect(rows[0].meta).toEqual({ additional_context: userContext });
    expect(rows[2].id).toBe(second.body.data.message_id);
    expect(rows[2].meta.additional_context).toBeUndefined();
    // never logged
    expect(t.process.output()).not.toContain('John Doe');
  });

  it('gives additional_context to the agents for that turn only', async () => {
    const b = await t.account();
    const flowId = await b.createFlow({
      name: 'openai bot',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        {
          name: 'assistant',
          type: 'assistant',
          system_message: 'You are support.',
          llm: { provider: 'openai', model: 'm', base_url: llm.url },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    await b.request('POST', '/agents', { name: 'bot', flow_id: flowId });
    const c = client(b.key);
    const id = await c.createSession();
    const one = await c.sendMessage(id, 'hi', 'Plan: Gold');
    expect(one.body.data.response).toEqual(['system saw: Context:\nPlan: Gold']);
    const two = await c.sendMessage(id, 'again', 'Plan: Silver');
    expect(two.body.data.response).toEqual(['system saw: Context:\nPlan: Silver']);
    const three = await c.sendMessage(id, 'and now?');
    expect(three.body.data.response).toEqual(['system saw: no context']);
    const last = llm.requests[llm.requests.length - 1].messages;
    expect(last.filter((m: any) => m.role === 'system')).toEqual([
      { role: 'system', content: 'You are support.' },
    ]);
  });

  it('a message while the previous one is still being answered waits, then is delivered', async () => {
    const b = await t.account();
    const flowId = await b.createFlow({
      ...twoAgentFlow(['slow one', 'slow two']),
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        {
          name: 'assistant',
          type: 'assistant',
          llm: { provider: 'scripted', replies: ['slow one', 'slow two'], delay_ms: 300 },
        },
      ],
    });
    await b.request('POST', '/agents', { name: 'slow', flow_id: flowId });
    const c = client(b.key);
    const id = await c.createSession();
    const [r1, r2] = await Promise.all([c.sendMessage(id, 'first'), c.sendMessage(id, 'second')]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect([...r1.body.data.response, ...r2.body.data.response].sort()).toEqual(['slow one', 'slow two']);
    const { rows } = await t.db.query(`SELECT type FROM messages WHERE chat_id = $1 ORDER BY seq`, [id]);
    expect(rows.map((r) => r.type)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  describe('documented errors, exact bodies', () => {
    let conversation: string;
    beforeAll(async () => {
      conversation = await client(a.key).createSession();
    });

    it.each([
      ['message missing', { conversation_id: 'x' }, 'message is required'],
      ['message empty', { conversation_id: 'x', message: '   ' }, 'message is required'],
      ['message not a string', { conversation_id: 'x', message: 5 }, 'message is required'],
      ['conversation_id missing', { message: 'hi' }, 'conversation_id is required'],
      ['conversation_id empty', { message: 'hi', conversation_id: '' }, 'conversation_id is required'],
    ])('400 when %s', async (_, body, reason) => {
      const res = await a.request('POST', '/api/chat', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ status: false, reason });
    });

    it('400 for malformed JSON and a non-string additional_context, in the Aksita shape', async () => {
      const bad = await a.request('POST', '/api/chat', '{"message":');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ status: false, reason: expect.any(String) });
      const ctx = await a.request('POST', '/api/chat', {
        conversation_id: conversation,
        message: 'hi',
        additional_context: { a: 1 },
      });
      expect(ctx.status).toBe(400);
      expect(ctx.body).toEqual({ status: false, reason: 'additional_context must be a string' });
    });

    it('401 for a missing, invalid or revoked key on both routes', async () => {
      for (const path of ['/api/session', '/api/chat']) {
        const body = { conversation_id: conversation, message: 'hi' };
        const missing = await call(t.url, 'POST', path, body);
        expect(missing.status).toBe(401);
        expect(missing.body).toEqual({ status: false, reason: expect.any(String) });
        const invalid = await call(t.url, 'POST', path, body, { 'X-API-Key': 'ck_invalid' });
        expect(invalid.status).toBe(401);
        expect(invalid.body).toEqual({ status: false, reason: expect.any(String) });
      }
      const created = await a.request('POST', '/api-keys', { name: 'temp' });
      await a.request('DELETE', `/api-keys/${created.body.id}`);
      const revoked = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': created.body.key });
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ status: false, reason: expect.any(String) });
    });

    it('402 "Insufficient credits" when the account has none left', async () => {
      const poor = await t.account({ credits: 0 });
      await poor.request('POST', '/agents', { name: 'p', flow_id: await poor.createFlow(twoAgentFlow()) });
      const id = await client(poor.key).createSession();
      const res = await client(poor.key).sendMessage(id, 'hello');
      expect(res.status).toBe(402);
      expect(res.body).toEqual({ status: false, reason: 'Insufficient credits' });
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE chat_id = $1`, [id]);
      expect(rows[0].n).toBe(0);
    });

    it('403 when the agent is disabled (session and chat)', async () => {
      const b = await t.account();
      const agent = await b.request('POST', '/agents', {
        name: 'off',
        flow_id: await b.createFlow(twoAgentFlow()),
      });
      const id = await client(b.key).createSession();
      expect((await b.request('PATCH', `/agents/${agent.body.id}`, { enabled: false })).body.enabled).toBe(
        false,
      );
      const chat = await client(b.key).sendMessage(id, 'hello');
      expect(chat.status).toBe(403);
      expect(chat.body).toEqual({ status: false, reason: 'Agent is disabled' });
      const session = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': b.key });
      expect(session.status).toBe(403);
      expect(session.body).toEqual({ status: false, reason: 'Agent is disabled' });
    });

    it('404 "conversation not found" for unknown, malformed and foreign ids', async () => {
      const other = await t.account();
      for (const [account, id] of [
        [a, '00000000-0000-4000-8000-000000000000'],
        [a, 'conv-abc-123'],
        [other, conversation],
      ] as const) {
        const res = await account.request('POST', '/api/chat', { conversation_id: id, message: 'hi' });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ status: false, reason: 'conversation not found' });
      }
    });

    it('404 when the account has no agent to open a session with', async () => {
      const none = await t.account();
      const res = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': none.key });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: false, reason: 'Agent not found' });
    });

    it('500 with a retry hint only for a real fault (the model provider failing)', async () => {
      const b = await t.account();
      const spec = {
        name: 'failing',
        agents: [
          { name: 'user', type: 'user_proxy' as const, human_input_mode: 'ALWAYS' as const },
          {
            name: 'assistant',
            type: 'assistant' as const,
            llm: { provider: 'openai' as const, model: 'm', base_url: llm.url },
          },
        ],
        chat: { type: 'two_agent' as const, initiator: 'user', recipient: 'assistant' },
      };
      await b.request('POST', '/agents', { name: 'f', flow_id: await b.createFlow(spec) });
      const id = await client(b.key).createSession();
      const res = await client(b.key).sendMessage(id, 'FAIL please');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ status: false, reason: expect.stringMatching(/retry/i) });
      expect(res.headers.get('retry-after')).toBeTruthy();
    });
  });
});
