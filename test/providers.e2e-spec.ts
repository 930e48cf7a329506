import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';
import {
  startAnthropicServer,
  startOllamaServer,
  WIRE_USAGE,
  type WireServer,
} from './support/provider-wire-servers';

/** Hosted providers wired in the real process: configuration, secrets and the egress policy. */
describe('model providers over the API', () => {
  let t: TestApi;
  let a: TestAccount;
  let anthropic: WireServer;
  let ollama: WireServer;

  beforeAll(async () => {
    anthropic = await startAnthropicServer(() => ({ text: 'Claude says hi. TERMINATE' }));
    ollama = await startOllamaServer(() => ({ text: 'Llama says hi. TERMINATE' }));
    t = await startTestApi({
      ANTHROPIC_API_KEY: 'ant-e2e-key',
      ANTHROPIC_BASE_URL: anthropic.url,
      OLLAMA_BASE_URL: ollama.url,
      // Loopback model servers are private addresses: allowed explicitly, as an operator would.
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      LLM_RETRY_ATTEMPTS: '1',
    });
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
    await anthropic?.close();
    await ollama?.close();
  });

  async function run(llm: Record<string, unknown>) {
    const flow: FlowSpecInput = {
      name: 'provider',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        { name: 'assistant', type: 'assistant', llm: llm as never },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 1 },
    };
    const flowId = await a.createFlow(flow);
    const chat = (await a.request('POST', '/chats', { name: 'p', from_flow: flowId })).body;
    const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hello' });
    const messages = (await a.request('GET', `/chats/${chat.id}/messages`)).body;
    return { chat: sent.body.chat, messages };
  }

  it('anthropic: the configured key and base URL, usage on the message', async () => {
    const { chat, messages } = await run({ provider: 'anthropic', model: 'claude-test', stream: true });
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });
    expect(messages[1]).toMatchObject({
      sender: 'assistant',
      content: 'Claude says hi. TERMINATE',
      usage: { input_tokens: WIRE_USAGE.input, output_tokens: WIRE_USAGE.output },
    });
    expect(anthropic.requests[0].headers['x-api-key']).toBe('ant-e2e-key');
  });

  it('ollama: the native API through the egress policy', async () => {
    const { chat, messages } = await run({ provider: 'ollama', model: 'llama-test' });
    expect(chat.status).toBe('completed');
    expect(messages[1].content).toBe('Llama says hi. TERMINATE');
  });

  it('a private address the operator did not allow is refused, naming the setting', async () => {
    const { chat } = await run({
      provider: 'ollama',
      model: 'llama-test',
      base_url: 'http://10.255.255.1:11434',
    });
    expect(chat).toMatchObject({ status: 'error', termination_reason: 'error' });
    expect(chat.last_error).toMatch(/^ollama provider failed after 1 attempt: .*EGRESS_/);
  });
});
