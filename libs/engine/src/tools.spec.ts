import type { ModelRequest } from '@conclave/domain';
import { engine } from './engine';
import { drive, scriptedModel } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

const call = (id: string, name: string, args: unknown = {}) => ({ id, name, arguments: args });

const tools = [
  { name: 'lookup', kind: 'http' as const, http: { url: 'https://example.test/lookup' } },
  { name: 'ask_user_app', kind: 'client' as const },
];

/** An assistant that proposes tool calls, a user proxy that executes them. */
const chat = (calls: unknown[], proxy: Record<string, unknown> = {}) =>
  flow({
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', ...proxy },
      {
        name: 'assistant',
        type: 'assistant',
        tools,
        llm: scripted({ content: null, tool_calls: calls }, 'done'),
      },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
  });

describe('tool calls', () => {
  it('http tool: the receiving agent emits a call_tools step; one tool message per call', () => {
    const requests: ModelRequest[] = [];
    const model = scriptedModel();
    const r = drive(chat([call('c1', 'lookup', { q: 'x' })]), run('find x'), {
      model: (q) => (requests.push(q), model(q)),
      httpTools: (calls) => calls.map((c) => ({ tool_call_id: c.id, content: `result of ${c.arguments}` })),
    });
    const toolStep = r.steps.find((s) => s.type === 'call_tools');
    expect(toolStep).toEqual({
      type: 'call_tools',
      agent: 'user',
      calls: [
        {
          call: { id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
          tool: expect.objectContaining({ name: 'lookup', kind: 'http' }),
        },
      ],
    });
    expect(r.messages[1]).toMatchObject({
      sender: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', name: 'lookup' }],
    });
    expect(r.messages[2]).toEqual({
      sender: 'user',
      recipient: 'assistant',
      type: 'tool',
      content: 'result of {"q":"x"}',
      tool_call_id: 'c1',
    });
    expect(r.messages.map((m) => m.content)).toEqual(['find x', null, 'result of {"q":"x"}', 'done']);
    // The model sees its tool call as assistant and the result as role tool; tools are offered.
    expect(requests[0].tools.map((t) => t.name)).toEqual(['lookup', 'ask_user_app']);
    expect(requests[1].messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', name: 'lookup', arguments: '{"q":"x"}' }],
      },
      { role: 'tool', content: 'result of {"q":"x"}', tool_call_id: 'c1' },
    ]);
  });

  it('client tool: pauses with a tool_outputs request; the outputs become tool messages', () => {
    const f = chat([call('c1', 'ask_user_app', { city: 'Oslo' })]);
    const paused = drive(f, run('weather?'));
    expect(paused.step).toEqual({
      type: 'ask_human',
      request: {
        agent: 'user',
        kind: 'tool_outputs',
        prompt: 'Provide the outputs of the client tool calls: ask_user_app (c1)',
        tool_calls: [{ id: 'c1', name: 'ask_user_app', arguments: '{"city":"Oslo"}' }],
      },
    });
    const r = drive(f, run('weather?'), { clientTools: () => [{ tool_call_id: 'c1', output: 'sunny' }] });
    expect(r.messages[2]).toMatchObject({ type: 'tool', tool_call_id: 'c1', content: 'sunny' });
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_turns' });
  });

  it('client tool outputs must answer exactly the pending calls', () => {
    const f = chat([call('c1', 'ask_user_app')]);
    const paused = drive(f, run('q'));
    expect(() =>
      engine.apply(f, paused.state, paused.transcript, {
        type: 'client_tool_outputs',
        outputs: [{ tool_call_id: 'zz', output: '' }],
      }),
    ).toThrow(/missing c1; unexpected zz/);
  });

  it.each([
    [call('c1', 'nope'), 'Error: Function nope not found.'],
    [
      call('c1', 'lookup', '{not json'),
      expect.stringMatching(/^Error: .*\n The argument must be in JSON format\.$/),
    ],
  ])('errors are results, produced by the engine without a step: %j', (toolCall, content) => {
    const r = drive(chat([toolCall]), run('q'));
    expect(
      r.steps.some(
        (s) => s.type === 'call_tools' || (s.type === 'ask_human' && s.request.kind === 'tool_outputs'),
      ),
    ).toBe(false);
    expect(r.messages[2]).toEqual({
      sender: 'user',
      recipient: 'assistant',
      type: 'tool',
      tool_call_id: 'c1',
      content,
    });
  });

  it('several calls: engine errors, http results and client outputs all answered, then the reply is complete', () => {
    const r = drive(chat([call('c1', 'lookup'), call('c2', 'nope'), call('c3', 'ask_user_app')]), run('q'), {
      clientTools: () => [{ tool_call_id: 'c3', output: 'client says' }],
    });
    expect(r.messages.slice(2, 5).map((m) => [m.tool_call_id, m.content])).toEqual([
      ['c2', 'Error: Function nope not found.'],
      ['c1', 'ok:lookup'],
      ['c3', 'client says'],
    ]);
    expect(r.messages[5]).toMatchObject({ sender: 'assistant', content: 'done' });
  });

  it('a human answering instead of executing: every pending call gets USER INTERRUPTED, then the answer', () => {
    const r = drive(
      chat([call('c1', 'lookup'), call('c2', 'lookup')], { human_input_mode: 'ALWAYS' }),
      run('q'),
      {
        human: ['no, do not call it'],
      },
    );
    expect(r.steps.some((s) => s.type === 'call_tools')).toBe(false);
    expect(r.messages.slice(2, 5)).toEqual([
      {
        sender: 'user',
        recipient: 'assistant',
        type: 'tool',
        tool_call_id: 'c1',
        content: 'USER INTERRUPTED',
        meta: { human_input: true },
      },
      {
        sender: 'user',
        recipient: 'assistant',
        type: 'tool',
        tool_call_id: 'c2',
        content: 'USER INTERRUPTED',
        meta: { human_input: true },
      },
      {
        sender: 'user',
        recipient: 'assistant',
        type: 'user',
        content: 'no, do not call it',
        meta: { human_input: true },
      },
    ]);
  });

  it('an empty answer under ALWAYS lets the agent execute the calls', () => {
    const r = drive(chat([call('c1', 'lookup')], { human_input_mode: 'ALWAYS' }), run('q'), { human: [''] });
    expect(r.messages[2]).toMatchObject({ type: 'tool', content: 'ok:lookup' });
  });

  it('group chat: the tool filter makes the agent declaring the tool the next speaker, which executes it', () => {
    const f = flow({
      agents: [
        {
          name: 'planner',
          type: 'assistant',
          llm: scripted({ content: null, tool_calls: [call('c1', 'lookup')] }, 'thanks'),
        },
        { name: 'runner', human_input_mode: 'NEVER', tools: [tools[0]] },
        { name: 'critic', human_input_mode: 'NEVER' },
      ],
      chat: {
        type: 'group',
        initiator: 'critic',
        speaker_selection: 'round_robin',
        max_round: 4,
        agents: ['planner', 'runner', 'critic'],
      },
    });
    const r = drive(f, run('go'));
    expect(r.messages.map((m) => [m.sender, m.type])).toEqual([
      ['critic', 'user'],
      ['planner', 'assistant'],
      ['runner', 'tool'],
      ['critic', 'assistant'],
    ]);
    expect(r.messages[2]).toMatchObject({
      recipient: 'chat_manager',
      tool_call_id: 'c1',
      content: 'ok:lookup',
      meta: { speaker_selection: { method: 'tool_filter' } },
    });
    expect(r.steps.find((s) => s.type === 'call_tools')).toMatchObject({ agent: 'runner' });
  });
});
