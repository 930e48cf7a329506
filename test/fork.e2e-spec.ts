import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, toolPairFlow, type TestAccount, type TestApi } from './support/api';

const scripted = (...replies: string[]) => ({ provider: 'scripted' as const, replies });
const shape = (m: any) => [m.seq, m.sender, m.receiver, m.type, m.content];

/** Fork (time travel): a new chat from message N with the engine state as it was there. */
describe('POST /chats/{id}/fork', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
  });
  afterAll(() => t?.close());

  async function startChat(flow: FlowSpecInput, message: string) {
    const flowId = await a.createFlow(flow);
    const chat = (await a.request('POST', '/chats', { name: flow.name, from_flow: flowId })).body;
    const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message });
    expect(sent.status).toBe(202);
    return { id: chat.id as string, chat: sent.body.chat };
  }
  const messagesOf = async (id: string) => (await a.request('GET', `/chats/${id}/messages`)).body;

  it('forking a group chat at every message reproduces the original continuation (same replies, same seed)', async () => {
    const { id, chat } = await startChat(
      {
        name: 'group',
        agents: [
          // Without LLM the user proxy replies within the same step as the message before it.
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'go on' },
          { name: 'alice', type: 'assistant', llm: scripted('a1', 'a2', 'a3', 'a4') },
          { name: 'bob', type: 'assistant', llm: scripted('b1', 'b2', 'b3', 'b4') },
          { name: 'carol', type: 'assistant', llm: scripted('c1', 'c2', 'c3', 'c4') },
        ],
        // Random selection: only the persisted generator state reproduces the same speakers.
        chat: { type: 'group', initiator: 'user', max_round: 7, speaker_selection: 'random' },
      },
      'Plan the offsite',
    );
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'max_round' });
    const original = await messagesOf(id);
    expect(original).toHaveLength(7);

    for (let seq = 1; seq <= original.length; seq++) {
      const forked = await a.request('POST', `/chats/${id}/fork?wait=true`, { at_seq: seq });
      expect([seq, forked.status, forked.body.message]).toEqual([seq, 201, undefined]);
      expect(forked.body).toMatchObject({
        status: 'completed',
        termination_reason: 'max_round',
        parent_chat_id: id,
        forked_at_seq: seq,
      });
      expect(forked.body.id).not.toBe(id);
      const messages = await messagesOf(forked.body.id);
      expect(messages.map(shape)).toEqual(original.map(shape));
      expect(messages.map((m: any) => m.meta.speaker_selection)).toEqual(
        original.map((m: any) => m.meta.speaker_selection),
      );
    }
    // The original is untouched.
    expect((await messagesOf(id)).map(shape)).toEqual(original.map(shape));
  });

  it('a fork where a person was asked waits for them again, ready for a different answer', async () => {
    const { id, chat } = await startChat(
      {
        name: 'support',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            llm: scripted('How can I help?', 'Done.', 'Anything else?'),
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      },
      'Hi',
    );
    expect(chat.status).toBe('wait_for_human_input');
    await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'Refund my order' });
    const done = await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'exit' });
    expect(done.body.chat.status).toBe('completed');

    const forked = await a.request('POST', `/chats/${id}/fork?wait=true`, { at_seq: 2, name: 'try again' });
    expect(forked.status).toBe(201);
    expect(forked.body).toMatchObject({
      name: 'try again',
      status: 'wait_for_human_input',
      input_request: { agent: 'user', kind: 'text' },
      forked_at_seq: 2,
    });
    const answered = await a.request('POST', `/chats/${forked.body.id}/input?wait=true`, {
      message: 'Change my address',
    });
    expect(answered.body.chat.status).toBe('wait_for_human_input');
    expect((await messagesOf(forked.body.id)).map((m: any) => m.content)).toEqual([
      'Hi',
      'How can I help?',
      'Change my address',
      'Done.',
    ]);
    expect((await messagesOf(id)).map((m: any) => m.content)).toEqual([
      'Hi',
      'How can I help?',
      'Refund my order',
      'Done.',
    ]);
  });

  it('answers 400 naming at_seq, and 404 for an unknown chat', async () => {
    const { id } = await startChat(toolPairFlow(), 'Call them');
    // Both tool results are one reply, written at once: the first is inside that step.
    const mid = await a.request('POST', `/chats/${id}/fork`, { at_seq: 3 });
    expect(mid.status).toBe(400);
    expect(mid.body.message).toBe(
      'at_seq: message 3 is in the middle of an engine step (several messages written at once); fork at 2 or 4',
    );
    const beyond = await a.request('POST', `/chats/${id}/fork`, { at_seq: 99 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.message).toBe('at_seq: the chat has 5 messages');
    const bad = await a.request('POST', `/chats/${id}/fork`, { at_seq: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('at_seq');
    const missing = await a.request('POST', `/chats/00000000-0000-4000-8000-000000000000/fork`, {
      at_seq: 1,
    });
    expect(missing.status).toBe(404);
  });
});
