import { startTestApi, waitFor, type TestAccount, type TestApi } from './support/api';

/**
 * Issue 10 item 3: a tenant's regex cannot stall the server (RE2, checked at save), and a run that
 * keeps losing its executing process is failed after MAX_ATTEMPTS instead of being handed on forever.
 */
describe('regexes and claim attempts', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi({ LEASE_MS: '1500', SWEEP_INTERVAL_MS: '200', MAX_ATTEMPTS: '2' });
    a = await t.account();
  });
  afterAll(() => t?.close());

  const autoUser = (termination?: { type: 'exact' | 'contains' | 'regex'; value: string }) => ({
    name: 'user',
    type: 'user_proxy' as const,
    human_input_mode: 'NEVER' as const,
    ...(termination ? { is_termination_msg: termination } : {}),
  });

  it('runs ^(a+)+$ against a 32-character reply without blocking /health', async () => {
    const evil = `${'a'.repeat(32)}!`;
    const flowId = await a.createFlow({
      name: 'redos',
      agents: [
        autoUser({ type: 'regex', value: '^(a+)+$' }),
        {
          name: 'assistant',
          llm: {
            provider: 'scripted',
            replies: [evil],
            rules: [{ match: '^(a+)+$', reply: 'never chosen' }],
          },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 3 },
    });
    const chat = (await a.request('POST', '/chats', { name: 'redos', from_flow: flowId })).body;
    const sending = a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: evil });
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBeLessThan(500);
    const sent = await sending;
    expect(sent.body.chat).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });
    const messages = (await a.request('GET', `/chats/${chat.id}/messages`)).body;
    expect(messages.filter((m: any) => m.sender === 'assistant').map((m: any) => m.content)).toEqual([
      evil,
      evil,
      evil,
    ]);
  });

  it('refuses at save a pattern RE2 cannot run, naming the field', async () => {
    const flow = (termination: { type: 'exact' | 'contains' | 'regex'; value: string }, rule: string) => ({
      name: 'bad regex',
      agents: [
        autoUser(termination),
        {
          name: 'assistant',
          llm: { provider: 'scripted', replies: ['x'], rules: [{ match: rule, reply: 'y' }] },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    const backref = await a.request('POST', '/flows', flow({ type: 'regex', value: '(a)\\1' }, 'ok'));
    expect(backref.status).toBe(400);
    expect(JSON.stringify(backref.body.message)).toContain('agents.0.is_termination_msg.value');
    expect(JSON.stringify(backref.body.message)).toContain('not a supported regular expression');
    const lookahead = await a.request('POST', '/flows', flow({ type: 'exact', value: 'x' }, '(?=a)b'));
    expect(lookahead.status).toBe(400);
    expect(JSON.stringify(lookahead.body.message)).toContain('agents.1.llm.rules.0.match');
    const huge = await a.request('POST', '/flows', flow({ type: 'regex', value: 'a'.repeat(2000) }, 'ok'));
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.body.message)).toContain('longer than 1000');
  });

  it('fails a run taken over more than MAX_ATTEMPTS times with a readable last_error', async () => {
    const flowId = await a.createFlow({
      name: 'slow',
      agents: [
        autoUser(),
        { name: 'assistant', llm: { provider: 'scripted', replies: ['late'], delay_ms: 3000 } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 1 },
    });
    const chat = (await a.request('POST', '/chats', { name: 'poison', from_flow: flowId })).body;
    const started = await a.request('POST', `/chats/${chat.id}/messages`, { message: 'go' });
    expect(started.status).toBe(202);
    const runId = started.body.run.id;
    await waitFor(async () => {
      const { rows } = await t.db.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
      return rows[0]?.status === 'running';
    });
    // As if the process executing it had died after two earlier takeovers: its lease is expired.
    await t.db.query(
      `UPDATE runs SET takeovers = 2, lease_owner = 'dead-worker', lease_until = now() - interval '1 second'
       WHERE id = $1`,
      [runId],
    );
    const ended = await waitFor(async () => {
      const res = await a.request('GET', `/chats/${chat.id}`);
      return res.body.status === 'error' ? res.body : null;
    }, 30_000);
    expect(ended.last_error).toMatch(/^run abandoned: it was taken over 3 times .*\(MAX_ATTEMPTS=2\)$/);
  });
});
