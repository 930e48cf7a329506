import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';
import { startLoopbackServer, type LoopbackServer } from './support/loopback-server';
import { expectRateLimitedAfter } from './support/rate-limit';

/** Credits, plan limits and per-key rate limits across the three API families. */
describe('credits, plan limits and rate limits', () => {
  let t: TestApi;
  let toolServer: LoopbackServer;
  const PER_TOOL_CALL = 2;

  beforeAll(async () => {
    toolServer = await startLoopbackServer((_req, res) => res.end('{"temperature":21}'));
    // Loopback HTTP tools are allowed here; no other test of this file calls a tool.
    t = await startTestApi({
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      CREDITS_PER_TOOL_CALL: String(PER_TOOL_CALL),
    });
  });
  afterAll(async () => {
    await t?.close();
    await toolServer?.close();
  });

  async function withAgent(account: TestAccount, flow = twoAgentFlow(['Hi!', 'Again!'])) {
    const flowId = await account.createFlow(flow);
    await account.request('POST', '/agents', { name: 'bot', flow_id: flowId });
    return flowId;
  }

  async function balance(account: TestAccount): Promise<number> {
    const { rows } = await t.db.query(`SELECT credit_balance FROM accounts WHERE id = $1`, [account.id]);
    return Number(rows[0].credit_balance);
  }

  it('never goes negative under 50 concurrent requests on one account', async () => {
    const acc = await t.account({ credits: 20 });
    await withAgent(acc);
    const sessions = await Promise.all(
      Array.from(
        { length: 50 },
        async () => (await acc.request('POST', '/api/session', {})).body.data.conversation_id,
      ),
    );
    const results = await Promise.all(
      sessions.map((id) => acc.request('POST', '/api/chat', { conversation_id: id, message: 'hello' })),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    for (const r of refused)
      expect(r).toMatchObject({ status: 402, body: { status: false, reason: 'Insufficient credits' } });
    expect(ok.reduce((sum, r) => sum + r.body.data.credits, 0)).toBe(20);
    expect(ok.every((r) => r.body.data.response.length === 1 && r.body.data.remaining_credits >= 0)).toBe(
      true,
    );
    expect(await balance(acc)).toBe(0);
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n, sum(m.credits)::int AS credits FROM messages m JOIN chats c ON c.id = m.chat_id
       WHERE c.account_id = $1 AND m.type = 'assistant'`,
      [acc.id],
    );
    expect(rows[0]).toEqual({ n: 20, credits: 20 });
  });

  it('a run that runs out mid-way stops cleanly with insufficient_credits, without the unpaid message', async () => {
    const acc = await t.account({ credits: 3 });
    const flowId = await acc.createFlow({
      name: 'chatty',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'go on' },
        { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['more'] } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 10 },
    } as any);
    const chat = await acc.request('POST', '/chats', { name: 'c', from_flow: flowId });
    const sent = await acc.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'start' });
    expect(sent.status).toBe(202);
    expect(sent.body.chat).toMatchObject({ status: 'completed', termination_reason: 'insufficient_credits' });
    expect(sent.body.run).toMatchObject({ status: 'completed', termination_reason: 'insufficient_credits' });
    // Every agent message costs 1 (the user proxy's auto-reply is an agent message too). A step is paid
    // all or nothing: the second step (reply + auto-reply = 2) did not fit the remaining 1 credit.
    expect(sent.body.messages.map((m: any) => [m.sender, m.content])).toEqual([
      ['user', 'start'],
      ['assistant', 'more'],
      ['user', 'go on'],
    ]);
    expect(await balance(acc)).toBe(1);
  });

  /** The assistant calls an HTTP tool on the loopback server once, then ends the chat. */
  function toolFlow(name: string) {
    return {
      name,
      agents: [
        {
          name: 'user',
          type: 'user_proxy',
          human_input_mode: 'NEVER',
          is_termination_msg: { type: 'contains', value: 'TERMINATE' },
        },
        {
          name: 'assistant',
          type: 'assistant',
          tools: [
            { name: 'weather', kind: 'http', http: { method: 'GET', url: `${toolServer.url}/weather` } },
          ],
          llm: {
            provider: 'scripted',
            replies: [
              { content: null, tool_calls: [{ id: 'w1', name: 'weather', arguments: {} }] },
              'sunny TERMINATE',
            ],
          },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    } as any;
  }

  it('debits each server-executed HTTP tool call (CREDITS_PER_TOOL_CALL) as well as the agent messages', async () => {
    const acc = await t.account({ credits: 100 });
    const flowId = await acc.createFlow(toolFlow('http tool'));
    const requestsBefore = toolServer.requests.length;
    const chat = await acc.request('POST', '/chats', { name: 'c', from_flow: flowId });
    const sent = await acc.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'go' });
    expect(sent.status).toBe(202);
    expect(sent.body.chat.status).toBe('completed');
    expect(sent.body.chat.termination_reason).not.toBe('insufficient_credits');
    expect(toolServer.requests.length - requestsBefore).toBe(1);

    const { rows } = await t.db.query<{ type: string; content: string | null; credits: string }>(
      `SELECT type, content, credits FROM messages WHERE chat_id = $1 ORDER BY seq`,
      [chat.body.id],
    );
    // The user's message is free; each agent message costs 1 (CREDITS_PER_UNIT); the tool result of
    // the executed call carries the call's price.
    expect(rows.map((r) => [r.type, Number(r.credits)])).toEqual([
      ['user', 0],
      ['assistant', 1],
      ['tool', PER_TOOL_CALL],
      ['assistant', 1],
    ]);
    expect(rows[2].content).toContain('temperature');
    const account = await acc.request('GET', '/account');
    expect(account.body.credit_balance).toBe(100 - 2 - PER_TOOL_CALL);
  });

  it('ends the run with insufficient_credits when the balance cannot pay the tool call, without its result', async () => {
    const acc = await t.account({ credits: 1 });
    const flowId = await acc.createFlow(toolFlow('unpaid tool'));
    const chat = await acc.request('POST', '/chats', { name: 'c', from_flow: flowId });
    const sent = await acc.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'go' });
    expect(sent.status).toBe(202);
    expect(sent.body.chat).toMatchObject({ status: 'completed', termination_reason: 'insufficient_credits' });
    // The reply asking for the tool was paid (1); the step with the tool's result (2) was not written.
    expect(sent.body.messages.map((m: any) => m.type)).toEqual(['user', 'assistant']);
    expect(await balance(acc)).toBe(0);
  });

  it('native POST /chats/{id}/messages answers 402 with no credits left, and 429 at the plan limit', async () => {
    const poor = await t.account({ credits: 0 });
    const flowId = await poor.createFlow(twoAgentFlow());
    const chat = await poor.request('POST', '/chats', { name: 'c', from_flow: flowId });
    const res = await poor.request('POST', `/chats/${chat.body.id}/messages`, { message: 'hi' });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      statusCode: 402,
      message: 'Insufficient credits',
      error: 'Payment Required',
    });
    expect((await poor.request('GET', `/chats/${chat.body.id}`)).body.status).toBe('ready');

    const free = await t.account({ plan: 'free' });
    await withAgent(free);
    await t.db.query(
      `INSERT INTO account_usage (account_id, month, messages_used)
       VALUES ($1, date_trunc('month', now() AT TIME ZONE 'UTC')::date, 100)`,
      [free.id],
    );
    const freeChat = await free.request('POST', '/chats', {
      name: 'c',
      from_flow: await free.createFlow(twoAgentFlow()),
    });
    const limited = await free.request('POST', `/chats/${freeChat.body.id}/messages`, { message: 'hi' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Aksita has no documented plan-limit code: 429 in its shape
    const session = (await free.request('POST', '/api/session', {})).body.data.conversation_id;
    const aksita = await free.request('POST', '/api/chat', { conversation_id: session, message: 'hi' });
    expect(aksita.status).toBe(429);
    expect(aksita.body).toEqual({ status: false, reason: 'Monthly message limit of the free plan reached' });
  });

  it('Asyntai answers 429 when the credits are gone', async () => {
    const poor = await t.account({ credits: 0 });
    await withAgent(poor);
    const res = await poor.request('POST', '/api/v1/chat/', { message: 'hi' });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ success: false, error: 'Insufficient credits' });
  });

  it('counts each accepted end-user message once per month, refused ones not at all', async () => {
    const acc = await t.account({ plan: 'starter' });
    await withAgent(acc);
    const id = (await acc.request('POST', '/api/session', {})).body.data.conversation_id;
    await acc.request('POST', '/api/chat', { conversation_id: id, message: 'one' });
    await acc.request('POST', '/api/chat', { conversation_id: id, message: 'two' });
    await acc.request('POST', '/api/chat', {
      conversation_id: '00000000-0000-4000-8000-000000000000',
      message: 'x',
    });
    const account = await acc.request('GET', '/api/v1/account/');
    expect(account.body.account).toMatchObject({ messages_used: 2, messages_limit: 2500 });
  });

  describe('CREDITS_RULE=per_1k_tokens', () => {
    const PER_UNIT = 3;
    let tokens: TestApi;
    beforeAll(async () => {
      tokens = await startTestApi({ CREDITS_RULE: 'per_1k_tokens', CREDITS_PER_UNIT: String(PER_UNIT) });
    });
    afterAll(() => tokens?.close());

    it('debits CREDITS_PER_UNIT per started 1,000 tokens of each agent message', async () => {
      const acc = await tokens.account({ credits: 1_000 });
      // ~1,500 estimated completion tokens (ceil(chars / 4)): one reply alone spans two 1k blocks.
      const long = 'The quick brown fox jumps over the lazy dog. '.repeat(134); // 6,030 chars
      const flowId = await acc.createFlow({
        name: 'long replies',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'go on' },
          { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: [long, 'short'] } },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
      } as any);
      const before = (await acc.request('GET', '/account')).body.credit_balance;
      expect(before).toBe(1_000);

      const chat = await acc.request('POST', '/chats', { name: 'c', from_flow: flowId });
      const sent = await acc.request('POST', `/chats/${chat.body.id}/messages?wait=true`, {
        message: 'start',
      });
      expect(sent.status).toBe(202);
      expect(sent.body.chat.status).toBe('completed');
      expect(sent.body.chat.termination_reason).not.toBe('insufficient_credits');

      const listed = await acc.request('GET', `/chats/${chat.body.id}/messages`);
      expect(listed.status).toBe(200);
      const messages: any[] = listed.body;
      const agentMessages = messages.filter((m) => m.type === 'assistant');
      const replies = agentMessages.filter((m) => m.sender === 'assistant');
      expect(replies.map((m) => m.content)).toEqual([long, 'short']);
      // The scripted provider's usage is estimated: completion tokens = ceil(chars / 4).
      expect(replies[0].usage.output_tokens).toBe(Math.ceil(long.length / 4));
      expect(replies[0].usage.total_tokens).toBeGreaterThan(1000);
      // The second call's prompt carries the long reply, so it spans more than 1k tokens as well.
      expect(replies[1].usage.total_tokens).toBeGreaterThan(1000);

      const expected = (m: any) =>
        m.type === 'assistant' ? PER_UNIT * Math.ceil((m.usage?.total_tokens ?? 0) / 1000) : 0;
      const { rows } = await tokens.db.query<{ id: string; credits: number }>(
        `SELECT id, credits FROM messages WHERE chat_id = $1`,
        [chat.body.id],
      );
      const stored = new Map(rows.map((r) => [r.id, Number(r.credits)]));
      expect(stored.size).toBe(messages.length);
      for (const m of messages)
        expect({ id: m.id, credits: stored.get(m.id) }).toEqual({ id: m.id, credits: expected(m) });
      for (const m of replies) expect(stored.get(m.id)).toBeGreaterThanOrEqual(2 * PER_UNIT);

      const total = messages.reduce((sum, m) => sum + expected(m), 0);
      expect(total).toBeGreaterThanOrEqual(4 * PER_UNIT);
      const after = (await acc.request('GET', '/account')).body.credit_balance;
      expect(before - after).toBe(total);
    });
  });

  describe('rate limit per API key', () => {
    let limited: TestApi;
    beforeAll(async () => {
      limited = await startTestApi({ RATE_LIMIT_PER_MINUTE: '3' });
    });
    afterAll(() => limited?.close());

    it('429 with Retry-After in each family’s shape; other keys are not affected', async () => {
      const acc = await limited.account();
      const other = await limited.account();
      await expectRateLimitedAfter(limited.url, acc, other, 3);
    });
  });
});
