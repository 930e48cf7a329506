import { parseSpeakerChoice, renderEnd, renderMessage, renderRequest } from './render';

describe('terminal chat rendering', () => {
  it('shows who spoke to whom, tool calls and results', () => {
    expect(renderMessage({ type: 'assistant', sender: 'billing', receiver: 'customer', content: 'Hi' })).toBe(
      'billing → customer: Hi',
    );
    expect(
      renderMessage({
        type: 'assistant',
        sender: 'a',
        receiver: null,
        content: null,
        tool_calls: [{ id: 'c1', name: 'lookup', arguments: { q: 1 } }],
      }),
    ).toBe('a: \n  [tool call lookup({"q":1})]');
    expect(
      renderMessage({ type: 'tool', sender: 'a', receiver: null, content: '42', tool_call_id: 'c1' }),
    ).toBe('a [tool result c1]: 42');
  });

  it('asks for a speaker by number or name', () => {
    expect(
      renderRequest({ agent: 'chat_manager', prompt: '', kind: 'speaker', options: ['x', 'y'] }),
    ).toContain('2) y');
    expect(parseSpeakerChoice('2', ['x', 'y'])).toBe('y');
    expect(parseSpeakerChoice('X', ['x', 'y'])).toBe('x');
    expect(parseSpeakerChoice('3', ['x', 'y'])).toBeNull();
    expect(parseSpeakerChoice('exit', ['x'])).toBe('exit');
  });

  it('says how a run ended', () => {
    expect(renderEnd('run.completed', { termination_reason: 'human_exit' })).toBe('— run ended: human exit');
    expect(renderEnd('run.cancelled', { termination_reason: 'cancelled' })).toBe(
      '— run cancelled: cancelled',
    );
  });
});
