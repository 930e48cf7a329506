import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

/** AG2 conversations run over the API: group chats, manual speaker selection, tools, the openai provider. */
describe('conversations', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    // The fake model and tool servers are on loopback, which the egress policy refuses unless allowed.
    t = await startTestApi({ EGRESS_ALLOWED_HOSTS: '127.0.0.1' });
    a = await t.account();
  });
  afterAll(() => t?.close());

  async function start(flow: FlowSpecInput, message: string) {
    const flowId = await a.createFlow(flow);
    const chat = await a.request('POST', '/chats', { name: flow.name, from_flow: flowId });
    const sent = await a.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message });
    expect(sent.status).toBe(202);
    return { id: chat.body.id as string, sent: sent.body };
  }

  /** A user proxy that never asks a human and stops on any reply containing TERMINATE. */
  const autoUser = {
    name: 'user',
    type: 'user_proxy' as const,
    human_input_mode: 'NEVER' as const,
    is_termination_msg: { type: 'contains' as const, value: 'TERMINATE' },
  };

  const member = (name: string, reply: string) => ({
    name,
    type: 'assistant' as const,
    llm: { provider: 'scripted' as const, replies: [reply] },
  });

  it('runs a three-agent round-robin group chat to max_round with the expected speaker order', async () => {
    const { id, sent } = await start(
      {
        name: 'group',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
          member('alice', 'Alice here.'),
          member('bob', 'Bob here.'),
          member('carol', 'Carol here.'),
        ],
        chat: {
          type: 'group',
          initiator: 'user',
          agents: ['user', 'alice', 'bob', 'carol'],
          max_round: 4,
          speaker_selection: 'round_robin',
        },
      },
      'Plan the trip',
    );
    expect(sent.chat).toMatchObject({ status: 'completed', termination_reason: 'max_round' });
    const messages = (await a.request('GET', `/chats/${id}/messages`)).body;
    expect(messages.map((m: any) => m.sender)).toEqual(['user', 'alice', 'bob', 'carol']);
    expect(messages.every((m: any) => m.receiver === 'chat_manager')).toBe(true);
    expect(messages[1].meta.speaker_selection).toMatchObject({ method: 'round_robin' });
  });

  it('auto selection asks the manager model, and a failed selection falls back to round robin', async () => {
    const { id } = await start(
      {
        name: 'auto',
        agents: [member('alice', 'A.'), member('bob', 'B.'), member('carol', 'C.')],
        chat: {
          type: 'group',
          initiator: 'alice',
          max_round: 3,
          speaker_selection: 'auto',
          allow_repeat_speaker: false,
          manager: { llm: { provider: 'scripted', replies: ['carol'] } },
        },
      },
      'Go',
    );
    const messages = (await a.request('GET', `/chats/${id}/messages`)).body;
    expect(messages.map((m: any) => m.sender)).toEqual(['alice', 'carol', 'alice']);
    expect(messages[1].meta.speaker_selection).toMatchObject({ method: 'auto', attempts: 1 });
    // "carol" again is not eligible (no repeat): three failed attempts, then round robin after carol
    expect(messages[2].meta.speaker_selection).toMatchObject({ fallback: true });
    // the run's usage also counts the manager's selection calls, which produce no message
    const { rows } = await t.db.query(`SELECT usage FROM runs WHERE chat_id = $1`, [id]);
    const messageTokens = messages.reduce((sum: number, m: any) => sum + (m.usage?.total_tokens ?? 0), 0);
    expect(rows[0].usage.total_tokens).toBeGreaterThan(messageTokens);
  });

  it('manual selection pauses for the speaker choice', async () => {
    const { id, sent } = await start(
      {
        name: 'manual',
        agents: [member('alice', 'A.'), member('bob', 'B.'), member('carol', 'C.')],
        chat: { type: 'group', initiator: 'alice', max_round: 2, speaker_selection: 'manual' },
      },
      'Who next?',
    );
    expect(sent.chat.status).toBe('wait_for_human_input');
    expect(sent.chat.input_request).toMatchObject({ kind: 'speaker' });
    expect(sent.chat.input_request.options).toEqual(expect.arrayContaining(['bob', 'carol']));
    const chosen = await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'carol' });
    expect(chosen.body.chat).toMatchObject({ status: 'completed', termination_reason: 'max_round' });
    const messages = (await a.request('GET', `/chats/${id}/messages`)).body;
    expect(messages.map((m: any) => m.sender)).toEqual(['alice', 'carol']);
    expect(messages[1].meta.speaker_selection).toMatchObject({ method: 'manual' });
  });

  it('round-trips a client tool through POST /input {tool_outputs}', async () => {
    const { id, sent } = await start(
      {
        name: 'client tool',
        agents: [
          autoUser,
          {
            name: 'assistant',
            type: 'assistant',
            tools: [
              {
                name: 'lookup',
                kind: 'client',
                parameters: { type: 'object', properties: { q: { type: 'string' } } },
              },
            ],
            llm: {
              provider: 'scripted',
              replies: [
                { content: null, tool_calls: [{ id: 'call_1', name: 'lookup', arguments: { q: 'answer' } }] },
                'The answer is 42. TERMINATE',
              ],
            },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      },
      'What is the answer?',
    );
    expect(sent.chat.status).toBe('wait_for_human_input');
    expect(sent.chat.input_request.kind).toBe('tool_outputs');
    expect(sent.chat.input_request.tool_calls).toEqual([
      { id: 'call_1', name: 'lookup', arguments: '{"q":"answer"}' },
    ]);
    expect((await a.request('POST', `/chats/${id}/input`, { message: 'hi' })).status).toBe(400);
    const answered = await a.request('POST', `/chats/${id}/input?wait=true`, {
      tool_outputs: [{ tool_call_id: 'call_1', output: '42' }],
    });
    expect(answered.body.chat).toMatchObject({
      status: 'completed',
      termination_reason: 'termination_message',
    });
    const messages = (await a.request('GET', `/chats/${id}/messages`)).body;
    expect(messages.map((m: any) => [m.type, m.sender, m.content])).toEqual([
      ['user', 'user', 'What is the answer?'],
      ['assistant', 'assistant', null],
      ['tool', 'user', '42'],
      ['assistant', 'assistant', 'The answer is 42. TERMINATE'],
    ]);
    expect(messages[2].tool_call_id).toBe('call_1');
  });

  describe('openai provider against a loopback OpenAI-compatible server', () => {
    let llm: FakeOpenAiServer;
    let tools: Server;
    let toolUrl: string;
    const toolCalls: string[] = [];

    beforeAll(async () => {
      llm = await startFakeOpenAiServer({
        replies: [
          { tool_calls: [{ name: 'weather', arguments: { city: 'Paris' } }] },
          'It is sunny in Paris. TERMINATE',
        ],
      });
      tools = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          toolCalls.push(body);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ forecast: 'sunny' }));
        });
      });
      await new Promise<void>((r) => tools.listen(0, '127.0.0.1', r));
      toolUrl = `http://127.0.0.1:${(tools.address() as AddressInfo).port}/weather`;
    });
    afterAll(async () => {
      await llm?.close();
      await new Promise((r) => tools?.close(r));
    });

    it('runs a two-agent chat with streaming and an HTTP tool call', async () => {
      const { id, sent } = await start(
        {
          name: 'openai',
          agents: [
            autoUser,
            {
              name: 'assistant',
              type: 'assistant',
              llm: { provider: 'openai', model: 'test-model', base_url: llm.url, stream: true },
              tools: [
                {
                  name: 'weather',
                  kind: 'http',
                  description: 'Weather by city',
                  parameters: {
                    type: 'object',
                    properties: { city: { type: 'string' } },
                    required: ['city'],
                  },
                  http: { method: 'POST', url: toolUrl },
                },
              ],
            },
          ],
          chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
        },
        'Weather in Paris?',
      );
      expect(sent.chat).toMatchObject({ status: 'completed', termination_reason: 'termination_message' });
      const messages = (await a.request('GET', `/chats/${id}/messages`)).body;
      expect(messages.map((m: any) => m.type)).toEqual(['user', 'assistant', 'tool', 'assistant']);
      expect(messages[1].tool_calls[0]).toMatchObject({ name: 'weather', arguments: '{"city":"Paris"}' });
      expect(JSON.parse(messages[2].content)).toEqual({ forecast: 'sunny' });
      expect(messages[3].content).toBe('It is sunny in Paris. TERMINATE');
      expect(messages[3].usage).toMatchObject({ total_tokens: expect.any(Number) });
      expect(JSON.parse(toolCalls[0])).toEqual({ city: 'Paris' });
      expect(llm.requests).toHaveLength(2);
      expect(llm.requests.every((r) => r.stream === true)).toBe(true);
      expect(llm.requests[0].tools[0].function.name).toBe('weather');
      // the second request carries the tool result back to the model
      expect(llm.requests[1].messages.some((m: any) => m.role === 'tool')).toBe(true);
    });

    it('fails the run with a readable last_error when the provider stays down', async () => {
      const down = await startFakeOpenAiServer({ replies: ['never'], failFirst: 100 });
      try {
        const { sent } = await start(
          {
            name: 'down',
            agents: [
              { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
              {
                name: 'assistant',
                type: 'assistant',
                llm: { provider: 'openai', model: 'm', base_url: down.url },
              },
            ],
            chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
          },
          'Hello?',
        );
        expect(sent.chat.status).toBe('error');
        expect(sent.chat.termination_reason).toBe('error');
        expect(sent.chat.last_error).toMatch(/openai provider failed after \d+ attempts/);
        expect(down.requests.length).toBeGreaterThan(1);
      } finally {
        await down.close();
      }
    });
  });
});
