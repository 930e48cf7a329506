import { parseFlowSpec, type ModelRequest, type TranscriptMessage } from '@conclave/domain';
import { resolveTeam } from './agent-defaults';
import { engine } from './engine';
import { planNestedChats, triggerMatches, triggeredNestedChats } from './nested-chat';
import { SUMMARY_PROMPT } from './summary';
import { drive, resume, scriptedModel } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

type Queue = NonNullable<Parameters<typeof flow>[0]['agents'][number]['nested_chats']>['chat_queue'];

/** user ↔ owner (max_turns 1); owner answers with its nested chats with thinker and critic. */
function nestedFlow(
  queue: Queue,
  options: {
    trigger?: unknown;
    owner?: Record<string, unknown>;
    extraAgents?: unknown[];
    maxTurns?: number;
  } = {},
) {
  return flow({
    agents: [
      { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
      {
        name: 'owner',
        ...options.owner,
        nested_chats: { trigger: (options.trigger ?? 'user') as never, chat_queue: queue },
      },
      { name: 'thinker', type: 'assistant', llm: scripted('idea 1', 'idea 2', 'idea 3') },
      { name: 'critic', type: 'assistant', llm: scripted('fine TERMINATE', 'still fine') },
      ...((options.extraAgents ?? []) as never[]),
    ],
    chat: { type: 'two_agent', initiator: 'user', recipient: 'owner', max_turns: options.maxTurns ?? 1 },
  });
}

const rows = (messages: TranscriptMessage[]) =>
  messages.map((m) => [m.sender, m.recipient, m.content, (m.meta?.nested as { depth: number })?.depth ?? 0]);

describe('nested chats: trigger (AG2 register_nested_chats trigger / _match_trigger)', () => {
  const f = flow({
    agents: [
      { name: 'u', type: 'user_proxy' },
      { name: 'a', type: 'assistant', llm: scripted('x') },
      { name: 'c' },
    ],
    chat: { type: 'group', initiator: 'u', manager: { name: 'boss' } },
  });
  const team = resolveTeam(f);
  it.each([
    ['a name matches that sender', 'u', 'u', true],
    ['a name does not match another sender', 'u', 'a', false],
    ['a type matches every agent of that type', { type: 'assistant' }, 'a', true],
    ['a type does not match another type', { type: 'assistant' }, 'u', false],
    ['conversable is the default type', { type: 'conversable' }, 'c', true],
    ['group_manager matches the manager', { type: 'group_manager' }, 'boss', true],
    ["the manager's name matches the manager", 'boss', 'boss', true],
  ] as const)('%s', (_case, trigger, sender, expected) => {
    expect(triggerMatches(trigger as never, team, sender)).toBe(expected);
  });

  it('a list matches when any item matches', () => {
    const withList = flow({
      agents: [
        { name: 'u', type: 'user_proxy' },
        {
          name: 'o',
          nested_chats: { trigger: ['x', { type: 'user_proxy' }], chat_queue: [{ recipient: 'x' }] },
        },
        { name: 'x' },
      ],
      chat: { type: 'two_agent', initiator: 'u', recipient: 'o' },
    });
    const t = resolveTeam(withList);
    expect(triggeredNestedChats(withList, t, 'o', 'u')).not.toBeNull();
    expect(triggeredNestedChats(withList, t, 'o', 'x')).not.toBeNull();
    expect(triggeredNestedChats(withList, t, 'x', 'u')).toBeNull();
  });
});

describe('nested chats: the chat queue (AG2 _summary_from_nested_chats)', () => {
  it.each([
    [
      'the first message defaults to the trigger content',
      [{}, { message: 'b' }],
      'hello',
      [
        [0, 'hello'],
        [1, 'b'],
      ],
    ],
    ['an explicit first message wins', [{ message: 'a' }], 'hello', [[0, 'a']]],
    [
      'a later entry without message is skipped',
      [{}, {}, { message: 'c' }],
      'hello',
      [
        [0, 'hello'],
        [2, 'c'],
      ],
    ],
    ['an empty message is skipped', [{ message: '' }, { message: 'b' }], 'hello', [[1, 'b']]],
    ['an empty trigger skips the first chat', [{}, { message: 'b' }], '', [[1, 'b']]],
    ['a null trigger content (tool call) skips it too', [{}], null, []],
  ])('%s', (_case, entries, trigger, expected) => {
    const queue = (entries as object[]).map((e) => ({
      recipient: 'x',
      summary_method: 'last_msg' as const,
      ...e,
    }));
    const plan = planNestedChats({ trigger: 'u', chat_queue: queue }, trigger as string | null);
    expect(plan.map((p) => [p.entry, p.message])).toEqual(expected);
  });
});

describe('nested chats in a conversation', () => {
  it('runs the inner chats in order with carryover; the owner replies with the last summary', () => {
    const f = nestedFlow([
      { recipient: 'thinker', max_turns: 1 },
      { recipient: 'critic', message: 'Review it.', max_turns: 1 },
    ]);
    const r = drive(f, run('Plan a trip.'));
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'Plan a trip.', 0],
      ['owner', 'thinker', 'Plan a trip.', 1],
      ['thinker', 'owner', 'idea 1', 1],
      ['owner', 'critic', 'Review it.\nContext: \nidea 1', 1],
      ['critic', 'owner', 'fine TERMINATE', 1],
      // last_msg strips every TERMINATE without trimming, so the outer chat is not terminated by it.
      ['owner', 'user', 'fine ', 0],
    ]);
    expect(r.messages[2].meta?.nested).toEqual({ owner: 'owner', depth: 1, chat_index: 0 });
    expect(r.messages[4].meta?.nested).toEqual({ owner: 'owner', depth: 1, chat_index: 1 });
    expect(r.messages[5].meta).toEqual({ nested_summary: true });
    expect(r.step).toEqual({ type: 'end', reason: 'max_turns', summary: 'fine ' });
  });

  it('max_turns per inner chat bounds only that chat', () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 2 }]);
    const r = drive(f, run('go'));
    // The owner has no LLM: it sends its default auto reply "" inside the inner chat.
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'go', 0],
      ['owner', 'thinker', 'go', 1],
      ['thinker', 'owner', 'idea 1', 1],
      ['owner', 'thinker', '', 1],
      ['thinker', 'owner', 'idea 2', 1],
      ['owner', 'user', 'idea 2', 0],
    ]);
  });

  it('an inner termination message ends only the inner chat; the outer conversation goes on', () => {
    const f = nestedFlow([{ recipient: 'closer', message: 'Review.' }], {
      owner: { human_input_mode: 'NEVER', is_termination_msg: { type: 'contains', value: 'TERMINATE' } },
      extraAgents: [{ name: 'closer', type: 'assistant', llm: scripted('fine TERMINATE') }],
      maxTurns: 2,
    });
    const r = drive(f, run('go'));
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'go', 0],
      ['owner', 'closer', 'Review.', 1],
      // The owner (NEVER) ends the inner chat on the termination message…
      ['closer', 'owner', 'fine TERMINATE', 1],
      // …and the outer conversation goes on with the summary.
      ['owner', 'user', 'fine ', 0],
      ['user', 'owner', '', 0],
      ['owner', 'closer', 'Review.', 1],
      ['closer', 'owner', 'fine TERMINATE', 1],
      ['owner', 'user', 'fine ', 0],
    ]);
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_turns' });
  });

  it('reflection_with_llm asks the inner recipient’s LLM with the inner conversation only', () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 1, summary_method: 'reflection_with_llm' }]);
    const requests: ModelRequest[] = [];
    const scriptedReply = scriptedModel();
    const r = drive(f, run('Plan.'), {
      model: (req) => {
        requests.push(req);
        return req.purpose === 'summary' ? { content: 'the summary' } : scriptedReply(req);
      },
    });
    const summary = requests.find((q) => q.purpose === 'summary')!;
    expect(summary.agent).toBe('thinker');
    expect(summary.messages.slice(-3)).toEqual([
      { role: 'assistant', content: 'Plan.' },
      { role: 'user', content: 'idea 1', name: 'thinker' },
      { role: 'system', content: SUMMARY_PROMPT },
    ]);
    expect(r.messages[r.messages.length - 1]).toMatchObject({ sender: 'owner', content: 'the summary' });
  });

  it("reflection_with_llm falls back to the inner sender's LLM when the recipient has none", () => {
    const f = nestedFlow([{ recipient: 'mute', max_turns: 1, summary_method: 'reflection_with_llm' }], {
      owner: { llm: scripted('owner says') },
      extraAgents: [{ name: 'mute', human_input_mode: 'NEVER', default_auto_reply: 'ok' }],
    });
    const r = drive(f, run('x'), {
      model: (req) => (req.purpose === 'summary' ? `summary by ${req.agent}` : 'unused'),
    });
    expect(r.messages[r.messages.length - 1].content).toBe('summary by owner');
  });

  it('outer agents never see inner messages', () => {
    const f = flow({
      agents: [
        { name: 'user', type: 'assistant', llm: scripted('u1', 'u2') },
        {
          name: 'owner',
          nested_chats: { trigger: 'user', chat_queue: [{ recipient: 'thinker', max_turns: 1 }] },
        },
        { name: 'thinker', type: 'assistant', llm: scripted('secret idea') },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'owner', max_turns: 2 },
    });
    const requests: ModelRequest[] = [];
    const scriptedReply = scriptedModel();
    drive(f, run('hi'), { model: (q) => (requests.push(q), scriptedReply(q)) });
    const userPrompt = requests.find((q) => q.agent === 'user')!;
    expect(userPrompt.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'assistant', content: 'hi' },
      { role: 'user', content: 'secret idea', name: 'owner' },
    ]);
    const thinkerPrompt = requests.find((q) => q.agent === 'thinker')!;
    expect(thinkerPrompt.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'hi', name: 'owner' },
    ]);
  });

  it('a sender outside the trigger gets the usual reply (LLM)', () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 1 }], {
      trigger: 'critic',
      owner: { llm: scripted('plain answer') },
    });
    const r = drive(f, run('hi'));
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'hi', 0],
      ['owner', 'user', 'plain answer', 0],
    ]);
  });

  it('nothing to run (first message empty) → the owner says nothing and the chat ends', () => {
    const f = nestedFlow([{ recipient: 'thinker', message: '' }]);
    const r = drive(f, run('hi'));
    expect(rows(r.messages)).toEqual([['user', 'owner', 'hi', 0]]);
    expect(r.step).toMatchObject({ type: 'end', reason: 'no_reply' });
  });

  it("each firing counts against the owner's max_consecutive_auto_reply", () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 1 }], {
      owner: { human_input_mode: 'NEVER', max_consecutive_auto_reply: 1 },
      maxTurns: 3,
    });
    const r = drive(f, run('hi'));
    expect(rows(r.messages).filter((m) => m[3] === 0)).toEqual([
      ['user', 'owner', 'hi', 0],
      ['owner', 'user', 'idea 1', 0],
      ['user', 'owner', '', 0],
    ]);
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_consecutive_auto_reply' });
  });

  it('the human-input check comes first: a typed answer is sent and the nested chats do not run', () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 1 }], { owner: { human_input_mode: 'ALWAYS' } });
    const r = drive(f, run('hi'), { human: ['typed by a person'] });
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'hi', 0],
      ['owner', 'user', 'typed by a person', 0],
    ]);
  });

  it('an empty human answer lets the owner auto-reply: the nested chats run', () => {
    const f = nestedFlow([{ recipient: 'thinker', max_turns: 1 }], { owner: { human_input_mode: 'ALWAYS' } });
    const r = drive(f, run('hi'), { human: [''] });
    expect(r.messages.map((m) => m.content)).toEqual(['hi', 'hi', 'idea 1', 'idea 1']);
  });
});

describe('nested chats: human input inside pauses the whole run', () => {
  const f = nestedFlow(
    [
      { recipient: 'person', max_turns: 2 },
      { recipient: 'thinker', message: 'Think.', max_turns: 1 },
    ],
    { extraAgents: [{ name: 'person', type: 'user_proxy', human_input_mode: 'ALWAYS' }] },
  );

  it('asks the inner agent, naming its inner partner; the state survives JSON', () => {
    const paused = drive(f, run('hi'));
    expect(paused.step).toMatchObject({
      type: 'ask_human',
      request: {
        agent: 'person',
        kind: 'text',
        prompt: expect.stringContaining('Provide feedback to owner'),
      },
    });
    const state = JSON.parse(JSON.stringify(paused.state));
    const resumed = resume(f, state, paused.transcript, { human: ['my view', 'second view'] });
    expect(rows(resumed.messages)).toEqual([
      ['user', 'owner', 'hi', 0],
      ['owner', 'person', 'hi', 1],
      ['person', 'owner', 'my view', 1],
      ['owner', 'person', '', 1],
      ['person', 'owner', 'second view', 1],
      ['owner', 'thinker', 'Think.\nContext: \nsecond view', 1],
      ['thinker', 'owner', 'idea 1', 1],
      ['owner', 'user', 'idea 1', 0],
    ]);
    expect(resumed.step).toMatchObject({ type: 'end', reason: 'max_turns' });
  });

  it('`exit` ends only the inner chat; the next inner chat and the outer conversation go on', () => {
    const r = drive(f, run('hi'), { human: ['exit'] });
    expect(rows(r.messages)).toEqual([
      ['user', 'owner', 'hi', 0],
      ['owner', 'person', 'hi', 1],
      ['owner', 'thinker', 'Think.\nContext: \nhi', 1],
      ['thinker', 'owner', 'idea 1', 1],
      ['owner', 'user', 'idea 1', 0],
    ]);
  });
});

describe('nested chats in a group chat', () => {
  it("a member's nested chats trigger on the manager; the summary is that member's group message", () => {
    const f = flow({
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        {
          name: 'researcher',
          nested_chats: {
            trigger: { type: 'group_manager' },
            chat_queue: [{ recipient: 'thinker', max_turns: 1 }],
          },
        },
        { name: 'thinker', type: 'assistant', llm: scripted('deep thought') },
      ],
      chat: {
        type: 'group',
        initiator: 'user',
        agents: ['user', 'researcher'],
        max_round: 2,
        speaker_selection: 'round_robin',
      },
    });
    const r = drive(f, run('question'));
    expect(rows(r.messages)).toEqual([
      ['user', 'chat_manager', 'question', 0],
      ['researcher', 'thinker', 'question', 1],
      ['thinker', 'researcher', 'deep thought', 1],
      ['researcher', 'chat_manager', 'deep thought', 0],
    ]);
    expect(r.messages[3].meta).toEqual({
      nested_summary: true,
      speaker_selection: { method: 'round_robin' },
    });
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_round' });
  });
});

describe('nested chats: engine contract', () => {
  it('a cycle of triggers stops with an error naming the agent', () => {
    const f = flow({
      agents: [
        { name: 'u', type: 'user_proxy', human_input_mode: 'NEVER' },
        { name: 'a', nested_chats: { trigger: 'u', chat_queue: [{ recipient: 'b', sender: 'u' }] } },
        { name: 'b', nested_chats: { trigger: 'u', chat_queue: [{ recipient: 'a', sender: 'u' }] } },
      ],
      chat: { type: 'two_agent', initiator: 'u', recipient: 'a' },
    });
    expect(() => engine.start(f, run('x'))).toThrow(/nested chats deeper than 8 levels/);
  });

  it.each([
    [{ recipient: 'nobody' }, 'agents.1.nested_chats.chat_queue.0.recipient: unknown agent "nobody"'],
    [
      { recipient: 'owner' },
      'agents.1.nested_chats.chat_queue.0.recipient: recipient must differ from the sender (default: the agent itself)',
    ],
    [
      { recipient: 'user', sender: 'ghost' },
      'agents.1.nested_chats.chat_queue.0.sender: unknown agent "ghost"',
    ],
  ])('the flow spec rejects %j', (entry, error) => {
    const result = parseFlowSpec({
      name: 'n',
      agents: [{ name: 'user' }, { name: 'owner', nested_chats: { trigger: 'user', chat_queue: [entry] } }],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'owner' },
    });
    expect(result).toEqual({ ok: false, errors: [error] });
  });
});
