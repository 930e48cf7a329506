import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

const scripted = (...replies: string[]) => ({ provider: 'scripted' as const, replies });
const nestingOf = (m: any) => m.meta?.nested?.depth ?? 0;

/** Nested chats (AG2 register_nested_chats) run over the API, with human input inside an inner chat. */
describe('nested chats over the API', () => {
  let t: TestApi;
  let a: TestAccount;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    // The imported Agentok flow names gpt-4o: a loopback OpenAI-compatible server plays both agents.
    llm = await startFakeOpenAiServer({
      replies: (body) => {
        const system = String(body.messages[0]?.content ?? '');
        return system.includes('critic') ? 'TERMINATE' : 'a thought';
      },
    });
    t = await startTestApi({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-test',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
    });
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('runs the inner chats, pauses for a person inside them, and replies with the summary', async () => {
    const flow: FlowSpecInput = {
      name: 'nested',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        {
          name: 'owner',
          nested_chats: {
            trigger: 'user',
            chat_queue: [
              { recipient: 'reviewer', max_turns: 1 },
              { recipient: 'writer', message: 'Write it up.', max_turns: 1 },
            ],
          },
        },
        { name: 'reviewer', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        { name: 'writer', type: 'assistant', llm: scripted('Final text. TERMINATE') },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'owner', max_turns: 1 },
    };
    const flowId = await a.createFlow(flow);
    const chat = (await a.request('POST', '/chats', { name: 'n', from_flow: flowId })).body;
    const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Draft a plan' });
    expect(sent.status).toBe(202);
    // The person inside the inner chat is asked: the whole run pauses.
    expect(sent.body.chat).toMatchObject({
      status: 'wait_for_human_input',
      input_request: { agent: 'reviewer', kind: 'text' },
    });
    expect(sent.body.chat.input_request.prompt).toContain('Provide feedback to owner');

    const answered = await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: 'Looks good' });
    expect(answered.body.chat).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });

    const messages = (await a.request('GET', `/chats/${chat.id}/messages`)).body;
    expect(messages.map((m: any) => [m.sender, m.receiver, m.content, nestingOf(m)])).toEqual([
      ['user', 'owner', 'Draft a plan', 0],
      ['owner', 'reviewer', 'Draft a plan', 1],
      ['reviewer', 'owner', 'Looks good', 1],
      ['owner', 'writer', 'Write it up.\nContext: \nLooks good', 1],
      ['writer', 'owner', 'Final text. TERMINATE', 1],
      ['owner', 'user', 'Final text. ', 0],
    ]);
    expect(messages[1].meta.nested).toEqual({ owner: 'owner', depth: 1, chat_index: 0 });
    expect(messages[5].meta.nested_summary).toBe(true);
  });

  it('an imported Agentok nested-chat flow runs (real OpenAI client against a loopback server)', async () => {
    const fixture = JSON.parse(
      readFileSync(
        resolve(__dirname, '../apps/api/src/flows/agentok-import/fixtures/nested-chat.json'),
        'utf8',
      ),
    );
    // Give the two inner agents system messages the loopback server tells apart.
    for (const node of fixture.nodes) {
      if (node.data.name === 'Critic') node.data.system_message = 'You are the critic.';
      if (node.data.name === 'Thinker') node.data.system_message = 'You are the thinker.';
    }
    const imported = await a.request('POST', '/flows/import/agentok', fixture);
    expect(imported.status).toBe(201);
    expect(imported.body.flow.spec.agents[1].nested_chats.trigger).toBe('User');

    const chat = (await a.request('POST', '/chats', { name: 'i', from_flow: imported.body.flow.id })).body;
    const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Ponder this' });
    // The Critic's TERMINATE reaches the nested agent (TERMINATE mode): it asks its human.
    expect(sent.body.chat.input_request).toMatchObject({ agent: 'Inner monologue' });
    const inner = await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: '' });
    // The inner chat ended; the outer user (ALWAYS) is asked next.
    expect(inner.body.chat.input_request).toMatchObject({ agent: 'User' });
    const done = await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: 'exit' });
    expect(done.body.chat).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });

    const messages = (await a.request('GET', `/chats/${chat.id}/messages`)).body;
    expect(messages.map((m: any) => [m.sender, m.receiver, nestingOf(m)])).toEqual([
      ['User', 'Inner monologue', 0],
      ['Inner monologue', 'Thinker', 1],
      ['Thinker', 'Inner monologue', 1],
      ['Inner monologue', 'Thinker', 1],
      ['Thinker', 'Inner monologue', 1],
      ['Inner monologue', 'Critic', 1],
      ['Critic', 'Inner monologue', 1],
      ['Inner monologue', 'User', 0],
    ]);
    expect(messages[5].content).toBe('Continue.\nContext: \na thought');
    expect(llm.requests.length).toBe(3);
  });
});
