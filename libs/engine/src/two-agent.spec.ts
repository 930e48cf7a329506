import type { ModelRequest } from '@conclave/domain';
import { drive, scriptedModel } from './testing/drive';
import { flow, run, scripted } from './testing/flows';
import { SUMMARY_PROMPT } from './summary';

const assistants = (maxTurns?: number, extra: Record<string, unknown> = {}) =>
  flow({
    agents: [
      { name: 'alice', type: 'assistant', llm: scripted('a1', 'a2', 'a3', 'a4', 'a5') },
      { name: 'bob', type: 'assistant', llm: scripted('b1', 'b2', 'b3', 'b4', 'b5') },
    ],
    chat: {
      type: 'two_agent',
      initiator: 'alice',
      recipient: 'bob',
      ...(maxTurns ? { max_turns: maxTurns } : {}),
      ...extra,
    },
  });

describe('two-agent chat (AG2 initiate_chat)', () => {
  it.each([1, 2, 3, 5])(
    'max_turns %i uninterrupted gives exactly 2N messages and ends with max_turns',
    (n) => {
      const r = drive(assistants(n), run('hi'));
      expect(r.messages).toHaveLength(2 * n);
      expect(r.step).toMatchObject({ type: 'end', reason: 'max_turns' });
    },
  );

  it('the initiator sends the user message, then the two alternate', () => {
    const r = drive(assistants(2), run('hi'));
    expect(r.messages.map((m) => [m.sender, m.recipient, m.type, m.content])).toEqual([
      ['alice', 'bob', 'user', 'hi'],
      ['bob', 'alice', 'assistant', 'b1'],
      ['alice', 'bob', 'assistant', 'a1'],
      ['bob', 'alice', 'assistant', 'b2'],
    ]);
  });

  it('without max_turns the chat runs until an agent says nothing (NEVER on TERMINATE)', () => {
    const f = flow({
      agents: [
        { name: 'alice', type: 'assistant', llm: scripted('a1') },
        { name: 'bob', type: 'assistant', llm: scripted('b1', 'TERMINATE') },
      ],
      chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob' },
    });
    const r = drive(f, run('hi'));
    expect(r.messages.map((m) => m.content)).toEqual(['hi', 'b1', 'a1', 'TERMINATE']);
    expect(r.step).toEqual({ type: 'end', reason: 'termination_message', summary: '' });
  });

  it("with max_turns, a later turn does not start when the recipient's is_termination_msg matches the last message", () => {
    // The initiator is an ALWAYS user proxy: without the check it would be asked.
    const f = flow({
      agents: [
        { name: 'user', type: 'user_proxy' },
        { name: 'bob', type: 'assistant', llm: scripted('done', 'TERMINATE') },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'bob', max_turns: 5 },
    });
    const r = drive(f, run('hi'), { human: ['more'] });
    expect(r.messages.map((m) => m.content)).toEqual(['hi', 'done', 'more', 'TERMINATE']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'termination_message' });
    expect(r.steps.filter((s) => s.type === 'ask_human')).toHaveLength(1);
  });

  it('without max_turns an ALWAYS initiator is asked after TERMINATE; an empty answer ends', () => {
    const f = flow({
      agents: [
        { name: 'user', type: 'user_proxy' },
        { name: 'bob', type: 'assistant', llm: scripted('TERMINATE') },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'bob' },
    });
    const r = drive(f, run('hi'), { human: [''] });
    expect(r.messages.map((m) => m.content)).toEqual(['hi', 'TERMINATE']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'termination_message' });
  });

  it('prompts: system message first, own messages assistant, the other agent user with its name', () => {
    const requests: ModelRequest[] = [];
    const model = scriptedModel();
    drive(assistants(2), run('hi'), { model: (q) => (requests.push(q), model(q)) });
    const third = requests[2]; // bob's second reply
    expect(third.agent).toBe('bob');
    expect(third.purpose).toBe('reply');
    expect(third.messages[0].role).toBe('system');
    expect(third.messages.slice(1)).toEqual([
      { role: 'user', content: 'hi', name: 'alice' },
      { role: 'assistant', content: 'b1' },
      { role: 'user', content: 'a1', name: 'alice' },
    ]);
  });

  it('copies model usage onto the message', () => {
    const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5 };
    const r = drive(assistants(1), run('hi'), { model: () => ({ content: 'x', usage }) });
    expect(r.messages[1]).toMatchObject({ content: 'x', usage });
    expect(r.messages[0].usage).toBeUndefined();
  });

  it('a model reply with neither content nor tool calls falls through to the default auto reply', () => {
    const f = flow({
      agents: [
        { name: 'alice', type: 'assistant', llm: scripted('a') },
        { name: 'bob', type: 'assistant', llm: scripted('b'), default_auto_reply: 'fallback' },
      ],
      chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 1 },
    });
    const r = drive(f, run('hi'), { model: () => ({ content: null }) });
    expect(r.messages[1]).toMatchObject({ sender: 'bob', type: 'assistant', content: 'fallback' });
  });
});

describe('summaries', () => {
  it.each([
    ['done TERMINATE', 'done '],
    ['TERMINATE', ''],
    ['TERMINATE a TERMINATE b', ' a  b'],
    ['  keep spaces  ', '  keep spaces  '],
  ])('last_msg: %j → %j (every TERMINATE removed, no trim)', (last, summary) => {
    const f = flow({
      agents: [
        { name: 'alice', type: 'assistant', llm: scripted('x') },
        { name: 'bob', type: 'assistant', llm: scripted(last) },
      ],
      chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 1 },
    });
    expect(drive(f, run('hi')).step).toEqual({ type: 'end', reason: 'max_turns', summary });
  });

  it("reflection_with_llm: one summary model call (AG2: the recipient's LLM first) with AG2's prompt last", () => {
    const r = drive(assistants(1, { summary_method: 'reflection_with_llm' }), run('hi'), {
      model: (q) => ({ content: q.purpose === 'summary' ? 'the takeaway' : 'reply' }),
    });
    const summaryCalls = r.steps.flatMap((s) =>
      s.type === 'call_model' && s.request.purpose === 'summary' ? [s.request] : [],
    );
    expect(summaryCalls).toHaveLength(1);
    expect(summaryCalls[0].agent).toBe('bob');
    expect(summaryCalls[0].tools).toEqual([]);
    expect(summaryCalls[0].messages).toEqual([
      { role: 'assistant', content: 'hi' },
      { role: 'user', content: 'reply', name: 'bob' },
      { role: 'system', content: SUMMARY_PROMPT },
    ]);
    expect(r.step).toEqual({ type: 'end', reason: 'max_turns', summary: 'the takeaway' });
    expect(r.messages).toHaveLength(2); // the summary is not a message
  });

  it("reflection uses the initiator's LLM when the recipient has none", () => {
    const f = flow({
      agents: [
        { name: 'alice', type: 'assistant', llm: scripted('x') },
        { name: 'proxy', type: 'user_proxy', human_input_mode: 'NEVER' },
      ],
      chat: {
        type: 'two_agent',
        initiator: 'alice',
        recipient: 'proxy',
        max_turns: 1,
        summary_method: 'reflection_with_llm',
      },
    });
    const r = drive(f, run('hi'), { model: () => ({ content: 'sum' }) });
    const last = r.steps[r.steps.length - 2];
    expect(last).toMatchObject({ type: 'call_model', request: { agent: 'alice', purpose: 'summary' } });
    expect(r.step).toMatchObject({ summary: 'sum' });
  });

  it('reflection without any LLM falls back to last_msg', () => {
    const f = flow({
      agents: [
        { name: 'a', human_input_mode: 'NEVER', default_auto_reply: 'ok TERMINATE' },
        { name: 'b', human_input_mode: 'NEVER', default_auto_reply: 'fine' },
      ],
      chat: {
        type: 'two_agent',
        initiator: 'a',
        recipient: 'b',
        max_turns: 1,
        summary_method: 'reflection_with_llm',
      },
    });
    expect(drive(f, run('hi')).step).toEqual({ type: 'end', reason: 'max_turns', summary: 'fine' });
  });
});
