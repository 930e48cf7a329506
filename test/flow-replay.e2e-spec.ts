import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';

const scripted = (...replies: string[]) => ({ provider: 'scripted' as const, replies });

/** POST /flows/{id}/test: a flow version replayed on recorded conversations, divergences reported. */
describe('flow test runs (replay)', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
  });
  afterAll(() => t?.close());

  const support = (second: string): FlowSpecInput => ({
    name: 'support',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
      { name: 'assistant', type: 'assistant', llm: scripted('Hello!', second, 'Bye.') },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
  });
  /** Random speakers (seeded per chat); `v2` changes every reply of alice and bob. */
  const group = (v2 = false): FlowSpecInput => ({
    name: 'group',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'go on' },
      {
        name: 'alice',
        type: 'assistant',
        llm: scripted(...['a1', 'a2', 'a3'].map((r) => (v2 ? r.toUpperCase() : r))),
      },
      {
        name: 'bob',
        type: 'assistant',
        llm: scripted(...['b1', 'b2', 'b3'].map((r) => (v2 ? r.toUpperCase() : r))),
      },
    ],
    chat: {
      type: 'group',
      initiator: 'user',
      max_round: 8,
      speaker_selection: 'random',
      allow_repeat_speaker: false,
    },
  });

  async function recordSupportChat(flowId: string) {
    const chat = (await a.request('POST', '/chats', { name: 'c', from_flow: flowId })).body;
    await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hi' });
    await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: 'Refund my order' });
    await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: '' });
    const done = await a.request('POST', `/chats/${chat.id}/input?wait=true`, { message: 'exit' });
    expect(done.body.chat).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });
    return chat.id as string;
  }

  it('an unchanged flow passes; a changed reply is flagged at its seq with expected and actual', async () => {
    const supportFlow = await a.createFlow(support('Sure.'));
    const supportChat = await recordSupportChat(supportFlow);
    const groupFlow = await a.createFlow(group());
    const groupChat = (await a.request('POST', '/chats', { name: 'g', from_flow: groupFlow })).body.id;
    await a.request('POST', `/chats/${groupChat}/messages?wait=true`, { message: 'Plan it' });
    const groupMessages = (await a.request('GET', `/chats/${groupChat}/messages`)).body;
    expect(groupMessages).toHaveLength(8);

    const unchanged = await a.request('POST', `/flows/${supportFlow}/test`, { chat_ids: [supportChat] });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ version: 1, models: 'scripted', passed: 1, failed: 0 });
    expect(unchanged.body.conversations[0]).toMatchObject({
      chat_id: supportChat,
      status: 'pass',
      divergence: null,
      expected_messages: 6,
      actual_messages: 6,
      termination_reason: 'human_exit',
    });
    const groupUnchanged = await a.request('POST', `/flows/${groupFlow}/test`, { chat_ids: [groupChat] });
    expect(groupUnchanged.body).toMatchObject({ passed: 1, failed: 0 });

    // Version 2 changes the assistant's second reply.
    expect((await a.request('PUT', `/flows/${supportFlow}`, support('Certainly.'))).status).toBe(200);
    const changed = await a.request('POST', `/flows/${supportFlow}/test`, {
      chat_ids: [supportChat],
      version: 2,
    });
    expect(changed.body).toMatchObject({ version: 2, passed: 0, failed: 1 });
    expect(changed.body.conversations[0]).toMatchObject({
      status: 'diverged',
      divergence: {
        seq: 4,
        expected: { sender: 'assistant', receiver: 'user', content: 'Sure.' },
        actual: { sender: 'assistant', receiver: 'user', content: 'Certainly.' },
      },
    });
    // The recorded version still passes.
    const v1 = await a.request('POST', `/flows/${supportFlow}/test`, { chat_ids: [supportChat], version: 1 });
    expect(v1.body.passed).toBe(1);

    await a.request('PUT', `/flows/${groupFlow}`, group(true));
    const groupChanged = await a.request('POST', `/flows/${groupFlow}/test`, { chat_ids: [groupChat] });
    // The first message of alice or bob is the first to differ (the speakers stay the same: same seed).
    const first = groupMessages.findIndex((m: any) => m.sender !== 'user');
    expect(groupChanged.body.conversations[0].divergence).toEqual({
      seq: first + 1,
      expected: expect.objectContaining({
        sender: groupMessages[first].sender,
        content: groupMessages[first].content,
      }),
      actual: expect.objectContaining({
        sender: groupMessages[first].sender,
        content: groupMessages[first].content.toUpperCase(),
      }),
    });
  });

  it('replays transcripts given in the body (as the messages API returns them)', async () => {
    const flowId = await a.createFlow(support('Sure.'));
    const chatId = await recordSupportChat(flowId);
    const messages = (await a.request('GET', `/chats/${chatId}/messages`)).body;
    const transcript = { runs: [{ message: 'Hi', answers: ['Refund my order', '', 'exit'] }], messages };
    const passed = await a.request('POST', `/flows/${flowId}/test`, { transcripts: [transcript] });
    expect(passed.body).toMatchObject({ passed: 1, conversations: [{ index: 0, status: 'pass' }] });

    // Fewer recorded answers: the replay pauses where the recording went on.
    const short = { runs: [{ message: 'Hi', answers: ['Refund my order'] }], messages };
    const cut = await a.request('POST', `/flows/${flowId}/test`, { transcripts: [short] });
    expect(cut.body.conversations[0]).toMatchObject({
      status: 'diverged',
      termination_reason: null,
      divergence: { seq: 5, expected: { sender: 'user', content: '' }, actual: null },
    });
  });

  it('answers 400 naming the field, 404 for unknown flows and chats', async () => {
    const live = await a.createFlow({
      name: 'live',
      agents: [
        { name: 'user', type: 'user_proxy' },
        { name: 'assistant', type: 'assistant', llm: { provider: 'openai', model: 'gpt-4o-mini' } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
    });
    const transcript = { runs: [{ message: 'Hi' }], messages: [] };
    const scriptedOnly = await a.request('POST', `/flows/${live}/test`, { transcripts: [transcript] });
    expect(scriptedOnly.status).toBe(400);
    expect(scriptedOnly.body.message).toBe(
      'agents.1.llm: the openai provider is not scripted; pass "models": "live" to call it',
    );
    const both = await a.request('POST', `/flows/${live}/test`, {
      transcripts: [transcript],
      chat_ids: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body.message)).toContain('chat_ids: give either chat_ids or transcripts');
    const noChat = await a.request('POST', `/flows/${live}/test`, {
      chat_ids: ['00000000-0000-4000-8000-000000000000'],
      models: 'live',
    });
    expect(noChat.status).toBe(404);
    const noFlow = await a.request('POST', `/flows/00000000-0000-4000-8000-000000000000/test`, {
      transcripts: [transcript],
    });
    expect(noFlow.status).toBe(404);
  });
});
