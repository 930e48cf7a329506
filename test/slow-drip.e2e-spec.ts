import { startTestApi, type TestAccount, type TestApi } from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

/**
 * Issue 10 item 7 (slow drip): a model server that streams a first chunk and then sends nothing
 * cannot hold an execution slot — the run fails once LLM_IDLE_TIMEOUT_MS passes without a chunk,
 * with a last_error naming the idle limit, and the API keeps answering meanwhile.
 */
describe('slow-drip model server', () => {
  let t: TestApi;
  let a: TestAccount;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    llm = await startFakeOpenAiServer({
      replies: ['one two three four five six'],
      // After the first half of the reply, the stream stalls for ever (the connection stays open).
      midStream: () => new Promise<void>(() => undefined),
    });
    t = await startTestApi({
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      LLM_IDLE_TIMEOUT_MS: '500',
      LLM_RETRY_ATTEMPTS: '1',
    });
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('fails the run with a readable idle-timeout last_error while /health stays responsive', async () => {
    const flowId = await a.createFlow({
      name: 'slow drip',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        {
          name: 'assistant',
          type: 'assistant',
          llm: { provider: 'openai', model: 'm', base_url: llm.url, stream: true },
        },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
    });
    const chat = (await a.request('POST', '/chats', { name: 'drip', from_flow: flowId })).body;
    const sending = a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'go' });
    // The stream has started (the server got the request) and is stalled: the API still answers.
    while (llm.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBeLessThan(500);
    const sent = await sending;
    expect(sent.status).toBe(202);
    expect(sent.body.chat.status).toBe('error');
    expect(sent.body.chat.last_error).toMatch(/sent nothing for 500 ms \(idle limit\)/);
    const after = await fetch(`${t.url}/health`);
    expect(after.status).toBeLessThan(500);
  });
});
