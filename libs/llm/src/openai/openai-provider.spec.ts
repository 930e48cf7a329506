import { OpenAiLlm, type ModelRequest, type PromptMessage, type ToolSpec } from '@conclave/domain';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../../../test/support/fake-openai-server';
import { isAbortError, ModelProviderError } from '../errors';
import type { LlmConfig } from '../llm-config';
import { createModelInvoker } from '../model-invoker';

const retry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const user = (content: string): PromptMessage => ({ role: 'user', content, name: 'customer' });

function request(
  llm: Record<string, unknown>,
  messages: PromptMessage[],
  tools: ToolSpec[] = [],
): ModelRequest {
  return {
    agent: 'assistant',
    llm: OpenAiLlm.parse({ provider: 'openai', model: 'test-model', ...llm }),
    messages,
    tools,
    purpose: 'reply',
  };
}

describe('openai provider against an OpenAI-compatible server', () => {
  let server: FakeOpenAiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(options: Parameters<typeof startFakeOpenAiServer>[0], extra: Partial<LlmConfig> = {}) {
    server = await startFakeOpenAiServer(options);
    return createModelInvoker({ openai: { baseUrl: server.url }, retry, ...extra });
  }

  it('sends the prompt and returns the reply with the server’s usage', async () => {
    const invoker = await serve({ replies: ['Hello from the model'] });
    const reply = await invoker.invoke(
      request({ temperature: 0.2, max_tokens: 50 }, [
        { role: 'system', content: 'Be brief.' },
        user('Hi'),
        { role: 'assistant', content: 'Earlier answer' },
        user('Again'),
      ]),
    );
    expect(reply.content).toBe('Hello from the model');
    expect(reply.tool_calls).toBeUndefined();
    const body = server!.requests[0];
    expect(body).toMatchObject({ model: 'test-model', temperature: 0.2, max_tokens: 50 });
    expect(body.stream).toBeFalsy();
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi', name: 'customer' },
      { role: 'assistant', content: 'Earlier answer' },
      { role: 'user', content: 'Again', name: 'customer' },
    ]);
    const expectedPrompt = Math.ceil(JSON.stringify(body.messages).length / 4);
    expect(reply.usage).toEqual({
      input_tokens: expectedPrompt,
      output_tokens: 5,
      total_tokens: expectedPrompt + 5,
    });
  });

  it('streams deltas to onDelta and takes usage from the server’s usage chunk', async () => {
    const invoker = await serve({ replies: ['one two three'] });
    const deltas: string[] = [];
    const reply = await invoker.invoke(request({ stream: true }, [user('count')]), {
      onDelta: (t) => deltas.push(t),
    });
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(reply.content).toBe('one two three');
    expect(server!.requests[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(reply.usage).toMatchObject({ output_tokens: 4 });
    expect(reply.usage!.total_tokens).toBe(reply.usage!.input_tokens + 4);
  });

  const lookup: ToolSpec = {
    name: 'lookup_order',
    description: 'Finds an order',
    parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    kind: 'client',
  };

  it.each([false, true])('round-trips tool calls (stream: %s)', async (stream) => {
    const invoker = await serve({
      replies: [{ tool_calls: [{ name: 'lookup_order', arguments: { id: 'A7' } }] }, 'Order A7 shipped.'],
    });
    const first = await invoker.invoke(request({ stream }, [user('Where is A7?')], [lookup]));
    expect(first).toMatchObject({
      content: null,
      tool_calls: [{ id: 'call_0', name: 'lookup_order', arguments: '{"id":"A7"}' }],
    });
    expect(server!.requests[0].tools).toEqual([
      {
        type: 'function',
        function: { name: 'lookup_order', description: 'Finds an order', parameters: lookup.parameters },
      },
    ]);

    const second = await invoker.invoke(
      request(
        { stream },
        [
          user('Where is A7?'),
          { role: 'assistant', content: null, tool_calls: first.tool_calls },
          { role: 'tool', content: '{"status":"shipped"}', tool_call_id: 'call_0' },
        ],
        [lookup],
      ),
    );
    expect(second.content).toBe('Order A7 shipped.');
    const sent = server!.requests[1].messages;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_0', type: 'function', function: { name: 'lookup_order', arguments: '{"id":"A7"}' } },
      ],
    });
    expect(sent[2]).toEqual({ role: 'tool', content: '{"status":"shipped"}', tool_call_id: 'call_0' });
  });

  it('sends the key resolved for api_key_ref, and a placeholder when there is none', async () => {
    server = await startFakeOpenAiServer({ replies: ['ok'] });
    const invoker = createModelInvoker({ openai: { baseUrl: server.url }, retry });
    await invoker.invoke(request({ api_key_ref: 'team' }, [user('hi')]), { apiKey: 'sk-team-secret-123' });
    await invoker.invoke(request({}, [user('hi')]));
    expect(server.headers.map((h) => h.authorization)).toEqual([
      'Bearer sk-team-secret-123',
      'Bearer not-needed',
    ]);
    await expect(invoker.invoke(request({ api_key_ref: 'missing' }, [user('hi')]))).rejects.toThrow(
      'openai provider failed after 1 attempt: secret "missing" named by api_key_ref was not resolved',
    );
  });

  it("fails at once naming OPENAI_API_KEY when OpenAI's own endpoint has no key (no network call)", async () => {
    const invoker = createModelInvoker({ openai: {}, retry });
    await expect(invoker.invoke(request({}, [user('hi')]))).rejects.toThrow(
      "openai provider failed after 1 attempt: no API key for the openai provider: set OPENAI_API_KEY in the server's environment",
    );
  });

  it("sends the operator's default key to the default provider's origin only", async () => {
    server = await startFakeOpenAiServer({ replies: ['ok'] });
    const other = await startFakeOpenAiServer({ replies: ['ok'] });
    try {
      const invoker = createModelInvoker({
        openai: { baseUrl: server.url, apiKey: 'sk-operator-key' },
        retry,
      });
      await invoker.invoke(request({}, [user('hi')]));
      await invoker.invoke(request({ base_url: `${server.url}/` }, [user('hi')]));
      await invoker.invoke(request({ base_url: other.url }, [user('hi')]));
      expect(server.headers.map((h) => h.authorization)).toEqual([
        'Bearer sk-operator-key',
        'Bearer sk-operator-key',
      ]);
      expect(other.headers.map((h) => h.authorization)).toEqual(['Bearer not-needed']);
    } finally {
      await other.close();
    }
  });

  it('prefers the llm’s base_url over the configured default', async () => {
    server = await startFakeOpenAiServer({ replies: ['from the flow’s server'] });
    const invoker = createModelInvoker({ openai: { baseUrl: 'http://127.0.0.1:9/v1' }, retry });
    expect((await invoker.invoke(request({ base_url: server.url }, [user('hi')]))).content).toBe(
      'from the flow’s server',
    );
  });

  it('retries a 503 with backoff, then succeeds', async () => {
    const invoker = await serve({ replies: ['recovered'], failFirst: 2 });
    const reply = await invoker.invoke(request({}, [user('hi')]));
    expect(reply.content).toBe('recovered');
    expect(server!.requests).toHaveLength(3);
  });

  it('fails with a readable ModelProviderError after the attempts are spent, without the key', async () => {
    const invoker = await serve({ replies: ['never'], failFirst: 10 });
    const err = await invoker
      .invoke(request({ api_key_ref: 'k' }, [user('hi')]), { apiKey: 'sk-very-secret-key-000' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProviderError);
    expect((err as Error).message).toBe('openai provider failed after 3 attempts: 503 Service Unavailable');
    expect((err as ModelProviderError).status).toBe(503);
    expect(server!.requests).toHaveLength(3);
  });

  it('does not retry a 400, and keeps secrets out of the message', async () => {
    const invoker = await serve({
      replies: [{ error: { status: 400, message: 'bad key very-secret-key-000 for model' } }],
    });
    const err = await invoker
      .invoke(request({ api_key_ref: 'k' }, [user('hi')]), { apiKey: 'very-secret-key-000' })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('openai provider failed after 1 attempt: 400 bad key *** for model');
    expect(server!.requests).toHaveLength(1);
  });

  it('retries 429 but not 404', async () => {
    let calls = 0;
    const invoker = await serve({
      replies: () => (++calls === 1 ? { error: { status: 429, message: 'slow down' } } : 'fine'),
    });
    expect((await invoker.invoke(request({}, [user('hi')]))).content).toBe('fine');
    await server!.close();
    const notFound = await serve({ replies: [{ error: { status: 404, message: 'no such model' } }] });
    await expect(notFound.invoke(request({}, [user('hi')]))).rejects.toThrow(
      'after 1 attempt: 404 no such model',
    );
  });

  it('retries connection failures and reports them', async () => {
    server = await startFakeOpenAiServer({ replies: ['x'] });
    const url = server.url;
    await server.close();
    server = undefined;
    const invoker = createModelInvoker({ openai: { baseUrl: url }, retry });
    const err = await invoker.invoke(request({}, [user('hi')])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProviderError);
    expect((err as Error).message).toMatch(/^openai provider failed after 3 attempts: Connection error\./);
  });

  it.each([false, true])('aborts a hanging request at once (stream: %s)', async (stream) => {
    const invoker = await serve({ replies: () => new Promise(() => undefined) });
    const controller = new AbortController();
    const pending = invoker.invoke(request({ stream }, [user('hi')]), { signal: controller.signal });
    while (server!.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(err).not.toBeInstanceOf(ModelProviderError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops retrying when aborted during the backoff wait', async () => {
    const slowRetry = await serve(
      { replies: ['x'], failFirst: 10 },
      { retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    const controller = new AbortController();
    const pending = slowRetry.invoke(request({}, [user('hi')]), { signal: controller.signal });
    while (server!.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(isAbortError(await pending.catch((e: unknown) => e))).toBe(true);
    expect(server!.requests).toHaveLength(1);
  });
});
