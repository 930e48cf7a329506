import { flowJsonSchema, parseFlowSpec } from './flow-spec';

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
});
