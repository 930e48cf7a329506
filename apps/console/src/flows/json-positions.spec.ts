import { jsonPositions, lineOf } from './json-positions';

describe('jsonPositions', () => {
  const text = [
    '{',
    '  "name": "x",',
    '  "agents": [',
    '    { "name": "a",',
    '      "llm": { "provider": "nope" } }',
    '  ]',
    '}',
  ].join('\n');

  it('maps each field path to the line it starts on', () => {
    const { lines, syntaxError } = jsonPositions(text);
    expect(syntaxError).toBeNull();
    expect(lines.get('name')).toBe(2);
    expect(lines.get('agents')).toBe(3);
    expect(lines.get('agents.0.name')).toBe(4);
    expect(lines.get('agents.0.llm.provider')).toBe(5);
  });

  it('falls back to the closest ancestor for a missing field', () => {
    const { lines } = jsonPositions(text);
    expect(lineOf(lines, 'agents.0.llm.model')).toBe(5);
    expect(lineOf(lines, 'chat.type')).toBe(1);
  });

  it('reports the line of a syntax error', () => {
    expect(jsonPositions('{\n  "a": 1,\n  "b": \n}').syntaxError).toMatchObject({ line: 4 });
    expect(jsonPositions('{\n  "a": 1\n  "b": 2\n}').syntaxError).toMatchObject({ line: 3 });
  });
});
