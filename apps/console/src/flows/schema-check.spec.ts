import { checkSchema } from './schema-check';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'agents'],
  properties: {
    name: { type: 'string', minLength: 1 },
    agents: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[a-z]+$' },
          human_input_mode: { type: 'string', enum: ['ALWAYS', 'NEVER'] },
          max: { type: 'integer', minimum: 0 },
          llm: {
            anyOf: [
              {
                oneOf: [
                  {
                    type: 'object',
                    properties: { provider: { const: 'scripted' }, replies: { type: 'array' } },
                    required: ['provider'],
                  },
                  {
                    type: 'object',
                    properties: { provider: { const: 'openai' }, model: { type: 'string' } },
                    required: ['provider', 'model'],
                  },
                ],
              },
              { type: 'null' },
            ],
          },
        },
      },
    },
  },
};

describe('checkSchema (the subset of JSON Schema the flow spec uses)', () => {
  it('accepts a valid document', () => {
    expect(
      checkSchema(schema, {
        name: 'x',
        agents: [
          { name: 'a', llm: null },
          { name: 'b', llm: { provider: 'scripted' } },
        ],
      }),
    ).toEqual([]);
  });

  it('names each bad field by path', () => {
    const issues = checkSchema(schema, {
      name: '',
      agents: [{ name: 'A1', human_input_mode: 'SOMETIMES', max: 1.5 }],
      extra: true,
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'must not be empty' },
        { path: 'agents.0.name', message: 'must match ^[a-z]+$' },
        { path: 'agents.0.human_input_mode', message: 'must be one of "ALWAYS", "NEVER"' },
        { path: 'agents.0.max', message: 'expected integer, got number' },
        { path: 'extra', message: 'unknown field "extra"' },
      ]),
    );
  });

  it('suggests the closest field for an unknown key', () => {
    expect(checkSchema(schema, { name: 'x', agents: [{ name: 'a', human_input_mod: 'ALWAYS' }] })).toEqual([
      {
        path: 'agents.0.human_input_mod',
        message: 'unknown field "human_input_mod" — did you mean "human_input_mode"?',
      },
    ]);
  });

  it('reports the union branch whose discriminator matched', () => {
    expect(checkSchema(schema, { name: 'x', agents: [{ name: 'a', llm: { provider: 'openai' } }] })).toEqual([
      { path: 'agents.0.llm', message: '"model" is required' },
    ]);
  });
});
