import {
  pingPongFlow,
  startTestApi,
  twoAgentFlow,
  waitFor,
  type TestAccount,
  type TestApi,
} from './support/api';

/**
 * Issue 10 item 7 (budgets): whatever max_turns a flow asks for, a run ends within the operator's
 * MAX_RUN_MESSAGES and MAX_RUN_SECONDS, `completed` with its own termination reason.
 */

async function runToEnd(a: TestAccount, flowId: string) {
  const created = await a.request('POST', '/chats', { name: 'budget', from_type: 'flow', from_flow: flowId });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const sent = await a.request('POST', `/chats/${id}/messages`, { message: 'start' });
  expect(sent.status).toBeLessThan(300);
  const chat = await waitFor(async () => {
    const c = (await a.request('GET', `/chats/${id}`)).body;
    return c.status === 'running' ? null : c;
  }, 60_000);
  const messages = (await a.request('GET', `/chats/${id}/messages?limit=1000`)).body;
  return { chat, messages };
}

describe('run budgets: MAX_RUN_MESSAGES', () => {
  let t: TestApi;
  let a: TestAccount;
  beforeAll(async () => {
    t = await startTestApi({ MAX_RUN_MESSAGES: '5' });
    a = await t.account();
  });
  afterAll(() => t?.close());

  it('ends a ping-pong with max_turns 1000 at 5 messages with max_run_messages', async () => {
    const { chat, messages } = await runToEnd(a, await a.createFlow(pingPongFlow(0, 1000)));
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'max_run_messages' });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(5);
  });
});

describe('run budgets: MAX_RUN_SECONDS', () => {
  let t: TestApi;
  let a: TestAccount;
  beforeAll(async () => {
    t = await startTestApi({ MAX_RUN_SECONDS: '1' });
    a = await t.account();
  });
  afterAll(() => t?.close());

  it('ends a slow ping-pong after a second with max_run_seconds, keeping what was written', async () => {
    const { chat, messages } = await runToEnd(a, await a.createFlow(pingPongFlow(300, 1000)));
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'max_run_seconds' });
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.length).toBeLessThan(1000);
  });

  it('does not count the time a person takes to answer against the run', async () => {
    const flowId = await a.createFlow(twoAgentFlow(['First answer.', 'Second answer.']));
    const chat = (await a.request('POST', '/chats', { name: 'human', from_flow: flowId })).body;
    const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hello' });
    expect(sent.body.chat.status).toBe('wait_for_human_input');
    // The person takes longer than MAX_RUN_SECONDS (1 s) to answer; the run's clock starts afresh.
    await new Promise((r) => setTimeout(r, 1_500));
    const answered = await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: 'More' });
    expect(answered.body.chat.status).toBe('wait_for_human_input');
    const messages = (await a.request('GET', `/chats/${chat.id}/messages`)).body;
    expect(messages.at(-1).content).toBe('Second answer.');
  });
});
