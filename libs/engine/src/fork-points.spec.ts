import { drive, resume } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

/**
 * Fork points: every message has a state to resume from, and resuming there replays exactly what
 * followed — including messages written inside one step (a user proxy's auto reply, nested chats).
 */
describe('fork points (the state right after each message)', () => {
  const cases = [
    [
      'group chat, random selection, a user proxy replying without I/O',
      flow({
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER', default_auto_reply: 'go on' },
          { name: 'alice', type: 'assistant', llm: scripted('a1', 'a2', 'a3', 'a4') },
          { name: 'bob', type: 'assistant', llm: scripted('b1', 'b2', 'b3', 'b4') },
        ],
        chat: { type: 'group', initiator: 'user', max_round: 9, speaker_selection: 'random' },
      }),
    ],
    [
      'sequential chats (a reply and the next chat’s opening in one step)',
      flow({
        agents: [
          { name: 'lead', type: 'assistant', llm: scripted('ok', 'fine') },
          { name: 'writer', type: 'assistant', llm: scripted('draft') },
          { name: 'editor', type: 'assistant', llm: scripted('edited') },
        ],
        chat: {
          type: 'sequential',
          chats: [
            { initiator: 'lead', recipient: 'writer', max_turns: 1 },
            { initiator: 'lead', recipient: 'editor', message: 'Edit.', max_turns: 2 },
          ],
        },
      }),
    ],
    [
      'nested chats',
      flow({
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
          {
            name: 'owner',
            nested_chats: {
              trigger: 'user',
              chat_queue: [
                { recipient: 'thinker', max_turns: 1 },
                { recipient: 'critic', message: 'Check.', max_turns: 1 },
              ],
            },
          },
          { name: 'thinker', type: 'assistant', llm: scripted('t1', 't2') },
          { name: 'critic', type: 'assistant', llm: scripted('c1', 'c2') },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'owner', max_turns: 2 },
      }),
    ],
  ] as const;

  it.each(cases)('%s: resuming at every message reproduces the rest', (_name, f) => {
    const original = drive(f, run('start', { seed: 42 }));
    expect(original.step.type).toBe('end');
    const n = original.transcript.length;
    expect([...original.forkPoints.keys()].sort((x, y) => x - y)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
    for (const [length, state] of original.forkPoints) {
      const fork = resume(f, JSON.parse(JSON.stringify(state)), original.transcript.slice(0, length));
      expect(fork.transcript).toEqual(original.transcript);
      expect(fork.step).toEqual(original.step);
    }
  });
});
