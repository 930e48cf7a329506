import { carryoverMessage } from './sequential';
import { drive } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

describe('carryoverMessage (AG2 _process_carryover)', () => {
  it.each([
    ['next', [], 'next'],
    ['next', ['done '], 'next\nContext: \ndone '],
    ['next', ['one', 'two'], 'next\nContext: \none\ntwo'],
    ['next', [''], 'next\nContext: \n'],
  ])('%j with %j → %j', (message, summaries, expected) => {
    expect(carryoverMessage(message, summaries)).toBe(expected);
  });
});

describe('sequential chats (AG2 initiate_chats)', () => {
  const agents = [
    { name: 'lead', type: 'assistant' as const, llm: scripted('ok') },
    { name: 'writer', type: 'assistant' as const, llm: scripted('draft TERMINATE') },
    { name: 'editor', type: 'assistant' as const, llm: scripted('edited') },
    { name: 'checker', type: 'assistant' as const, llm: scripted('checked', 'TERMINATE') },
  ];

  it('runs the chats in order, each first message carrying the earlier summaries', () => {
    const f = flow({
      agents,
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'lead', recipient: 'writer', max_turns: 1 },
          { initiator: 'lead', recipient: 'editor', message: 'Edit it.', max_turns: 1 },
          { initiator: 'lead', recipient: 'checker', message: 'Check it.', max_turns: 2 },
        ],
      },
    });
    const r = drive(f, run('Write a poem.'));
    expect(r.messages.map((m) => [m.sender, m.recipient, m.content, m.meta?.sequence_index])).toEqual([
      ['lead', 'writer', 'Write a poem.', 0],
      ['writer', 'lead', 'draft TERMINATE', 0],
      ['lead', 'editor', 'Edit it.\nContext: \ndraft ', 1],
      ['editor', 'lead', 'edited', 1],
      ['lead', 'checker', 'Check it.\nContext: \ndraft \nedited', 2],
      ['checker', 'lead', 'checked', 2],
      ['lead', 'checker', 'ok', 2],
      ['checker', 'lead', 'TERMINATE', 2],
    ]);
    // The last chat's reason and summary end the run.
    expect(r.step).toEqual({ type: 'end', reason: 'max_turns', summary: '' });
  });

  it("a chat that ends early hands over to the next one; the run ends with the last chat's reason", () => {
    const f = flow({
      agents: [
        { name: 'a', type: 'assistant', llm: scripted('x') },
        { name: 'b', type: 'assistant', llm: scripted('TERMINATE') },
        { name: 'c', human_input_mode: 'NEVER', max_consecutive_auto_reply: 0 },
      ],
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'a', recipient: 'b' },
          { initiator: 'a', recipient: 'c', message: 'second' },
        ],
      },
    });
    const r = drive(f, run('first'));
    expect(r.messages.map((m) => m.content)).toEqual(['first', 'TERMINATE', 'second\nContext: \n']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_consecutive_auto_reply' });
  });

  it('prompts of a later chat hold only that chat (the carryover brings the rest)', () => {
    const f = flow({
      agents,
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'lead', recipient: 'writer', max_turns: 1 },
          { initiator: 'lead', recipient: 'editor', message: 'Edit it.', max_turns: 1 },
        ],
      },
    });
    const r = drive(f, run('Write.'));
    const editorCall = r.steps.find((s) => s.type === 'call_model' && s.request.agent === 'editor');
    if (editorCall?.type !== 'call_model') throw new Error('no editor call');
    expect(editorCall.request.messages.slice(1)).toEqual([
      { role: 'user', content: 'Edit it.\nContext: \ndraft ', name: 'lead' },
    ]);
  });

  it('reflection summaries are carried over', () => {
    const f = flow({
      agents,
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'lead', recipient: 'writer', max_turns: 1, summary_method: 'reflection_with_llm' },
          { initiator: 'lead', recipient: 'editor', message: 'Edit it.', max_turns: 1 },
        ],
      },
    });
    const r = drive(f, run('Write.'), {
      model: (q) => ({ content: q.purpose === 'summary' ? `summary by ${q.agent}` : 'reply' }),
    });
    expect(r.messages[2].content).toBe('Edit it.\nContext: \nsummary by writer');
  });

  it('exit from a human ends the whole run', () => {
    const f = flow({
      agents: [{ name: 'u', type: 'user_proxy' }, agents[1], agents[2]],
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'writer', recipient: 'u' },
          { initiator: 'writer', recipient: 'editor', message: 'next' },
        ],
      },
    });
    const r = drive(f, run('hi'), { human: ['exit'] });
    expect(r.messages).toHaveLength(1);
    expect(r.step).toMatchObject({ type: 'end', reason: 'human_exit' });
  });
});
