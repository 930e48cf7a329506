import { LlmSpec } from '@conclave/domain';
import type { LlmConfig } from '../llm-config';
import { resolveApiKey } from '../openai/openai-chat-model';
import { isDefaultEndpoint, providerEndpoint } from './provider-endpoints';
import { providerKey } from './provider-keys';

const config: LlmConfig = {
  openai: { apiKey: 'sk-op' },
  providers: {
    anthropic: { apiKey: 'ant-op' },
    azureOpenai: { apiKey: 'az-op', endpoint: 'https://corp.openai.azure.com' },
  },
  retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
};
const spec = (llm: Record<string, unknown>) => LlmSpec.parse(llm);

describe("operator default keys go to the operator's endpoints only", () => {
  it('knows where each provider sends its calls', () => {
    expect(providerEndpoint(spec({ provider: 'openai', model: 'm' }), config)).toBe(
      'https://api.openai.com/v1',
    );
    expect(
      providerEndpoint(spec({ provider: 'anthropic', model: 'm', base_url: 'https://x.example' }), config),
    ).toBe('https://x.example');
    expect(providerEndpoint(spec({ provider: 'azure_openai', deployment: 'd' }), config)).toBe(
      'https://corp.openai.azure.com',
    );
    expect(
      isDefaultEndpoint(
        spec({ provider: 'openai', model: 'm', base_url: 'https://api.openai.com/v1/' }),
        config,
      ),
    ).toBe(true);
  });

  it('openai: the default key to the default origin, a placeholder elsewhere', () => {
    expect(resolveApiKey(spec({ provider: 'openai', model: 'm' }) as any, config)).toBe('sk-op');
    expect(
      resolveApiKey(
        spec({ provider: 'openai', model: 'm', base_url: 'https://evil.example/v1' }) as any,
        config,
      ),
    ).toBe('not-needed');
    expect(
      resolveApiKey(
        spec({
          provider: 'openai',
          model: 'm',
          base_url: 'https://evil.example/v1',
          api_key_ref: 'K',
        }) as any,
        config,
        'own',
      ),
    ).toBe('own');
  });

  it('anthropic and azure: a flow-chosen host gets no default key, with an error saying what to do', () => {
    const anthropic = spec({ provider: 'anthropic', model: 'm', base_url: 'https://evil.example' }) as any;
    expect(() => providerKey(anthropic, 'ant-op', config, undefined)).toThrow(
      "ANTHROPIC_API_KEY is only sent to the operator's default endpoint; to call evil.example give the llm an api_key_ref naming a secret bound to evil.example",
    );
    expect(providerKey(spec({ provider: 'anthropic', model: 'm' }) as any, 'ant-op', config, undefined)).toBe(
      'ant-op',
    );
    const azure = spec({
      provider: 'azure_openai',
      deployment: 'd',
      endpoint: 'https://evil.example',
    }) as any;
    expect(() => providerKey(azure, 'az-op', config, undefined)).toThrow('AZURE_OPENAI_API_KEY is only sent');
    expect(providerKey({ ...azure, api_key_ref: 'K' }, 'az-op', config, 'resolved')).toBe('resolved');
  });
});
