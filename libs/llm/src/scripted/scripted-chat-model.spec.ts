import { ScriptedLlm, type ModelRequest, type PromptMessage } from '@conclave/domain';
import { createModelInvoker } from '../model-invoker';
import { isAbortError } from '../errors';
import type { LlmConfig } from '../llm-config';
import { splitTokens } from './scripted-chat-model';

const config: LlmConfig = { openai: {}, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
const invoker = createModelInvoker(config);

function request(
  llm: unknown,
  messages: PromptMessage[],
  purpose: ModelRequest['purpose'] = 'reply',
): ModelRequest {
  return { agent: 'assistant', llm: ScriptedLlm.parse(llm), messages, tools: [], purpose };
}

const user = (content: string): PromptMessage => ({ role: 'user', content, name: 'user' });
const own = (content: string): PromptMessage => ({ role: 'assistant', content });
const system: PromptMessage = { role: 'system', content: 'You help.' };

describe('scripted provider', () => {
  const llm = { provider: 'scripted', replies: ['first', 'second', 'TERMINATE'] };

  it('uses the replies in order, counting the agent’s own earlier replies in the prompt', async () => {
    const answers = [];
    const transcript: PromptMessage[] = [system, user('hi')];
    for (let turn = 0; turn < 3; turn++) {
      const reply = await invoker.invoke(request(llm, transcript));
      answers.push(reply.content);
      transcript.push(own(reply.content ?? ''), user('go on'));
    }
    expect(answers).toEqual(['first', 'second', 'TERMINATE']);
  });

  it.each([false, true])(
    'answers replies[call_index] when the engine numbers the call (stream: %s), whatever the prompt holds',
    async (stream) => {
      const numbered = (k: number, messages: PromptMessage[]) => ({
        ...request({ ...llm, stream }, messages, 'select_speaker'),
        call_index: k,
      });
      // A speaker-selection prompt holds none of the agent's own messages, yet the calls advance.
      const answers = [];
      for (let k = 0; k < 4; k++) answers.push((await invoker.invoke(numbered(k, [user('pick')]))).content);
      expect(answers).toEqual(['first', 'second', 'TERMINATE', 'TERMINATE']);
      // An opening message shown as the agent's own does not shift the position.
      expect((await invoker.invoke(numbered(0, [own('the person typed this')]))).content).toBe('first');
    },
  );

  it('repeats the last reply once the list is spent', async () => {
    const prompt = [
      user('a'),
      own('1'),
      user('b'),
      own('2'),
      user('c'),
      own('3'),
      user('d'),
      own('4'),
      user('e'),
    ];
    expect((await invoker.invoke(request(llm, prompt))).content).toBe('TERMINATE');
  });

  it('answers the same for the same prompt, whatever was asked before (resumable in another process)', async () => {
    const prompt = [user('hi'), own('first'), user('more')];
    await invoker.invoke(request(llm, [user('unrelated')]));
    const again = createModelInvoker(config);
    expect((await invoker.invoke(request(llm, prompt))).content).toBe('second');
    expect((await again.invoke(request(llm, prompt))).content).toBe('second');
  });

  it('lets the first matching rule win over the replies, tested against the last non-system message', async () => {
    const ruled = {
      provider: 'scripted',
      replies: ['default'],
      rules: [
        { match: 'refund', reply: 'Refunds take 5 days.' },
        { match: '/^BILL/i', reply: 'Billing here.' },
      ],
    };
    expect((await invoker.invoke(request(ruled, [user('I want a refund please')]))).content).toBe(
      'Refunds take 5 days.',
    );
    expect((await invoker.invoke(request(ruled, [user('billing question')]))).content).toBe('Billing here.');
    expect(
      (await invoker.invoke(request(ruled, [user('hello'), { role: 'system', content: 'refund' }]))).content,
    ).toBe('default');
  });

  it('applies rules to speaker selection too, so a scripted manager picks the speaker', async () => {
    const manager = { provider: 'scripted', replies: ['alice'], rules: [{ match: 'alice:', reply: 'bob' }] };
    const prompt = [
      system,
      user('alice: done, over to someone'),
      { role: 'system' as const, content: 'Pick the next role.' },
    ];
    expect((await invoker.invoke(request(manager, prompt, 'select_speaker'))).content).toBe('bob');
  });

  it('echoes the last message when echo is on', async () => {
    const reply = await invoker.invoke(
      request({ provider: 'scripted', echo: true }, [system, user('ping 42')]),
    );
    expect(reply.content).toBe('ping 42');
  });

  it('answers with tool calls, arguments as JSON text and content null', async () => {
    const tooling = {
      provider: 'scripted',
      replies: [
        { content: null, tool_calls: [{ id: 'call_1', name: 'lookup', arguments: { order: 7 } }] },
        'done',
      ],
    };
    const reply = await invoker.invoke(request(tooling, [user('where is order 7?')]));
    expect(reply).toMatchObject({
      content: null,
      tool_calls: [{ id: 'call_1', name: 'lookup', arguments: '{"order":7}' }],
    });
    const next = await invoker.invoke(
      request(tooling, [
        user('where is order 7?'),
        { role: 'assistant', content: null, tool_calls: reply.tool_calls },
        { role: 'tool', content: 'shipped', tool_call_id: 'call_1' },
      ]),
    );
    expect(next.content).toBe('done');
  });

  it('estimates usage at about 4 characters per token, at least 1', async () => {
    const reply = await invoker.invoke(
      request({ provider: 'scripted', replies: ['12345678'] }, [user('abcd')]),
    );
    expect(reply.usage).toEqual({ input_tokens: 1, output_tokens: 2, total_tokens: 3 });
    const empty = await invoker.invoke(request({ provider: 'scripted', replies: [''] }, [user('')]));
    expect(empty.usage).toEqual({ input_tokens: 1, output_tokens: 1, total_tokens: 2 });
  });

  it('streams token by token when stream is on, the deltas adding up to the reply', async () => {
    const deltas: string[] = [];
    const reply = await invoker.invoke(
      request({ provider: 'scripted', replies: ['Hello there, big world'], stream: true }, [user('hi')]),
      { onDelta: (text) => deltas.push(text) },
    );
    expect(deltas).toEqual(['Hello ', 'there, ', 'big ', 'world']);
    expect(reply.content).toBe('Hello there, big world');
    expect(reply.usage?.output_tokens).toBe(6);
  });

  it('streams tool calls too', async () => {
    const llmSpec = {
      provider: 'scripted',
      stream: true,
      replies: [{ content: 'Checking.', tool_calls: [{ id: 'c9', name: 'lookup', arguments: '{"q":"x"}' }] }],
    };
    const reply = await invoker.invoke(request(llmSpec, [user('hi')]));
    expect(reply).toMatchObject({
      content: 'Checking.',
      tool_calls: [{ id: 'c9', name: 'lookup', arguments: '{"q":"x"}' }],
    });
  });

  it('waits delay_ms, and an abort stops the wait at once', async () => {
    const delayed = { provider: 'scripted', replies: ['late'], delay_ms: 10_000 };
    const controller = new AbortController();
    const started = Date.now();
    const pending = invoker.invoke(request(delayed, [user('hi')]), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const err = await pending.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('aborts a streaming delay too', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await invoker
      .invoke(
        request({ provider: 'scripted', replies: ['x'], delay_ms: 10_000, stream: true }, [user('hi')]),
        {
          signal: controller.signal,
        },
      )
      .catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });

  it('fails without retrying on an invalid rule regex (one stored before save-time checks)', async () => {
    const bad = ScriptedLlm.parse({ provider: 'scripted' });
    bad.rules = [{ match: '(unclosed', reply: 'x' }];
    const call = {
      agent: 'assistant',
      llm: bad,
      messages: [user('hi')],
      tools: [],
      purpose: 'reply' as const,
    };
    await expect(invoker.invoke(call)).rejects.toThrow(
      'scripted provider failed after 1 attempt: scripted rule "(unclosed" is not a valid regular expression',
    );
    expect(
      ScriptedLlm.safeParse({ provider: 'scripted', rules: [{ match: '(unclosed', reply: 'x' }] }).success,
    ).toBe(false);
  });
});

describe('splitTokens', () => {
  it('keeps whitespace so the tokens concatenate back to the text', () => {
    const text = '  Hi,\n two  words ';
    expect(splitTokens(text).join('')).toBe(text);
    expect(splitTokens('a b')).toEqual(['a ', 'b']);
  });
});
