import { FlowSpecSchema } from '@conclave/domain';
import { missingApiKeyVariable, providerKeyWarnings } from './provider-key';

describe('provider keys', () => {
  const openai = (extra: Record<string, unknown> = {}) =>
    ({ provider: 'openai', model: 'gpt-4o-mini', stream: false, ...extra }) as const;

  it.each([
    [openai(), {}, 'OPENAI_API_KEY'],
    [openai(), { apiKey: 'sk-1' }, null],
    [openai({ base_url: 'https://api.openai.com/v1' }), {}, 'OPENAI_API_KEY'],
    [openai({ base_url: 'http://localhost:11434/v1' }), {}, null],
    [openai(), { baseUrl: 'http://ollama:11434/v1' }, null],
    [openai({ api_key_ref: 'PROD' }), { apiKey: 'sk-1' }, 'CONCLAVE_SECRET_PROD'],
    [openai({ api_key_ref: 'PROD' }), {}, null, new Set(['PROD'])],
  ])('%j with %j needs %s', (llm, config, expected, secretNames = new Set<string>()) => {
    expect(missingApiKeyVariable(llm, { openai: config, secretNames })).toBe(expected);
  });

  it('warns per agent and for the group manager, naming the path and the variable', () => {
    const flow = FlowSpecSchema.parse({
      name: 'f',
      agents: [
        { name: 'a', llm: { provider: 'scripted', replies: ['x'] } },
        { name: 'b', llm: openai({ api_key_ref: 'TEAM' }) },
      ],
      chat: { type: 'group', initiator: 'a', manager: { llm: openai() } },
    });
    expect(providerKeyWarnings(flow, { openai: {}, secretNames: new Set() })).toEqual([
      "agents.1.llm: no API key for the openai provider: store it with PUT /secrets/TEAM or set CONCLAVE_SECRET_TEAM in the server's environment and restart it (runs fail until then)",
      "chat.manager.llm: no API key for the openai provider: set OPENAI_API_KEY in the server's environment and restart it (runs fail until then)",
    ]);
  });
});
