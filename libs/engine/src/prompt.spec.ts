import type { TranscriptMessage } from '@conclave/domain';
import { toPromptMessages } from './prompt';

const m = (
  sender: string,
  content: string | null,
  extra: Partial<TranscriptMessage> = {},
): TranscriptMessage => ({
  sender,
  recipient: null,
  type: 'assistant',
  content,
  ...extra,
});

describe("toPromptMessages (an agent's perspective, AG2)", () => {
  it('own messages are assistant, others user with the sender name, tool results role tool', () => {
    const calls = [{ id: 't1', name: 'f', arguments: '{}' }];
    expect(
      toPromptMessages('me', [
        m('you', 'hi', { type: 'user' }),
        m('me', 'hello'),
        m('me', null, { tool_calls: calls }),
        m('you', 'result', { type: 'tool', tool_call_id: 't1' }),
        m('you', null, { tool_calls: [{ id: 't2', name: 'g', arguments: '{}' }] }),
        m('me', 'r2', { type: 'tool', tool_call_id: 't2' }),
        m('me', 'typed by my human', { type: 'user' }),
      ]),
    ).toEqual([
      { role: 'user', content: 'hi', name: 'you' },
      { role: 'assistant', content: 'hello' },
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', content: 'result', tool_call_id: 't1' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't2', name: 'g', arguments: '{}' }],
        name: 'you',
      },
      { role: 'tool', content: 'r2', tool_call_id: 't2' },
      { role: 'assistant', content: 'typed by my human' },
    ]);
  });

  it('tool calls left unanswered by an interrupted run read as USER INTERRUPTED before the next message', () => {
    const calls = [
      { id: 'a', name: 'f', arguments: '{}' },
      { id: 'b', name: 'f', arguments: '{}' },
    ];
    expect(
      toPromptMessages('me', [
        m('me', null, { tool_calls: calls }),
        m('you', 'ra', { type: 'tool', tool_call_id: 'a' }),
        m('you', 'next run', { type: 'user' }),
      ]),
    ).toEqual([
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', content: 'ra', tool_call_id: 'a' },
      { role: 'tool', content: 'USER INTERRUPTED', tool_call_id: 'b' },
      { role: 'user', content: 'next run', name: 'you' },
    ]);
  });
});
