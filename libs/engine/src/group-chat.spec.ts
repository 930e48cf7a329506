import type { FlowSpecInput, ModelRequest } from '@conclave/domain';
import { drive, scriptedModel } from './testing/drive';
import { flow, run, scripted } from './testing/flows';

/** Members without LLM that reply with their own name, so the order is visible. */
const member = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  human_input_mode: 'NEVER' as const,
  default_auto_reply: name,
  ...extra,
});

const group = (
  chat: Record<string, unknown>,
  agents: FlowSpecInput['agents'] = [member('a'), member('b'), member('c')],
) => flow({ agents, chat: { type: 'group', initiator: 'a', ...chat } });

const speakers = (r: ReturnType<typeof drive>) => r.messages.map((m) => m.sender);

describe('group chat rounds (AG2 run_chat)', () => {
  it.each([1, 2, 5, 10])(
    'max_round %i uninterrupted gives exactly max_round messages (the initial one counts)',
    (n) => {
      const r = drive(group({ speaker_selection: 'round_robin', max_round: n }), run('start'));
      expect(r.messages).toHaveLength(n);
      expect(r.step).toMatchObject({ type: 'end', reason: 'max_round' });
    },
  );

  it('max_round defaults to 10', () => {
    expect(drive(group({ speaker_selection: 'round_robin' }), run('start')).messages).toHaveLength(10);
  });

  it('round_robin follows member order from the last speaker; messages go to the manager', () => {
    const r = drive(group({ speaker_selection: 'round_robin', max_round: 6 }), run('start'));
    expect(speakers(r)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(r.messages.every((m) => m.recipient === 'chat_manager')).toBe(true);
    expect(r.messages[0]).toMatchObject({ type: 'user', content: 'start' });
    expect(r.messages[1].meta).toEqual({ speaker_selection: { method: 'round_robin' } });
  });

  it('the manager ends on a termination message', () => {
    const r = drive(
      group({ speaker_selection: 'round_robin' }, [
        member('a'),
        member('b', { default_auto_reply: 'TERMINATE' }),
      ]),
      run('s'),
    );
    expect(r.messages.map((m) => m.content)).toEqual(['s', 'TERMINATE']);
    expect(r.step).toEqual({ type: 'end', reason: 'termination_message', summary: '' });
  });

  it('the manager checks the initial message too', () => {
    const r = drive(group({ speaker_selection: 'round_robin' }), run('TERMINATE'));
    expect(r.messages).toHaveLength(1);
    expect(r.step).toMatchObject({ type: 'end', reason: 'termination_message' });
  });

  it('a speaker that says nothing (NEVER at its limit) ends the group chat with no_reply', () => {
    const agents = [member('a'), member('b', { max_consecutive_auto_reply: 1 })];
    const r = drive(group({ speaker_selection: 'round_robin' }, agents), run('s'));
    expect(speakers(r)).toEqual(['a', 'b', 'a']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'no_reply' });
  });

  it('a speaker asks its human with the manager as sender; exit ends with human_exit', () => {
    const agents = [member('a'), { name: 'human', type: 'user_proxy' as const }];
    const r = drive(group({ speaker_selection: 'round_robin' }, agents), run('s'), {
      human: ['hello all', 'exit'],
    });
    expect(r.steps[0]).toEqual({
      type: 'ask_human',
      request: {
        agent: 'human',
        kind: 'text',
        prompt:
          "Replying as human. Provide feedback to chat_manager. Press enter to skip and use auto-reply, or type 'exit' to end the conversation:",
      },
    });
    expect(r.messages.map((m) => m.content)).toEqual(['s', 'hello all', 'a']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'human_exit' });
  });

  it('random selection is seeded per run: the same seed gives the same order', () => {
    const f = group({ speaker_selection: 'random', max_round: 12 });
    const orders = [1, 1, 2, 3].map((seed) => speakers(drive(f, run('s', { seed }))).join(''));
    expect(orders[0]).toBe(orders[1]);
    expect(new Set(orders).size).toBeGreaterThan(1);
    const r = drive(f, run('s', { seed: 7 }));
    expect(r.messages[1].meta).toEqual({ speaker_selection: { method: 'random' } });
  });

  it('allow_repeat_speaker false never picks the last speaker', () => {
    const r = drive(
      group({ speaker_selection: 'random', allow_repeat_speaker: false, max_round: 30 }),
      run('s', { seed: 3 }),
    );
    const order = speakers(r);
    order.slice(1).forEach((s, i) => expect(s).not.toBe(order[i]));
  });

  it('allowed_transitions: a single eligible agent is chosen without the LLM', () => {
    const f = group({
      speaker_selection: 'auto',
      max_round: 4,
      allowed_transitions: { a: ['b'], b: ['c'], c: ['a'] },
      manager: { llm: scripted('c') },
    });
    const r = drive(f, run('s'));
    expect(speakers(r)).toEqual(['a', 'b', 'c', 'a']);
    expect(r.steps.filter((s) => s.type === 'call_model')).toHaveLength(0);
    expect(r.messages[1].meta).toEqual({ speaker_selection: { method: 'single_eligible' } });
  });

  it('allowed_transitions: no eligible next speaker ends with no_next_speaker', () => {
    const r = drive(group({ speaker_selection: 'round_robin', allowed_transitions: { a: ['b'] } }), run('s'));
    expect(speakers(r)).toEqual(['a', 'b']);
    expect(r.step).toMatchObject({ type: 'end', reason: 'no_next_speaker' });
  });

  it('members default to all flow agents; an explicit list restricts them', () => {
    const r = drive(group({ speaker_selection: 'round_robin', agents: ['a', 'c'], max_round: 4 }), run('s'));
    expect(speakers(r)).toEqual(['a', 'c', 'a', 'c']);
  });
});

describe('auto speaker selection', () => {
  const autoGroup = (
    managerReplies: string[],
    extra: Record<string, unknown> = {},
    agents: FlowSpecInput['agents'] = [member('a'), member('data_analyst'), member('c')],
  ) => group({ max_round: 2, manager: { llm: scripted(...managerReplies) }, ...extra }, agents);

  const selectionRequests = (r: ReturnType<typeof drive>) =>
    r.steps.flatMap((s) =>
      s.type === 'call_model' && s.request.purpose === 'select_speaker' ? [s.request] : [],
    );

  it('asks the manager LLM with the role-play prompt and picks the one name it returns', () => {
    const r = drive(autoGroup(['c']), run('start'));
    expect(speakers(r)).toEqual(['a', 'c']);
    expect(r.messages[1].meta).toEqual({ speaker_selection: { method: 'auto', attempts: 1 } });
    const [q] = selectionRequests(r);
    expect(q.agent).toBe('chat_manager');
    expect(q.messages[0].role).toBe('system');
    expect(q.messages[0].content).toContain(
      'You are in a role play game. The following roles are available:',
    );
    expect(q.messages[0].content).toContain(
      "Then select the next role from ['a', 'data_analyst', 'c'] to play. Only return the role.",
    );
    expect(q.messages[1]).toEqual({ role: 'user', content: 'start', name: 'a' });
    expect(q.messages[2]).toEqual({
      role: 'system',
      content:
        "Read the above conversation. Then select the next role from ['a', 'data_analyst', 'c'] to play. Only return the role.",
    });
  });

  it('accepts the name with "_" written as a space', () => {
    const r = drive(autoGroup(['I think the data analyst should go']), run('start'));
    expect(speakers(r)).toEqual(['a', 'data_analyst']);
  });

  it('several names → asks again with the AG2 reminder; then one name is chosen', () => {
    const r = drive(autoGroup(['a or c', 'c']), run('start'));
    expect(speakers(r)).toEqual(['a', 'c']);
    expect(r.messages[1].meta).toEqual({ speaker_selection: { method: 'auto', attempts: 2 } });
    const second = selectionRequests(r)[1];
    expect(second.messages.slice(-2)[0]).toEqual({ role: 'assistant', content: 'a or c' });
    expect(second.messages.slice(-1)[0].content).toMatch(/^You provided more than one name in your text/);
  });

  it('no name → the "didn\'t choose" reminder', () => {
    const r = drive(autoGroup(['nobody', 'a']), run('start'));
    expect(selectionRequests(r)[1].messages.slice(-1)[0].content).toMatch(/^You didn't choose a speaker/);
  });

  it.each([
    [0, 1],
    [2, 3],
    [4, 5],
  ])(
    'max_retries %i → %i calls in all, then round robin from the last speaker among the eligible',
    (retries, calls) => {
      const r = drive(autoGroup(['a c'], { max_retries_for_selecting_speaker: retries }), run('start'));
      expect(selectionRequests(r)).toHaveLength(calls);
      expect(speakers(r)).toEqual(['a', 'data_analyst']);
      expect(r.messages[1].meta).toEqual({
        speaker_selection: { method: 'auto', attempts: calls, fallback: true },
      });
    },
  );

  it('allow_repeat_speaker false: naming the last speaker counts as zero mentions', () => {
    const r = drive(autoGroup(['a', 'a', 'a'], { allow_repeat_speaker: false }), run('start'));
    expect(selectionRequests(r)).toHaveLength(3);
    expect(selectionRequests(r)[0].messages[0].content).toContain("['data_analyst', 'c']");
    expect(speakers(r)).toEqual(['a', 'data_analyst']);
  });

  it('no manager LLM → round robin, recorded as a fallback', () => {
    const r = drive(group({ max_round: 3 }), run('start'));
    expect(speakers(r)).toEqual(['a', 'b', 'c']);
    expect(r.messages[1].meta).toEqual({
      speaker_selection: { method: 'auto', attempts: 0, fallback: true },
    });
  });

  it("the speaker sees the conversation from its side; send_introductions adds the manager's introduction", () => {
    const requests: ModelRequest[] = [];
    const model = scriptedModel();
    const f = flow({
      agents: [member('a'), { name: 'b', type: 'assistant', llm: scripted('from b') }],
      chat: {
        type: 'group',
        initiator: 'a',
        speaker_selection: 'round_robin',
        max_round: 4,
        send_introductions: true,
      },
    });
    const r = drive(f, run('start'), { model: (q) => (requests.push(q), model(q)) });
    expect(speakers(r)).toEqual(['a', 'b', 'a', 'b']);
    const second = requests[1];
    expect(second.messages[1]).toMatchObject({ role: 'user', name: 'chat_manager' });
    expect(second.messages[1].content).toMatch(/^Hello everyone\. We have assembled a great team today/);
    expect(second.messages.slice(2)).toEqual([
      { role: 'user', content: 'start', name: 'a' },
      { role: 'assistant', content: 'from b' },
      { role: 'user', content: 'a', name: 'a' },
    ]);
  });
});

describe('manual speaker selection', () => {
  const manual = () => group({ speaker_selection: 'manual', max_round: 2 });

  it('asks the human which agent speaks (kind speaker, options = candidates)', () => {
    const r = drive(manual(), run('s'), { human: [] });
    expect(r.step).toEqual({
      type: 'ask_human',
      request: {
        agent: 'chat_manager',
        kind: 'speaker',
        options: ['a', 'b', 'c'],
        prompt:
          'Please select the next speaker from the following list:\n1: a\n2: b\n3: c\nEnter the number of the next speaker (enter nothing or `q` to use auto selection):',
      },
    });
  });

  it.each([
    [['3'], 'c', { method: 'manual' }],
    [['c'], 'c', { method: 'manual' }],
    [[''], 'b', { method: 'manual', fallback: true }],
    [['q'], 'b', { method: 'manual', fallback: true }],
    [['9', 'x', '3'], 'c', { method: 'manual' }],
    [['9', 'x', '0'], 'b', { method: 'manual', fallback: true }],
  ])('answers %j → %s', (answers, speaker, selection) => {
    const r = drive(manual(), run('s'), { human: answers });
    expect(speakers(r)).toEqual(['a', speaker]);
    expect(r.messages[1].meta).toEqual({ speaker_selection: selection });
    expect(r.step).toMatchObject({ type: 'end', reason: 'max_round' });
  });

  it('a bad answer asks again, saying why', () => {
    const r = drive(manual(), run('s'), { human: ['7'] });
    expect(r.step).toMatchObject({ type: 'ask_human', request: { kind: 'speaker' } });
    if (r.step.type !== 'ask_human') throw new Error();
    expect(r.step.request.prompt.startsWith('Invalid input. Please enter a number between 1 and 3.\n')).toBe(
      true,
    );
  });
});
