import { AgentSpec, type TranscriptMessage } from '@conclave/domain';
import { agentDefaults } from './agent-defaults';
import { mentionedAgents, nextAgent, prepareSelection, selectSpeakerPrompt } from './speaker-selection';

describe('mentionedAgents (AG2 _mentioned_agents)', () => {
  const names = ['coder', 'data_analyst', 'critic', 'Planner'];
  it.each([
    ['coder', { coder: 1 }],
    ['  coder  ', { coder: 1 }],
    ['coder.', { coder: 1 }],
    ['The coder should speak next, yes the coder', { coder: 2 }],
    ['data_analyst', { data_analyst: 1 }],
    ['data analyst', { data_analyst: 1 }],
    ['data\\_analyst', { data_analyst: 1 }],
    ['Coder', {}], // case-sensitive
    ['planner', {}],
    ['coders', {}], // word boundaries
    ['decoder', {}],
    ['coder or critic', { coder: 1, critic: 1 }],
    ['', {}],
  ])('%j → %j', (text, expected) => {
    expect(Object.fromEntries(mentionedAgents(text, names))).toEqual(expected);
  });
});

describe('nextAgent (AG2 next_agent, round robin)', () => {
  const members = ['a', 'b', 'c', 'd'];
  it.each([
    ['a', members, 'b'],
    ['d', members, 'a'],
    ['outsider', members, 'a'],
    ['a', ['c', 'd'], 'c'],
    ['c', ['a', 'c'], 'a'],
    ['b', ['b'], 'b'],
  ])('after %s among %j → %s', (last, eligible, expected) => {
    expect(nextAgent(members, last, eligible)).toBe(expected);
  });
});

describe('prepareSelection', () => {
  const agents = new Map(
    [
      { name: 'a' },
      { name: 'b', tools: [{ name: 'search' }] },
      { name: 'c', tools: [{ name: 'search' }, { name: 'fetch' }] },
    ].map((s) => [s.name, agentDefaults(AgentSpec.parse(s))] as const),
  );
  const msg = (extra: Partial<TranscriptMessage> = {}): TranscriptMessage => ({
    sender: 'a',
    recipient: 'm',
    type: 'assistant',
    content: 'x',
    ...extra,
  });
  const base = {
    members: ['a', 'b', 'c'],
    agents,
    lastSpeaker: 'a',
    lastMessage: msg(),
    allowRepeatSpeaker: true,
  };
  const calls = (...names: string[]) => names.map((name, i) => ({ id: `c${i}`, name, arguments: '{}' }));

  it('no constraints: all members are candidates', () => {
    expect(prepareSelection(base)).toEqual({ kind: 'candidates', candidates: ['a', 'b', 'c'] });
  });
  it('allow_repeat_speaker false removes the last speaker', () => {
    expect(prepareSelection({ ...base, allowRepeatSpeaker: false })).toEqual({
      kind: 'candidates',
      candidates: ['b', 'c'],
    });
  });
  it('tool filter: the only agent whose tools include all called names is chosen', () => {
    expect(
      prepareSelection({
        ...base,
        lastMessage: msg({ content: null, tool_calls: calls('search', 'fetch') }),
      }),
    ).toEqual({ kind: 'chosen', agent: 'c', selection: { method: 'tool_filter' } });
  });
  it('tool filter: several able agents become the candidates', () => {
    expect(prepareSelection({ ...base, lastMessage: msg({ tool_calls: calls('search') }) })).toEqual({
      kind: 'candidates',
      candidates: ['b', 'c'],
    });
  });
  it('transitions: a single eligible agent is chosen without asking', () => {
    expect(prepareSelection({ ...base, allowedTransitions: { a: ['c'], b: ['a'], c: ['a'] } })).toEqual({
      kind: 'chosen',
      agent: 'c',
      selection: { method: 'single_eligible' },
    });
  });
  it('transitions: no outgoing edge or none left → none', () => {
    expect(prepareSelection({ ...base, allowedTransitions: { b: ['a'] } })).toEqual({ kind: 'none' });
    expect(prepareSelection({ ...base, allowedTransitions: { a: [] } })).toEqual({ kind: 'none' });
    expect(
      prepareSelection({ ...base, allowRepeatSpeaker: false, allowedTransitions: { a: ['a'] } }),
    ).toEqual({
      kind: 'none',
    });
  });
  it('the AG2 selection question ends with "Only return the role."', () => {
    expect(selectSpeakerPrompt(['a', 'b'])).toBe(
      "Read the above conversation. Then select the next role from ['a', 'b'] to play. Only return the role.",
    );
  });
});
