import { closestName, flowJsonSchema, parseFlowSpec } from './flow-spec';

const twoAgent = {
  name: 'f',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
    { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['hi'] } },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
};

describe('flow spec', () => {
  it('accepts a two-agent flow and applies defaults', () => {
    const result = parseFlowSpec(twoAgent);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flow.agents[1].llm).toEqual({
      provider: 'scripted',
      replies: ['hi'],
      rules: [],
      echo: false,
      delay_ms: 0,
      stream: false,
    });
    expect(result.flow.agents[0].tools).toEqual([]);
  });

  it.each([
    [{ ...twoAgent, name: '' }, 'name'],
    [{ ...twoAgent, agents: 'x' }, 'agents'],
    [{ ...twoAgent, chat: { type: 'two_agent', initiator: 'user', recipient: 'nobody' } }, 'chat.recipient'],
    [{ ...twoAgent, chat: { type: 'two_agent', initiator: 'user', recipient: 'user' } }, 'chat.recipient'],
    [{ ...twoAgent, chat: { type: 'circle' } }, 'chat.type'],
    [{ ...twoAgent, agents: [{ name: '1bad' }] }, 'agents.0.name'],
    [{ ...twoAgent, agents: [...twoAgent.agents, { name: 'user' }] }, 'agents.2.name'],
    [
      {
        ...twoAgent,
        agents: [twoAgent.agents[0], { name: 'assistant', tools: [{ name: 't', kind: 'http' }] }],
      },
      'agents.1.tools.0.http',
    ],
    [
      { ...twoAgent, chat: { type: 'group', initiator: 'user', allowed_transitions: { user: ['ghost'] } } },
      'chat.allowed_transitions.user.0',
    ],
    [
      {
        ...twoAgent,
        chat: {
          type: 'sequential',
          chats: [
            { initiator: 'user', recipient: 'assistant' },
            { initiator: 'user', recipient: 'assistant' },
          ],
        },
      },
      'chat.chats.1.message',
    ],
  ])('rejects %j naming %s', (input, field) => {
    const result = parseFlowSpec(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((e) => e.startsWith(`${field}:`))).toBe(true);
  });

  it('publishes a JSON Schema', () => {
    const schema = flowJsonSchema() as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'agents', 'chat']));
  });

  describe('unknown keys', () => {
    const errorsOf = (input: unknown) => {
      const result = parseFlowSpec(input);
      return result.ok ? [] : result.errors;
    };

    it.each([
      [
        { ...twoAgent, agents: [{ ...twoAgent.agents[0], human_imput_mode: 'NEVER' }, twoAgent.agents[1]] },
        'agents.0.human_imput_mode: unknown field (did you mean human_input_mode?)',
      ],
      [
        { ...twoAgent, agents: [twoAgent.agents[0], { ...twoAgent.agents[1], systen_message: 'x' }] },
        'agents.1.systen_message: unknown field (did you mean system_message?)',
      ],
      [
        { ...twoAgent, chat: { ...twoAgent.chat, max_turn: 2 } },
        'chat.max_turn: unknown field (did you mean max_turns?)',
      ],
      [
        {
          ...twoAgent,
          agents: [
            twoAgent.agents[0],
            { name: 'assistant', llm: { provider: 'openai', model: 'm', temprature: 0.2 } },
          ],
        },
        'agents.1.llm.temprature: unknown field (did you mean temperature?)',
      ],
      [
        { ...twoAgent, chat: { type: 'group', initiator: 'user', manger: {} } },
        'chat.manger: unknown field (did you mean manager?)',
      ],
      [
        { ...twoAgent, chat: { type: 'group', initiator: 'user', manager: { lmm: null } } },
        'chat.manager.lmm: unknown field (did you mean llm?)',
      ],
      [
        {
          ...twoAgent,
          agents: [
            twoAgent.agents[0],
            { name: 'assistant', llm: { provider: 'scripted', replies: [{ content: 'x', tool_call: [] }] } },
          ],
        },
        'agents.1.llm.replies.0.tool_call: unknown field (did you mean tool_calls?)',
      ],
      [
        {
          ...twoAgent,
          agents: [
            twoAgent.agents[0],
            {
              name: 'assistant',
              tools: [{ name: 't', kind: 'http', http: { url: 'https://x.test', header: {} } }],
            },
          ],
        },
        'agents.1.tools.0.http.header: unknown field (did you mean headers?)',
      ],
      [
        { ...twoAgent, colour: 'red' },
        'colour: unknown field (known fields: name, description, agents, chat, input_timeout)',
      ],
    ])('rejects %j with %s', (input, message) => {
      expect(errorsOf(input)).toContain(message);
    });

    it('keeps JSON Schema objects and header maps open', () => {
      const flow = {
        ...twoAgent,
        agents: [
          twoAgent.agents[0],
          {
            name: 'assistant',
            tools: [
              {
                name: 't',
                kind: 'http',
                parameters: { type: 'object', properties: { q: { type: 'string', x_custom: 1 } } },
                http: { url: 'https://x.test', headers: { 'X-Any': 'v' } },
              },
            ],
          },
        ],
      };
      expect(errorsOf(flow)).toEqual([]);
    });

    it('accepts its own parsed output again (stored specs are re-validated by runs)', () => {
      const first = parseFlowSpec({ ...twoAgent, chat: { type: 'group', initiator: 'user' } });
      expect(first.ok).toBe(true);
      if (first.ok) expect(parseFlowSpec(first.flow).ok).toBe(true);
    });

    it('publishes additionalProperties: false on every object', () => {
      const open: string[] = [];
      const walk = (node: unknown, at: string): void => {
        if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
        if (!node || typeof node !== 'object') return;
        const o = node as Record<string, unknown>;
        if (o.type === 'object' && o.properties && o.additionalProperties !== false) open.push(at);
        for (const [k, v] of Object.entries(o)) if (k !== 'default') walk(v, `${at}/${k}`);
      };
      walk(flowJsonSchema(), '#');
      expect(open).toEqual([]);
      expect(flowJsonSchema().additionalProperties).toBe(false);
    });

    it('suggests only close names', () => {
      expect(closestName('manger', ['manager', 'agents'])).toBe('manager');
      expect(closestName('zzzzzz', ['manager', 'agents'])).toBeUndefined();
    });
  });
});

describe('flow spec: hosted providers', () => {
  const withLlm = (llm: unknown) => ({
    name: 'p',
    agents: [{ name: 'a', llm }, { name: 'b' }],
    chat: { type: 'two_agent', initiator: 'b', recipient: 'a' },
  });

  it.each([
    [{ provider: 'anthropic', model: 'claude-sonnet-4', api_key_ref: 'ANT' }],
    [{ provider: 'google', model: 'gemini-2.0-flash', stream: true }],
    [{ provider: 'azure_openai', deployment: 'gpt4o', endpoint: 'https://r.openai.azure.com' }],
    [{ provider: 'ollama', model: 'llama3.2', base_url: 'http://127.0.0.1:11434' }],
  ])('accepts %j', (llm) => {
    expect(parseFlowSpec(withLlm(llm)).ok).toBe(true);
  });

  it('fills in the Azure API version', () => {
    const parsed = parseFlowSpec(withLlm({ provider: 'azure_openai', deployment: 'd' }));
    expect(parsed.ok && parsed.flow.agents[0].llm).toMatchObject({
      api_version: '2024-10-21',
      stream: false,
    });
  });

  it.each([
    [{ provider: 'google', model: 'g', base_url: 'http://10.0.0.1' }, 'agents.0.llm.base_url: unknown field'],
    [{ provider: 'ollama', model: 'm', api_key_ref: 'X' }, 'agents.0.llm.api_key_ref: unknown field'],
    [{ provider: 'azure_openai', model: 'm' }, 'agents.0.llm'],
  ])('rejects %j', (llm, path) => {
    const parsed = parseFlowSpec(withLlm(llm));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.join('\n')).toContain(path);
  });
});
