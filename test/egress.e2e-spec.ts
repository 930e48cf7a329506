import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';
import { startLoopbackServer, type LoopbackServer } from './support/loopback-server';

/**
 * Issue 10 item 1 (SSRF): a tenant's HTTP tools and model base_url cannot reach the server's own
 * network. The API allows exactly two loopback host:ports (the tool target and the fake model);
 * everything else on loopback, private ranges and metadata is refused with a readable error in the
 * transcript (tools) or the chat's last_error (models).
 */
describe('egress policy (SSRF)', () => {
  let t: TestApi;
  let a: TestAccount;
  let target: LoopbackServer;
  let internal: LoopbackServer;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    internal = await startLoopbackServer((_req, res) => res.end('INTERNAL SECRET DATA'));
    target = await startLoopbackServer((req, res) => {
      const to = new URL(req.url!, 'http://x').searchParams.get('to');
      if (to) {
        res.statusCode = 302;
        res.setHeader('location', to);
        return res.end();
      }
      res.end('public tool answer');
    });
    llm = await startFakeOpenAiServer({ replies: ['Model says hi. TERMINATE'] });
    t = await startTestApi({
      EGRESS_ALLOWED_HOSTS: `127.0.0.1:${target.port},${new URL(llm.url).host}`,
      LLM_RETRY_ATTEMPTS: '1',
    });
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([target?.close(), internal?.close(), llm?.close()]);
  });

  const autoUser = {
    name: 'user',
    type: 'user_proxy' as const,
    human_input_mode: 'NEVER' as const,
    is_termination_msg: { type: 'contains' as const, value: 'TERMINATE' },
  };

  async function run(flow: FlowSpecInput, message = 'go') {
    const flowId = await a.createFlow(flow);
    const chat = await a.request('POST', '/chats', { name: flow.name, from_flow: flowId });
    const sent = await a.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message });
    expect(sent.status).toBe(202);
    const messages = (await a.request('GET', `/chats/${chat.body.id}/messages`)).body as any[];
    return { chat: sent.body.chat, messages };
  }

  it('refuses every SSRF vector from an HTTP tool, and calls the allowed host', async () => {
    const tools: Record<string, string> = {
      allowed: `${target.url}/ok`,
      other_loopback_port: `${internal.url}/`,
      localhost_name: `http://localhost:${target.port}/ok`,
      unspecified: `http://0.0.0.0:${internal.port}/`,
      v4_mapped: `http://[::ffff:127.0.0.1]:${internal.port}/`,
      ipv6_loopback: `http://[::1]:${internal.port}/`,
      decimal_ip: `http://2130706433:${internal.port}/`,
      redirect_to_loopback: `${target.url}/r?to=${encodeURIComponent(`${internal.url}/secret`)}`,
      metadata: 'http://169.254.169.254/latest/meta-data/iam/',
      redis_port: 'http://127.0.0.1:6379/',
      postgres_port: 'http://127.0.0.1:5432/',
      private_10: 'http://10.0.0.1/',
      file_scheme: 'file:///etc/passwd',
    };
    const names = Object.keys(tools);
    const { chat, messages } = await run({
      name: 'ssrf tools',
      agents: [
        autoUser,
        {
          name: 'assistant',
          type: 'assistant',
          tools: names.map((name) => ({ name, kind: 'http', http: { method: 'GET', url: tools[name] } })),
          llm: {
            provider: 'scripted',
            replies: [
              {
                content: null,
                tool_calls: names.map((name, i) => ({ id: `call_${i}`, name, arguments: {} })),
              },
              'done TERMINATE',
            ],
          },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    expect(chat.status).toBe('completed');
    const results = Object.fromEntries(
      messages
        .filter((m) => m.type === 'tool')
        .map((m) => [names[Number(m.tool_call_id.slice(5))], m.content]),
    );
    expect(Object.keys(results).sort()).toEqual([...names].sort());
    expect(results.allowed).toBe('public tool answer');
    for (const name of names.filter((n) => n !== 'allowed')) {
      expect([name, results[name]]).toEqual([name, expect.stringMatching(/egress refused/)]);
      expect(results[name]).not.toContain('INTERNAL SECRET DATA');
    }
    expect(results.metadata).toContain('link-local');
    expect(results.redis_port).toContain('EGRESS_ALLOWED_HOSTS=127.0.0.1:6379');
    expect(results.file_scheme).toContain('only http and https');
    // The internal service never saw a single request; the redirect's first hop did reach the target.
    expect(internal.requests).toEqual([]);
    expect(target.requests.some((r) => r.url.startsWith('/r?to='))).toBe(true);
  });

  it.each([
    ['a loopback port that is not allowed', () => `${internal.url}/v1`],
    ['the cloud metadata address', () => 'http://169.254.169.254/v1'],
    ['localhost', () => `http://localhost:${new URL(llm.url).port}/v1`],
  ])('refuses a model base_url at %s with a readable last_error', async (_label, baseUrl) => {
    const { chat } = await run({
      name: 'ssrf model',
      agents: [
        autoUser,
        {
          name: 'assistant',
          type: 'assistant',
          llm: { provider: 'openai', model: 'm', base_url: baseUrl() },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    expect(chat.status).toBe('error');
    expect(chat.last_error).toMatch(
      /egress refused: .* address; the operator can allow it with EGRESS_ALLOWED_HOSTS=/,
    );
    expect(internal.requests).toEqual([]);
  });

  it('lets a model on an allowed host answer', async () => {
    const { chat, messages } = await run({
      name: 'allowed model',
      agents: [
        autoUser,
        { name: 'assistant', type: 'assistant', llm: { provider: 'openai', model: 'm', base_url: llm.url } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'termination_message' });
    expect(messages.at(-1).content).toBe('Model says hi. TERMINATE');
  });
});
