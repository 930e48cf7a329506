import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import { startTestApi, type TestAccount, type TestApi } from './support/api';

/** Scripted replies are consumed in order: replies[k] on an agent's k-th model call in the chat. */
describe('scripted replies in order (e2e)', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
  }, 60_000);
  afterAll(() => t?.close());

  async function chatWith(flow: FlowSpecInput) {
    const flowId = await a.createFlow(flow);
    return (await a.request('POST', '/chats', { name: flow.name, from_flow: flowId })).body.id as string;
  }
  async function send(chatId: string, message: string) {
    const sent = await a.request('POST', `/chats/${chatId}/messages?wait=true`, { message });
    expect(sent.status).toBe(202);
    expect(sent.body.chat.status).toBe('completed');
  }
  const transcript = async (chatId: string) =>
    (await a.request('GET', `/chats/${chatId}/messages`)).body.map((m: any) => `${m.sender}:${m.content}`);

  it("an initiator's replies start at the first one (the person's opening message is not a reply)", async () => {
    const chatId = await chatWith({
      name: 'initiator',
      agents: [
        { name: 'writer', type: 'assistant', llm: { provider: 'scripted', replies: ['w1', 'w2'] } },
        { name: 'critic', type: 'assistant', llm: { provider: 'scripted', replies: ['c1', 'c2', 'c3'] } },
      ],
      chat: { type: 'two_agent', initiator: 'writer', recipient: 'critic', max_turns: 3 },
    });
    await send(chatId, 'Write a haiku');
    expect(await transcript(chatId)).toEqual([
      'writer:Write a haiku',
      'critic:c1',
      'writer:w1',
      'critic:c2',
      'writer:w2',
      'critic:c3',
    ]);

    // A second run of the same chat continues the count; the last reply repeats.
    await send(chatId, 'Another one');
    expect((await transcript(chatId)).slice(6)).toEqual([
      'writer:Another one',
      'critic:c3',
      'writer:w2',
      'critic:c3',
      'writer:w2',
      'critic:c3',
    ]);
  });

  it("a group manager's scripted replies advance across speaker selections and retries", async () => {
    const chatId = await chatWith({
      name: 'manager',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'thanks' },
        { name: 'planner', type: 'assistant', llm: { provider: 'scripted', replies: ['Day 1: Louvre.'] } },
        { name: 'critic', type: 'assistant', llm: { provider: 'scripted', replies: ['Add a rest day.'] } },
      ],
      chat: {
        type: 'group',
        initiator: 'user',
        max_round: 4,
        speaker_selection: 'auto',
        // "someone" names no candidate: the selection is retried with the next reply.
        manager: { llm: { provider: 'scripted', replies: ['someone', 'planner', 'critic', 'user'] } },
      },
    });
    await send(chatId, 'Plan Paris');
    const messages = (await a.request('GET', `/chats/${chatId}/messages`)).body;
    expect(messages.map((m: any) => m.sender)).toEqual(['user', 'planner', 'critic', 'user']);
    expect(messages.map((m: any) => m.meta?.speaker_selection)).toEqual([
      undefined,
      { method: 'auto', attempts: 2 },
      { method: 'auto', attempts: 1 },
      { method: 'auto', attempts: 1 },
    ]);
  });
});
