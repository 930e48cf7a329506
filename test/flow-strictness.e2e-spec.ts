import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

/** A flow with a typo is refused (it would otherwise run with a default and cost model calls). */
describe('flow spec strictness (e2e)', () => {
  let api: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    api = await startTestApi();
    a = await api.account();
  }, 60_000);
  afterAll(() => api?.close());

  const base = twoAgentFlow() as any;
  it.each([
    [
      { ...base, agents: [{ ...base.agents[0], human_imput_mode: 'NEVER' }, base.agents[1]] },
      'agents.0.human_imput_mode: unknown field (did you mean human_input_mode?)',
    ],
    [
      { ...base, chat: { ...base.chat, max_turn: 2 } },
      'chat.max_turn: unknown field (did you mean max_turns?)',
    ],
    [
      { ...base, agents: [base.agents[0], { ...base.agents[1], systen_message: 'x' }] },
      'agents.1.systen_message: unknown field (did you mean system_message?)',
    ],
    [
      {
        ...base,
        agents: [
          base.agents[0],
          { name: 'assistant', llm: { provider: 'openai', model: 'm', temprature: 1 } },
        ],
      },
      'agents.1.llm.temprature: unknown field (did you mean temperature?)',
    ],
    [
      { ...base, chat: { type: 'group', initiator: 'user', manger: { llm: null } } },
      'chat.manger: unknown field (did you mean manager?)',
    ],
  ])('POST and PUT /flows refuse a typo: %#', async (flow, error) => {
    const created = await a.request('POST', '/flows', flow);
    expect(created.status).toBe(400);
    expect(created.body.message).toBe(`Invalid flow spec: ${error}`);
    expect(created.body.errors).toEqual([error]);

    const id = await a.createFlow(twoAgentFlow());
    const updated = await a.request('PUT', `/flows/${id}`, flow);
    expect(updated.status).toBe(400);
    expect(updated.body.errors).toEqual([error]);
    expect((await a.request('GET', `/flows/${id}`)).body.version).toBe(1);
  });

  it('publishes additionalProperties: false', async () => {
    const schema = (await a.request('GET', '/flows/schema')).body;
    expect(schema.additionalProperties).toBe(false);
    const agent = schema.properties.agents.items;
    expect(agent.additionalProperties).toBe(false);
  });

  it('accepts every complete flow example in the README', async () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const flows = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .filter((block) => block.includes('"agents"'))
      .map((block) => JSON.parse(block));
    expect(flows.length).toBeGreaterThanOrEqual(2);
    for (const flow of flows) {
      const res = await a.request('POST', '/flows', flow);
      expect({ name: flow.name, status: res.status, body: res.body }).toMatchObject({ status: 201 });
    }
  });

  it('imports an Agentok flow leniently and reports the fields it dropped', async () => {
    const res = await a.request('POST', '/flows/import/agentok', {
      nodes: [
        { id: 'init', type: 'initializer', data: { name: 'Start' } },
        { id: 'u', type: 'user', data: { name: 'User', human_input_mode: 'ALWAYS', colour: 'red' } },
        { id: 'a', type: 'assistant', data: { name: 'Helper', llm_config: { model: 'gpt-4o' } } },
      ],
      edges: [
        { id: 'e1', source: 'init', target: 'u' },
        { id: 'e2', source: 'u', target: 'a', data: { max_turn: 2 } },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      'node u: not imported: colour',
      'edge e2: not imported: max_turn',
      // the imported assistant uses the openai provider and this server has no OPENAI_API_KEY
      expect.stringMatching(/^agents\.1\.llm: no API key for the openai provider: set OPENAI_API_KEY/),
    ]);
    expect(res.body.flow.spec.chat).not.toHaveProperty('max_turn');
  });
});
