import type { ModelRequest } from '@conclave/domain';
import { engine } from './engine';
import { modelCallsOf } from './state';
import { drive, resume } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

/**
 * `call_index`: the scripted provider answers `replies[k]` on an agent's k-th model call in the chat.
 * The engine numbers the calls in its persisted state, so the count survives a resume and carries
 * into the chat's next run.
 */
describe('model call numbering (scripted replies in order)', () => {
  const pair = flow({
    agents: [
      { name: 'alice', type: 'assistant', llm: scripted('w1', 'w2', 'w3') },
      { name: 'bob', type: 'assistant', llm: scripted('b1', 'b2', 'b3') },
    ],
    chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 2 },
  });

  it("an initiator's opening message is the person's: its first model call answers replies[0]", () => {
    const r = drive(pair, run('hello'));
    expect(r.messages.map((m) => `${m.sender}:${m.content}`)).toEqual([
      'alice:hello',
      'bob:b1',
      'alice:w1',
      'bob:b2',
    ]);
  });

  it('numbers each request by the agent’s earlier calls in the chat', () => {
    const r = drive(pair, run('hello'));
    const calls = r.steps
      .filter((s): s is { type: 'call_model'; request: ModelRequest } => s.type === 'call_model')
      .map((s) => `${s.request.agent}#${s.request.call_index}`);
    expect(calls).toEqual(['bob#0', 'alice#0', 'bob#1']);
  });

  it("continues across runs of the same chat from the previous run's state", () => {
    const first = drive(pair, run('hello'));
    const second = drive(
      pair,
      run('again', { history: first.transcript, modelCalls: modelCallsOf(first.state) }),
    );
    expect(modelCallsOf(first.state)).toEqual({ alice: 1, bob: 2 });
    expect(second.messages.map((m) => m.content)).toEqual(['again', 'b3', 'w2', 'b3']);
  });

  it('a resumed run (from any committed state) asks with the same index, so answers the same', () => {
    const whole = drive(pair, run('hello'));
    for (const checkpoint of whole.checkpoints) {
      const resumed = resume(pair, checkpoint.state, whole.transcript.slice(0, checkpoint.length));
      expect(resumed.transcript).toEqual(whole.transcript);
      expect(resumed.steps[0]).toEqual(checkpoint.step);
    }
  });

  it('a group manager advances across speaker selections, retries included', () => {
    const team = flow({
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'ok' },
        { name: 'writer', type: 'assistant', llm: scripted('draft') },
        { name: 'editor', type: 'assistant', llm: scripted('edited') },
      ],
      chat: {
        type: 'group',
        initiator: 'user',
        max_round: 4,
        speaker_selection: 'auto',
        // Call 0 names nobody (a retry follows), call 1 picks writer, call 2 editor, call 3 user.
        manager: { llm: scripted('hmm', 'writer', 'editor', 'user') },
      },
    });
    const r = drive(team, run('write something'));
    expect(r.messages.map((m) => m.sender)).toEqual(['user', 'writer', 'editor', 'user']);
    expect(r.messages[1].meta?.speaker_selection).toEqual({ method: 'auto', attempts: 2 });
    expect(r.messages[2].meta?.speaker_selection).toEqual({ method: 'auto', attempts: 1 });
    expect(modelCallsOf(r.state)).toEqual({ chat_manager: 4, writer: 1, editor: 1 });
  });

  it('treats a state saved before the count existed as no calls', () => {
    const started = engine.start(pair, run('hello'));
    const { modelCalls: _, ...legacy } = started.state as Record<string, unknown>;
    const step = engine.next(pair, { ...legacy, v: 1 }, started.messages);
    expect(step).toMatchObject({ type: 'call_model', request: { agent: 'bob', call_index: 0 } });
  });
});
