import { FlowSpecSchema, type FlowSpecInput } from '@conclave/domain';
import { drive, engine } from '@conclave/engine';
import { createModelInvoker } from '@conclave/llm';
import { firstDivergence, replayConversation, type RecordedConversation } from './replay';

const models = {
  invoker: createModelInvoker({ openai: {}, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
};
const budget = { maxModelCalls: 50, maxMessages: 200 };
const scripted = (...replies: string[]) => ({ provider: 'scripted' as const, replies });

function support(assistantReplies: string[]) {
  const input: FlowSpecInput = {
    name: 'support',
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
      { name: 'assistant', type: 'assistant', llm: scripted(...assistantReplies) },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
  };
  return FlowSpecSchema.parse(input);
}

/** Records a conversation with the reference driver: a message and the person's answers. */
function record(replies: string[], answers: string[]): RecordedConversation {
  const r = drive(support(replies), { message: 'Hi', seed: 7, history: [] }, { human: [...answers] });
  return {
    runs: [{ message: 'Hi', seed: 7, answers: answers.map((a) => ({ kind: 'text', message: a })) }],
    messages: r.transcript,
  };
}

describe('replayConversation', () => {
  const recorded = record(['Hello!', 'Sure.', 'Bye.'], ['Help me', '', 'exit']);

  it('an unchanged flow reproduces the recorded transcript (human answers, "" and exit included)', async () => {
    expect(recorded.messages.map((m) => m.content)).toEqual(['Hi', 'Hello!', 'Help me', 'Sure.', '', 'Bye.']);
    const report = await replayConversation(
      engine,
      support(['Hello!', 'Sure.', 'Bye.']),
      recorded,
      models,
      budget,
    );
    expect(report).toEqual({
      status: 'pass',
      divergence: null,
      expected_messages: 6,
      actual_messages: 6,
      termination_reason: 'human_exit',
      stopped: null,
    });
  });

  it('a changed reply is reported at its seq with expected and actual', async () => {
    const report = await replayConversation(
      engine,
      support(['Hello!', 'Certainly.', 'Bye.']),
      recorded,
      models,
      budget,
    );
    expect(report.status).toBe('diverged');
    expect(report.divergence).toEqual({
      seq: 4,
      expected: { sender: 'assistant', receiver: 'user', type: 'assistant', content: 'Sure.' },
      actual: { sender: 'assistant', receiver: 'user', type: 'assistant', content: 'Certainly.' },
    });
  });

  it('stops within its budget', async () => {
    const report = await replayConversation(engine, support(['a', 'b', 'c']), recorded, models, {
      maxModelCalls: 1,
      maxMessages: 200,
    });
    expect(report.stopped).toBe('more than 1 model calls');
    expect(report.divergence?.seq).toBe(2);
  });

  it.each([
    [['a', 'b'], ['a'], 2],
    [['a'], ['a', 'b'], 2],
    [['a', 'b'], ['a', 'b'], null],
  ])('firstDivergence(%j, %j) → %j', (expected, actual, seq) => {
    const msgs = (xs: string[]) =>
      xs.map((c) => ({ sender: 's', recipient: 'r', type: 'assistant' as const, content: c }));
    expect(firstDivergence(msgs(expected), msgs(actual))?.seq ?? null).toBe(seq);
  });
});
