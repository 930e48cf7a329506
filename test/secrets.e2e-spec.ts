import { randomBytes, randomUUID } from 'node:crypto';
import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';
import { startLoopbackServer, type LoopbackServer } from './support/loopback-server';

/**
 * Issue 10 item 2: secrets belong to accounts. Operator secrets reach only the hosts (and accounts)
 * they are bound to, the default provider key only the default provider, account secrets only
 * their own account and hosts. Every loopback host is allowed by the egress policy here, so what
 * stops a secret is the binding, not the address.
 */
describe('secrets', () => {
  let t: TestApi;
  let a: TestAccount;
  let b: TestAccount;
  let bound: LoopbackServer;
  let attacker: LoopbackServer;
  let defaultLlm: FakeOpenAiServer;
  let attackerLlm: FakeOpenAiServer;
  const accountB = randomUUID();
  const OP_VALUE = 'op-secret-value-1234';
  const echoHeaders = (req: any, res: any) => res.end(`seen headers: ${JSON.stringify(req.headers)}`);

  beforeAll(async () => {
    bound = await startLoopbackServer(echoHeaders);
    attacker = await startLoopbackServer(echoHeaders);
    defaultLlm = await startFakeOpenAiServer({ replies: ['default says hi TERMINATE'] });
    attackerLlm = await startFakeOpenAiServer({ replies: ['attacker says hi TERMINATE'] });
    t = await startTestApi({
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      LLM_RETRY_ATTEMPTS: '1',
      OPENAI_BASE_URL: defaultLlm.url,
      OPENAI_API_KEY: 'sk-operator-default-key',
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      CONCLAVE_SECRET_OPKEY: OP_VALUE,
      CONCLAVE_SECRET_OPKEY_HOSTS: `127.0.0.1:${bound.port}`,
      CONCLAVE_SECRET_UNBOUND: 'unbound-secret-value',
      CONCLAVE_SECRET_FOR_B: 'b-only-secret-value',
      CONCLAVE_SECRET_FOR_B_HOSTS: `127.0.0.1:${bound.port}`,
      CONCLAVE_SECRET_FOR_B_ACCOUNTS: accountB,
    });
    a = await t.account();
    b = await t.account({ id: accountB });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([bound?.close(), attacker?.close(), defaultLlm?.close(), attackerLlm?.close()]);
  });

  const autoUser = {
    name: 'user',
    type: 'user_proxy' as const,
    human_input_mode: 'NEVER' as const,
    is_termination_msg: { type: 'contains' as const, value: 'TERMINATE' },
  };

  async function run(account: TestAccount, flow: FlowSpecInput) {
    const flowId = await account.createFlow(flow);
    const chat = await account.request('POST', '/chats', { name: flow.name, from_flow: flowId });
    const sent = await account.request('POST', `/chats/${chat.body.id}/messages?wait=true`, {
      message: 'go',
    });
    expect(sent.status).toBe(202);
    const messages = (await account.request('GET', `/chats/${chat.body.id}/messages`)).body as any[];
    return { chat: sent.body.chat, messages };
  }

  /** One HTTP tool call sending secret `name` in `X-Token` to `url`; returns the tool's result text. */
  async function callWithSecret(account: TestAccount, name: string, url: string): Promise<string> {
    const { messages } = await run(account, {
      name: 'secret tool',
      agents: [
        autoUser,
        {
          name: 'assistant',
          type: 'assistant',
          tools: [
            {
              name: 'send',
              kind: 'http',
              http: { method: 'GET', url, headers: { 'X-Token': { secret: name } } },
            },
          ],
          llm: {
            provider: 'scripted',
            replies: [
              { content: null, tool_calls: [{ id: 'c1', name: 'send', arguments: {} }] },
              'done TERMINATE',
            ],
          },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    return messages.find((m) => m.type === 'tool').content as string;
  }

  const tokensSeenBy = (server: LoopbackServer) => server.requests.map((r) => r.headers['x-token']);

  it('sends an operator secret to its bound host, and keeps its value out of the transcript', async () => {
    const result = await callWithSecret(a, 'OPKEY', `${bound.url}/hook`);
    expect(tokensSeenBy(bound)).toContain(OP_VALUE);
    expect(result).toContain('"x-token":"***"');
    expect(result).not.toContain(OP_VALUE);
  });

  it('refuses to send an operator secret to a host the tenant chose', async () => {
    const result = await callWithSecret(a, 'OPKEY', `${attacker.url}/steal`);
    expect(result).toMatch(
      /^Error: send was not called: secret OPKEY may not be sent to 127\.0\.0\.1:\d+; the operator binds it with CONCLAVE_SECRET_OPKEY_HOSTS$/,
    );
    expect(await callWithSecret(a, 'UNBOUND', `${bound.url}/`)).toContain('not bound to any host');
    expect(attacker.requests).toEqual([]);
  });

  it('keeps an operator secret bound to one account away from the others', async () => {
    expect(await callWithSecret(a, 'FOR_B', `${bound.url}/`)).toContain('secret FOR_B is not configured');
    await callWithSecret(b, 'FOR_B', `${bound.url}/`);
    expect(tokensSeenBy(bound)).toContain('b-only-secret-value');
  });

  it("stores an account's secret write-only and sends it to its hosts only, for its own account only", async () => {
    const put = await a.request('PUT', '/secrets/MY_TOKEN', {
      value: 'account-a-token-5678',
      hosts: [`127.0.0.1:${bound.port}`],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      name: 'MY_TOKEN',
      hosts: [`127.0.0.1:${bound.port}`],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const list = await a.request('GET', '/secrets');
    expect(list.body).toEqual([put.body]);
    expect(JSON.stringify(list.body)).not.toContain('account-a-token-5678');
    const { rows } = await t.db.query(
      `SELECT sealed::text AS s FROM account_secrets WHERE name = 'MY_TOKEN'`,
    );
    expect(rows[0].s).not.toContain(Buffer.from('account-a-token-5678').toString('hex'));
    expect((await b.request('GET', '/secrets')).body).toEqual([]);

    await callWithSecret(a, 'MY_TOKEN', `${bound.url}/`);
    expect(tokensSeenBy(bound)).toContain('account-a-token-5678');
    expect(await callWithSecret(a, 'MY_TOKEN', `${attacker.url}/`)).toContain(
      `secret MY_TOKEN may only be sent to 127.0.0.1:${bound.port}, not to 127.0.0.1:${attacker.port}`,
    );
    expect(await callWithSecret(b, 'MY_TOKEN', `${bound.url}/`)).toContain(
      'secret MY_TOKEN is not configured',
    );
    expect(attacker.requests).toEqual([]);
  });

  it("lets an account's secret win over the operator's of the same name", async () => {
    expect(
      (
        await a.request('PUT', '/secrets/OPKEY', {
          value: 'account-own-opkey',
          hosts: [`127.0.0.1:${bound.port}`],
        })
      ).status,
    ).toBe(200);
    await callWithSecret(a, 'OPKEY', `${bound.url}/`);
    expect(tokensSeenBy(bound).at(-1)).toBe('account-own-opkey');
    await callWithSecret(b, 'OPKEY', `${bound.url}/`);
    expect(tokensSeenBy(bound).at(-1)).toBe(OP_VALUE);
    expect((await a.request('DELETE', '/secrets/OPKEY')).status).toBe(204);
    expect((await a.request('DELETE', '/secrets/OPKEY')).status).toBe(404);
  });

  it('binds api_key_ref to the model host, and the default key to the default provider only', async () => {
    const model = (llm: Record<string, unknown>): FlowSpecInput => ({
      name: 'model',
      agents: [
        autoUser,
        { name: 'assistant', type: 'assistant', llm: { provider: 'openai', model: 'm', ...llm } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    const refused = await run(a, model({ base_url: attackerLlm.url, api_key_ref: 'OPKEY' }));
    expect(refused.chat.status).toBe('error');
    expect(refused.chat.last_error).toContain('secret OPKEY may not be sent to');
    expect(attackerLlm.requests).toHaveLength(0);

    const own = await run(a, model({ base_url: attackerLlm.url }));
    expect(own.chat.status).toBe('completed');
    expect(attackerLlm.headers.map((h) => h.authorization)).toEqual(['Bearer not-needed']);

    const byDefault = await run(a, model({}));
    expect(byDefault.chat.status).toBe('completed');
    expect(defaultLlm.headers.map((h) => h.authorization)).toEqual(['Bearer sk-operator-default-key']);
  });

  it('validates secrets and refuses agent-scoped keys', async () => {
    const bad = async (path: string, body: unknown) =>
      (await a.request('PUT', path, body)).body.message.join(' ');
    expect(await bad('/secrets/X', { value: 'v', hosts: [] })).toContain('hosts');
    expect(await bad('/secrets/X', { value: '', hosts: ['h.example'] })).toContain('value');
    expect(await bad('/secrets/X', { value: 'v', hosts: ['http://h.example/'] })).toContain('hosts.0');
    expect(await bad('/secrets/X', { value: 'v', hosts: ['h.example'], extra: 1 })).toContain('extra');
    expect(await bad('/secrets/bad%20name', { value: 'v', hosts: ['h.example'] })).toContain('name');

    const flowId = await a.createFlow({
      name: 'agent flow',
      agents: [autoUser, { name: 'assistant', llm: { provider: 'scripted', replies: ['x'] } }],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    const agent = await a.request('POST', '/agents', { name: 'site', flow_id: flowId });
    const key = await a.request('POST', '/api-keys', { name: 'embed', agent_id: agent.body.id });
    const scoped = (method: string, path: string, body?: unknown) =>
      fetch(`${t.url}${path}`, {
        method,
        headers: { 'X-API-Key': key.body.key, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.status);
    expect(await scoped('GET', '/secrets')).toBe(403);
    expect(await scoped('PUT', '/secrets/X', { value: 'v', hosts: ['h.example'] })).toBe(403);
    expect(await scoped('DELETE', '/secrets/MY_TOKEN')).toBe(403);
  });
});
