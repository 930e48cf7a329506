import { convertMessagesToCompletionsMessageParams } from '@langchain/openai';
import { toLangChainMessages } from './prompt-messages';

/** What the OpenAI client will put on the wire for our prompt. */
const wire = (messages: Parameters<typeof toLangChainMessages>[0]) =>
  convertMessagesToCompletionsMessageParams({ messages: toLangChainMessages(messages), model: 'test-model' });

describe('toLangChainMessages', () => {
  it('maps each role, keeping the sender name and tool call ids', () => {
    expect(
      wire([
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi', name: 'alice' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }] },
        { role: 'tool', content: 'out', tool_call_id: 'c1' },
      ]),
    ).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi', name: 'alice' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      { role: 'tool', content: 'out', tool_call_id: 'c1' },
    ]);
  });

  it('replays malformed tool arguments verbatim, next to valid ones', () => {
    const [assistant] = wire([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'c1', name: 'f', arguments: '{"a":1}' },
          { id: 'c2', name: 'g', arguments: '{oops' },
        ],
      },
    ]);
    expect(assistant).toMatchObject({
      tool_calls: [
        { id: 'c1', function: { name: 'f', arguments: '{"a":1}' } },
        { id: 'c2', function: { name: 'g', arguments: '{oops' } },
      ],
    });
  });
});
