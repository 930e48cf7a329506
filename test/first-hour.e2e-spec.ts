import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

/** A new user's first hour: every mistake is named, every dead end says what to do next. */
describe('first hour (e2e)', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    // No provider key configured, as on a fresh clone.
    t = await startTestApi({ OPENAI_API_KEY: '', LLM_RETRY_ATTEMPTS: '1', LLM_RETRY_BASE_MS: '0' });
    a = await t.account();
  }, 60_000);
  afterAll(() => t?.close());

  const readmeExample1 = () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = /\*\*Example 1[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
    return JSON.parse(block![1]);
  };

  describe('a provider without a key (README Example 1)', () => {
    it('is saved with a warning naming the variable; PUT warns too; a scripted flow has none', async () => {
      const created = await a.request('POST', '/flows', readmeExample1());
      expect(created.status).toBe(201);
      expect(created.body.warnings).toEqual([expect.stringMatching(/^agents\.1\.llm: .*set OPENAI_API_KEY/)]);

      const ref = readmeExample1();
      ref.agents[1].llm.api_key_ref = 'OPENAI_PROD';
      const updated = await a.request('PUT', `/flows/${created.body.id}`, ref);
      expect(updated.status).toBe(200);
      expect(updated.body.warnings).toEqual([
        expect.stringMatching(/^agents\.1\.llm: .*set CONCLAVE_SECRET_OPENAI_PROD/),
      ]);

      const scripted = await a.request('POST', '/flows', twoAgentFlow());
      expect(scripted.body.warnings).toEqual([]);
    });

    it('fails the run with a last_error naming OPENAI_API_KEY (not a DNS error)', async () => {
      const flowId = (await a.request('POST', '/flows', readmeExample1())).body.id;
      const chat = (await a.request('POST', '/chats', { name: 'ex1', from_flow: flowId })).body;
      const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hi' });
      expect(sent.status).toBe(202);
      expect(sent.body.chat.status).toBe('error');
      expect(sent.body.chat.last_error).toContain('set OPENAI_API_KEY');
      expect(sent.body.chat.last_error).not.toContain('ENOTFOUND');
    });
  });

  it('a message to a chat waiting for input gets a 409 pointing to POST /chats/{id}/input', async () => {
    const flowId = await a.createFlow(twoAgentFlow(['Hello, how can I help?']));
    const chat = (await a.request('POST', '/chats', { name: 'waits', from_flow: flowId })).body;
    const first = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hi' });
    expect(first.body.chat.status).toBe('wait_for_human_input');

    const again = await a.request('POST', `/chats/${chat.id}/messages`, { message: 'Hello?' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('waiting for human input (request kind "text")');
    expect(again.body.message).toContain(`POST /chats/${chat.id}/input`);
    expect(again.body).toMatchObject({
      statusCode: 409,
      input_request: { kind: 'text', agent: 'user' },
      next: { method: 'POST', path: `/chats/${chat.id}/input` },
    });
    // Following the advice works.
    const answered = await a.request('POST', `/chats/${chat.id}/input`, { message: 'exit' });
    expect(answered.status).toBe(202);
  });

  describe('chatbot APIs do not show termination markers', () => {
    let b: TestAccount;
    beforeAll(async () => {
      b = await t.account();
      const flowId = await b.createFlow({
        name: 'bot',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            is_termination_msg: { type: 'contains', value: 'ALL DONE' },
            llm: { provider: 'scripted', replies: ['Goodbye! TERMINATE', 'Finished. ALL DONE', 'TERMINATE'] },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      });
      expect((await b.request('POST', '/agents', { name: 'bot', flow_id: flowId })).status).toBe(201);
    });

    it('Aksita and Asyntai answers are stripped; the native transcript keeps the raw text', async () => {
      const session = await b.request('POST', '/api/session', {});
      const id = session.body.data.conversation_id;
      const aksita = await b.request('POST', '/api/chat', { conversation_id: id, message: 'bye' });
      expect(aksita.status).toBe(200);
      expect(aksita.body.data.response).toEqual(['Goodbye!']);
      const native = (await b.request('GET', `/chats/${id}/messages`)).body;
      expect(native.map((m: any) => m.content)).toContain('Goodbye! TERMINATE');

      const first = await b.request('POST', '/api/v1/chat/', { message: 'bye', session_id: 's1' });
      expect(first.body).toMatchObject({ success: true, response: 'Goodbye!' });
      const second = await b.request('POST', '/api/v1/chat/', { message: 'and?', session_id: 's1' });
      expect(second.body.response).toBe('Finished.');
      const third = await b.request('POST', '/api/v1/chat/', { message: 'ok', session_id: 's1' });
      expect(third.body.response).toBe('');
      const history = await b.request('GET', '/api/v1/conversations/?session_id=s1');
      expect(history.body.messages.map((m: any) => `${m.role}:${m.content}`)).toEqual([
        'user:bye',
        'assistant:Goodbye!',
        'user:and?',
        'assistant:Finished.',
        'user:ok',
      ]);
    });
  });
});
