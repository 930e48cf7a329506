import type { TranscriptMessage } from '@conclave/domain';
import { checkBeforeReply, interpretAnswer } from './human-input';
import { drive } from './testing/drive';
import { flow, run } from './testing/flows';

describe('checkBeforeReply (AG2 check_termination_and_human_reply)', () => {
  it.each([
    // mode, counter, limit, last is termination → decision
    ['ALWAYS', 0, 100, false, { kind: 'ask', branch: 'always' }],
    ['ALWAYS', 500, 1, false, { kind: 'ask', branch: 'always' }], // never checks the limit
    ['ALWAYS', 0, 100, true, { kind: 'ask', branch: 'always' }],
    ['NEVER', 0, 100, false, { kind: 'auto' }],
    ['NEVER', 100, 100, false, { kind: 'end', reason: 'max_consecutive_auto_reply' }],
    ['NEVER', 0, 0, false, { kind: 'end', reason: 'max_consecutive_auto_reply' }],
    ['NEVER', 0, 100, true, { kind: 'end', reason: 'termination_message' }],
    ['TERMINATE', 0, 100, false, { kind: 'auto' }],
    ['TERMINATE', 100, 100, false, { kind: 'ask', branch: 'limit' }],
    ['TERMINATE', 100, 100, true, { kind: 'ask', branch: 'limit' }],
    ['TERMINATE', 0, 100, true, { kind: 'ask', branch: 'termination' }],
  ] as const)('%s counter=%i limit=%i terminating=%s', (mode, counter, limit, terminating, expected) => {
    expect(checkBeforeReply(mode, counter, limit, terminating)).toEqual(expected);
  });
});

describe('interpretAnswer', () => {
  it.each([
    ['always', 'exit', false, 100, { kind: 'end', reason: 'human_exit' }],
    ['always', 'Exit', false, 100, { kind: 'send', content: 'Exit' }],
    ['always', ' exit', false, 100, { kind: 'send', content: ' exit' }],
    ['always', '', false, 100, { kind: 'auto' }],
    ['always', '', true, 100, { kind: 'end', reason: 'termination_message' }],
    ['always', '', false, 0, { kind: 'send', content: '' }],
    ['always', 'go', true, 100, { kind: 'send', content: 'go' }],
    ['limit', '', false, 5, { kind: 'auto' }],
    ['limit', '', true, 5, { kind: 'end', reason: 'termination_message' }],
    ['limit', 'exit', false, 5, { kind: 'end', reason: 'human_exit' }],
    ['limit', 'more', true, 5, { kind: 'send', content: 'more' }],
    ['termination', '', true, 5, { kind: 'end', reason: 'termination_message' }],
    ['termination', 'exit', true, 5, { kind: 'end', reason: 'human_exit' }],
    ['termination', 'more', true, 5, { kind: 'send', content: 'more' }],
  ] as const)('%s answer %j terminating=%s limit=%i', (branch, answer, terminating, limit, expected) => {
    expect(interpretAnswer(branch, answer, terminating, limit)).toEqual(expected);
  });
});

/** `boss` sends the message; `agent` (under test) replies; default replies make auto-replies visible. */
function chat(agent: Record<string, unknown>, maxTurns?: number) {
  return flow({
    agents: [
      { name: 'boss', human_input_mode: 'NEVER', default_auto_reply: 'next' },
      { name: 'agent', default_auto_reply: 'auto', ...agent },
    ],
    chat: {
      type: 'two_agent',
      initiator: 'boss',
      recipient: 'agent',
      ...(maxTurns ? { max_turns: maxTurns } : {}),
    },
  });
}

const ALWAYS_PROMPT =
  "Replying as agent. Provide feedback to boss. Press enter to skip and use auto-reply, or type 'exit' to end the conversation:";
const TERMINATE_PROMPT = "Please give feedback to boss. Press enter or type 'exit' to stop the conversation:";
const LIMIT_PROMPT =
  "Please give feedback to boss. Press enter to skip and use auto-reply, or type 'exit' to stop the conversation:";

const contents = (ms: TranscriptMessage[]) => ms.map((m) => m.content);

describe('human input in a chat, one reply (max_turns 1)', () => {
  it.each([
    // mode, limit, message, answers, expected contents, reason, prompts asked
    ['NEVER', 100, 'hello', [], ['hello', 'auto'], 'max_turns', []],
    ['NEVER', 100, 'TERMINATE', [], ['TERMINATE'], 'termination_message', []],
    ['NEVER', 0, 'hello', [], ['hello'], 'max_consecutive_auto_reply', []],
    ['TERMINATE', 100, 'hello', [], ['hello', 'auto'], 'max_turns', []],
    ['TERMINATE', 100, 'TERMINATE', [''], ['TERMINATE'], 'termination_message', [TERMINATE_PROMPT]],
    ['TERMINATE', 100, 'TERMINATE', ['exit'], ['TERMINATE'], 'human_exit', [TERMINATE_PROMPT]],
    [
      'TERMINATE',
      100,
      'TERMINATE',
      ['keep going'],
      ['TERMINATE', 'keep going'],
      'max_turns',
      [TERMINATE_PROMPT],
    ],
    ['TERMINATE', 100, 'TERMINATE', ['Exit'], ['TERMINATE', 'Exit'], 'max_turns', [TERMINATE_PROMPT]],
    ['TERMINATE', 0, 'hello', [''], ['hello', ''], 'max_turns', [LIMIT_PROMPT]],
    ['TERMINATE', 0, 'hello', ['exit'], ['hello'], 'human_exit', [LIMIT_PROMPT]],
    ['TERMINATE', 0, 'hello', ['answer'], ['hello', 'answer'], 'max_turns', [LIMIT_PROMPT]],
    ['TERMINATE', 0, 'TERMINATE', [''], ['TERMINATE'], 'termination_message', [TERMINATE_PROMPT]],
    ['TERMINATE', 0, 'TERMINATE', ['more'], ['TERMINATE', 'more'], 'max_turns', [TERMINATE_PROMPT]],
    ['ALWAYS', 100, 'hello', [''], ['hello', 'auto'], 'max_turns', [ALWAYS_PROMPT]],
    ['ALWAYS', 100, 'hello', ['exit'], ['hello'], 'human_exit', [ALWAYS_PROMPT]],
    ['ALWAYS', 100, 'hello', ['Exit'], ['hello', 'Exit'], 'max_turns', [ALWAYS_PROMPT]],
    ['ALWAYS', 100, 'hello', ['my answer'], ['hello', 'my answer'], 'max_turns', [ALWAYS_PROMPT]],
    ['ALWAYS', 100, 'TERMINATE', [''], ['TERMINATE'], 'termination_message', [ALWAYS_PROMPT]],
    ['ALWAYS', 100, 'TERMINATE', ['exit'], ['TERMINATE'], 'human_exit', [ALWAYS_PROMPT]],
    [
      'ALWAYS',
      100,
      'TERMINATE',
      ['no, continue'],
      ['TERMINATE', 'no, continue'],
      'max_turns',
      [ALWAYS_PROMPT],
    ],
    ['ALWAYS', 0, 'hello', [''], ['hello', ''], 'max_turns', [ALWAYS_PROMPT]],
  ] as const)(
    '%s limit=%i on %j answering %j → %j (%s)',
    (mode, limit, message, answers, expected, reason, prompts) => {
      const r = drive(chat({ human_input_mode: mode, max_consecutive_auto_reply: limit }, 1), run(message), {
        human: [...answers],
      });
      expect(contents(r.messages)).toEqual(expected);
      expect(r.step).toMatchObject({ type: 'end', reason });
      const asked = r.steps.flatMap((s) => (s.type === 'ask_human' ? [s.request] : []));
      expect(asked.map((q) => q.prompt)).toEqual(prompts);
      asked.forEach((q) => expect(q).toMatchObject({ agent: 'agent', kind: 'text' }));
    },
  );

  it("a non-empty answer is the agent's message: type user, meta.human_input", () => {
    const r = drive(chat({ human_input_mode: 'ALWAYS' }, 1), run('hello'), { human: ['from a human'] });
    expect(r.messages[1]).toEqual({
      sender: 'agent',
      recipient: 'boss',
      type: 'user',
      content: 'from a human',
      meta: { human_input: true },
    });
  });

  it('an empty answer under ALWAYS lets a user proxy without LLM send "" (a message, not nothing)', () => {
    const f = flow({
      agents: [
        { name: 'boss', human_input_mode: 'NEVER' },
        { name: 'agent', type: 'user_proxy' },
      ],
      chat: { type: 'two_agent', initiator: 'boss', recipient: 'agent', max_turns: 1 },
    });
    const r = drive(f, run('hello'), { human: [''] });
    expect(r.messages[1]).toEqual({ sender: 'agent', recipient: 'boss', type: 'assistant', content: '' });
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_turns' });
  });
});

describe('consecutive auto-reply counters (per sender)', () => {
  it('NEVER: auto-replies up to the limit, then ends with max_consecutive_auto_reply', () => {
    const r = drive(chat({ human_input_mode: 'NEVER', max_consecutive_auto_reply: 2 }), run('go'));
    expect(contents(r.messages)).toEqual(['go', 'auto', 'next', 'auto', 'next']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_consecutive_auto_reply' });
  });

  it('TERMINATE: at the limit asks every time; "" auto-replies and the counter keeps growing; a non-empty answer resets it', () => {
    const r = drive(chat({ human_input_mode: 'TERMINATE', max_consecutive_auto_reply: 2 }), run('go'), {
      human: ['', 'a human', 'exit'],
    });
    expect(contents(r.messages)).toEqual([
      'go',
      'auto', // counter 1
      'next',
      'auto', // counter 2
      'next',
      'auto', // limit reached: asked, "" → auto-reply (counter 3)
      'next',
      'a human', // asked again (3 ≥ 2), non-empty → counter 0
      'next',
      'auto', // 1
      'next',
      'auto', // 2
      'next', // asked, exit
    ]);
    const prompts = r.steps.flatMap((s) => (s.type === 'ask_human' ? [s.request.prompt] : []));
    expect(prompts).toEqual([LIMIT_PROMPT, LIMIT_PROMPT, LIMIT_PROMPT]);
    expect(r.step).toMatchObject({ type: 'end', reason: 'human_exit' });
  });

  it('ALWAYS never checks the limit: empty answers keep auto-replying', () => {
    const r = drive(chat({ human_input_mode: 'ALWAYS', max_consecutive_auto_reply: 1 }), run('go'), {
      human: ['', '', ''],
    });
    expect(contents(r.messages)).toEqual(['go', 'auto', 'next', 'auto', 'next', 'auto', 'next']);
    expect(r.step).toMatchObject({ type: 'ask_human', request: { agent: 'agent', prompt: ALWAYS_PROMPT } });
  });

  it('counters are per run: a new run starts from zero', () => {
    const f = chat({ human_input_mode: 'NEVER', max_consecutive_auto_reply: 1 });
    const first = drive(f, run('go'));
    expect(contents(first.messages)).toEqual(['go', 'auto', 'next']);
    const second = drive(f, run('again', { history: first.transcript }));
    expect(contents(second.messages)).toEqual(['again', 'auto', 'next']);
  });
});
