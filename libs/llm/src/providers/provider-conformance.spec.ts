import { LlmSpec, type ModelRequest, type PromptMessage, type ToolSpec } from '@conclave/domain';
import {
  startAnthropicServer,
  startAzureOpenAiServer,
  startGeminiServer,
  startOllamaServer,
  WIRE_USAGE,
  type WireAction,
  type WireRequest,
  type WireServer,
} from '../../../../test/support/provider-wire-servers';
import { ModelProviderError } from '../errors';
import type { LlmConfig } from '../llm-config';
import { createModelInvoker } from '../model-invoker';

/**
 * One conformance suite for every hosted provider, each against a loopback server speaking its real
 * wire format, so the real LangChain client runs: text, streaming, a tool call round trip, usage,
 * a 429 then success, a timeout, and errors that name the provider and what to set.
 */
interface ProviderCase {
  provider: string;
  start: (script: (req: WireRequest, i: number) => WireAction) => Promise<WireServer>;
  llm: (url: string) => Record<string, unknown>;
  config: (url: string) => Partial<LlmConfig>;
  /** The header carrying the key, and its value; null for keyless providers. */
  keyHeader: [string, string] | null;
  /** The key resolved for the llm's `api_key_ref` (by the runtime's secret resolver in production). */
  apiKey?: string;
  /** Config with no key at all; null for keyless providers. */
  keyless: ((url: string) => Partial<LlmConfig>) | null;
  keySetting: string | null;
}

const cases: ProviderCase[] = [
  {
    provider: 'anthropic',
    start: startAnthropicServer,
    llm: (url) => ({
      provider: 'anthropic',
      model: 'claude-test',
      base_url: url,
      api_key_ref: 'ANTHROPIC_TEAM',
    }),
    config: () => ({}),
    apiKey: 'ant-secret-1',
    keyHeader: ['x-api-key', 'ant-secret-1'],
    keyless: () => ({}),
    keySetting: 'ANTHROPIC_API_KEY',
  },
  {
    provider: 'google',
    start: startGeminiServer,
    llm: () => ({ provider: 'google', model: 'gemini-test' }),
    config: (url) => ({ providers: { google: { apiKey: 'g-secret-1', baseUrl: url } } }),
    keyHeader: ['x-goog-api-key', 'g-secret-1'],
    keyless: (url) => ({ providers: { google: { baseUrl: url } } }),
    keySetting: 'GOOGLE_API_KEY',
  },
  {
    provider: 'azure_openai',
    start: startAzureOpenAiServer,
    // The operator's default key goes to the operator's default endpoint only.
    llm: () => ({ provider: 'azure_openai', deployment: 'team-gpt' }),
    config: (url) => ({ providers: { azureOpenai: { apiKey: 'az-secret-1', endpoint: url } } }),
    keyHeader: ['api-key', 'az-secret-1'],
    keyless: (url) => ({ providers: { azureOpenai: { endpoint: url } } }),
    keySetting: 'AZURE_OPENAI_API_KEY',
  },
  {
    provider: 'ollama',
    start: startOllamaServer,
    llm: (url) => ({ provider: 'ollama', model: 'llama-test', base_url: url }),
    config: () => ({}),
    keyHeader: null,
    keyless: null,
    keySetting: null,
  },
];

const weatherTool: ToolSpec = {
  name: 'lookup',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  kind: 'client',
};
const prompt: PromptMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi', name: 'customer' },
];

describe.each(cases)('provider conformance: $provider', (c) => {
  let server: WireServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(
    script: (req: WireRequest, i: number) => WireAction,
    options: { llm?: Record<string, unknown>; config?: Partial<LlmConfig> } = {},
  ) {
    await server?.close();
    server = await c.start(script);
    const invoker = createModelInvoker({
      openai: {},
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
      ...c.config(server.url),
      ...options.config,
    });
    const llm = LlmSpec.parse({ ...c.llm(server.url), ...options.llm });
    const call = (messages: PromptMessage[], tools: ToolSpec[] = [], onDelta?: (t: string) => void) => {
      const request: ModelRequest = { agent: 'assistant', llm, messages, tools, purpose: 'reply' };
      return invoker.invoke(request, { onDelta, apiKey: c.apiKey });
    };
    return { call, server: server! };
  }

  it('text: sends the system message and the conversation, returns the reply', async () => {
    const { call, server } = await serve(() => ({ text: 'Hello there' }));
    const reply = await call(prompt);
    expect(reply.content).toBe('Hello there');
    expect(reply.tool_calls).toBeUndefined();
    const [req] = server.requests;
    expect(req.stream).toBe(c.provider === 'ollama' ? req.stream : false);
    expect(req.system).toContain('Be brief.');
    expect(req.texts).toEqual(['Hi']);
    if (c.keyHeader) expect(req.headers[c.keyHeader[0]]).toBe(c.keyHeader[1]);
  });

  it('streaming: text arrives in deltas, the reply holds it whole', async () => {
    const { call, server } = await serve(() => ({ text: 'Hello there, friend' }), { llm: { stream: true } });
    const deltas: string[] = [];
    const reply = await call(prompt, [], (d) => deltas.push(d));
    expect(server.requests[0].stream).toBe(true);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello there, friend');
    expect(reply.content).toBe('Hello there, friend');
  });

  it('tool call round trip: the call comes back, its result goes out in the provider’s format', async () => {
    const { call, server } = await serve((req) =>
      req.toolResults.length === 0
        ? { toolCall: { id: 'call_1', name: 'lookup', args: { city: 'Paris' } } }
        : req.toolResults[0].content === 'sunny' && req.toolCalls[0]?.name === 'lookup'
          ? { text: 'It is sunny in Paris' }
          : { status: 400, message: `unexpected round trip ${JSON.stringify(req.body)}` },
    );
    const first = await call(
      [...prompt, { role: 'user', content: 'Weather in Paris?', name: 'customer' }],
      [weatherTool],
    );
    expect(server.requests[0].tools).toEqual(['lookup']);
    expect(first.content).toBeNull();
    expect(first.tool_calls).toEqual([
      { id: expect.any(String), name: 'lookup', arguments: '{"city":"Paris"}' },
    ]);
    const callId = first.tool_calls![0].id;
    const second = await call(
      [
        ...prompt,
        { role: 'user', content: 'Weather in Paris?', name: 'customer' },
        { role: 'assistant', content: null, tool_calls: first.tool_calls },
        { role: 'tool', content: 'sunny', tool_call_id: callId },
      ],
      [weatherTool],
    );
    expect(second.content).toBe('It is sunny in Paris');
    expect(server.requests[1].toolCalls).toEqual([
      expect.objectContaining({ name: 'lookup', args: { city: 'Paris' } }),
    ]);
    // Providers with call ids echo ours; Gemini and Ollama match results by name/order.
    const result = server.requests[1].toolResults[0];
    if (result.id !== undefined) expect(result.id).toBe(callId);
  });

  it.each([false, true])('usage: the provider’s token counts (stream: %s)', async (stream) => {
    const { call } = await serve(() => ({ text: 'Counted' }), { llm: { stream } });
    const reply = await call(prompt, [], () => undefined);
    expect(reply.usage).toEqual({
      input_tokens: WIRE_USAGE.input,
      output_tokens: WIRE_USAGE.output,
      total_tokens: WIRE_USAGE.input + WIRE_USAGE.output,
    });
  });

  it('a 429 is retried, then the call succeeds', async () => {
    const { call, server } = await serve(
      (_req, i) => (i === 0 ? { status: 429, message: 'Too many requests' } : { text: 'after the wait' }),
      { config: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } } },
    );
    const reply = await call(prompt);
    expect(reply.content).toBe('after the wait');
    expect(server.requests).toHaveLength(2);
  });

  it('a server that never answers fails the attempt with a timeout naming the provider', async () => {
    const { call } = await serve(() => ({ hang: true }), { config: { timeoutMs: 300 } });
    const error = await call(prompt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelProviderError);
    expect((error as Error).message).toBe(
      `${c.provider} provider failed after 1 attempt: no complete reply within 300 ms (LLM_TIMEOUT_MS)`,
    );
  });

  it('errors name the provider and what to set', async () => {
    if (!c.keySetting || !c.keyless) {
      // Keyless (Ollama): an unreachable server names the URL setting.
      const { call } = await serve(() => ({ text: 'unused' }), { llm: { base_url: 'http://127.0.0.1:9' } });
      const error = (await call(prompt).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        /^ollama provider failed after 1 attempt: .*\(check OLLAMA_BASE_URL or llm\.base_url\)$/,
      );
      return;
    }
    const { call, server } = await serve(() => ({ status: 401, message: 'invalid key' }));
    const denied = (await call(prompt).catch((e: unknown) => e)) as Error;
    expect(denied.message).toMatch(
      new RegExp(
        `^${c.provider} provider failed after 1 attempt: .*\\(check ${c.keySetting} or the secret named by api_key_ref\\)$`,
      ),
    );
    expect(denied.message).not.toContain(c.keyHeader![1]);

    expect(server.requests).toHaveLength(1);
    const keyless = await serve(() => ({ text: 'unused' }), {
      llm: { api_key_ref: undefined },
      config: c.keyless(server.url),
    });
    const missing = (await keyless.call(prompt).catch((e: unknown) => e)) as Error;
    expect(missing.message).toBe(
      `${c.provider} provider failed after 1 attempt: no API key: set ${c.keySetting} or give the llm an api_key_ref naming a configured secret`,
    );
    expect(keyless.server.requests).toHaveLength(0);
  });
});
