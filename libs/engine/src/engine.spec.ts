import type { ModelRequest, TranscriptMessage } from '@conclave/domain';
import { engine } from './engine';
import { drive, resume, scriptedModel } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

const twoAgent = () =>
  flow({
    agents: [
      { name: 'user', type: 'user_proxy' },
      {
        name: 'assistant',
        type: 'assistant',
        system_message: 'Be brief.',
        llm: scripted('a1', 'a2', 'a3 TERMINATE', 'TERMINATE'),
      },
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
  });

const groupFlow = (speaker_selection: 'auto' | 'random' = 'random') =>
  flow({
    agents: [
      { name: 'a', type: 'assistant', llm: scripted('from a') },
      { name: 'b', type: 'assistant', llm: scripted('from b') },
      { name: 'c', type: 'user_proxy' },
    ],
    chat: {
      type: 'group',
      initiator: 'c',
      speaker_selection,
      manager: { llm: scripted('b', 'a or b', 'c') },
      max_round: 8,
    },
  });

describe('engine contract', () => {
  it('start returns the user message as the first message of the run', () => {
    const { messages } = engine.start(twoAgent(), run('hello'));
    expect(messages).toEqual([{ sender: 'user', recipient: 'assistant', type: 'user', content: 'hello' }]);
  });

  it.each([
    ['two-agent', twoAgent, ['', 'more', '', 'again', '']],
    ['group random', () => groupFlow('random'), ['x', '', 'y', '', '']],
    ['group auto', () => groupFlow('auto'), ['x', '', 'y', '', '']],
  ])(
    'replay (%s): from any persisted (state, transcript prefix) next() gives the same step, and resuming gives the same transcript',
    (_name, makeFlow, answers) => {
      const f = makeFlow();
      // Replies derived from the prompt, as a provider would give them: the same on a resumed run.
      const model = (q: ModelRequest) =>
        q.purpose === 'select_speaker'
          ? ['b', 'a or b', 'c'][q.messages.length % 3]
          : [`reply ${q.messages.length}`, 'TERMINATE'][q.messages.length > 8 ? 1 : 0];
      const full = drive(f, run('hello', { seed: 42 }), { human: answers, model });
      expect(full.checkpoints.length).toBeGreaterThan(3);
      expect(full.step.type).toBe('end');
      for (const cp of full.checkpoints) {
        const state = JSON.parse(JSON.stringify(cp.state));
        expect(engine.next(f, state, full.transcript.slice(0, cp.length))).toEqual(cp.step);
      }
      // A crashed run resumed from a middle checkpoint produces the same transcript.
      const mid = full.checkpoints[Math.floor(full.checkpoints.length / 2)];
      const answered = full.checkpoints.indexOf(mid);
      const humanAsked = full.steps.slice(0, answered).filter((s) => s.type === 'ask_human').length;
      const resumed = resume(f, mid.state, full.transcript.slice(0, mid.length), {
        human: answers.slice(humanAsked),
        model,
      });
      expect(resumed.transcript).toEqual(full.transcript);
      expect(resumed.step).toEqual(full.step);
    },
  );

  it('is deterministic: same flow, state and transcript give the same step and the same advance', () => {
    const f = groupFlow();
    const a = engine.start(f, run('go', { seed: 5 }));
    const b = engine.start(f, run('go', { seed: 5 }));
    expect(a).toEqual(b);
    const t = a.messages;
    expect(engine.next(f, a.state, t)).toEqual(engine.next(f, b.state, t));
  });

  it('apply rejects an outcome that does not match the pending step', () => {
    const f = twoAgent();
    const { state, messages } = engine.start(f, run('hello'));
    expect(engine.next(f, state, messages).type).toBe('call_model');
    expect(() => engine.apply(f, state, messages, { type: 'human_answer', answer: 'x' })).toThrow(
      /expected a "model_reply" outcome while waiting in "model_reply", got "human_answer"/,
    );
  });

  it('apply after the end throws; next keeps returning the end step', () => {
    const f = twoAgent();
    const r = drive(f, run('hello'), { human: () => '' });
    expect(r.step.type).toBe('end');
    expect(engine.next(f, r.state, r.transcript)).toEqual(r.step);
    expect(() => engine.apply(f, r.state, r.transcript, { type: 'human_answer', answer: '' })).toThrow(
      /has ended/,
    );
  });

  it('refuses a transcript that does not match the state', () => {
    const f = twoAgent();
    const { state } = engine.start(f, run('hello'));
    expect(() => engine.next(f, state, [])).toThrow(/transcript has 0 messages but the state was saved at 1/);
  });

  it('apply does not mutate the state it is given', () => {
    const f = twoAgent();
    const { state, messages } = engine.start(f, run('hello'));
    const copy = JSON.parse(JSON.stringify(state));
    engine.apply(f, state, messages, { type: 'model_reply', reply: { content: 'hi' } });
    expect(state).toEqual(copy);
  });
});

describe('history and context', () => {
  const history: TranscriptMessage[] = [
    { sender: 'user', recipient: 'assistant', type: 'user', content: 'earlier question' },
    { sender: 'assistant', recipient: 'user', type: 'assistant', content: 'earlier answer' },
  ];

  it('a run continues after the history: prompts include it, new messages follow it', () => {
    const requests: ModelRequest[] = [];
    const model = scriptedModel();
    const r = drive(twoAgent(), run('new question', { history }), {
      model: (q) => (requests.push(q), model(q)),
      human: [],
    });
    expect(r.transcript.slice(0, 2)).toEqual(history);
    expect(r.messages[0]).toMatchObject({ content: 'new question' });
    expect(r.state.base).toBe(2);
    expect(requests[0].messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'earlier question', name: 'user' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'new question', name: 'user' },
    ]);
  });

  it('RunStart.context reaches the models through the system message but is never a message or kept as history', () => {
    const requests: ModelRequest[] = [];
    const model = scriptedModel();
    const r = drive(twoAgent(), run('q', { context: 'The customer is on the gold plan.' }), {
      model: (q) => (requests.push(q), model(q)),
      human: [],
    });
    expect(requests[0].messages[0]).toEqual({
      role: 'system',
      content: 'Be brief.\n\nContext:\nThe customer is on the gold plan.',
    });
    expect(JSON.stringify(r.transcript)).not.toContain('gold plan');
  });

  it('the state is small JSON without the transcript', () => {
    const r = drive(twoAgent(), run('a very distinctive question'), {
      human: ['another distinctive answer', ''],
    });
    const json = JSON.stringify(r.state);
    expect(json).not.toContain('distinctive');
    expect(JSON.parse(json)).toEqual(r.state);
  });
});
