import type { LlmSpec } from '@conclave/domain';
import type { LlmConfig } from '../llm-config';

/** OpenAI's own endpoint: the default when neither the flow nor OPENAI_BASE_URL names one. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';

type Config = Pick<LlmConfig, 'openai' | 'providers'>;

/** Where the operator's configuration points a provider (null: nowhere configured). */
export function defaultEndpoint(provider: LlmSpec['provider'], config: Config): string | null {
  switch (provider) {
    case 'openai':
      return config.openai.baseUrl ?? OPENAI_DEFAULT_BASE_URL;
    case 'anthropic':
      return config.providers?.anthropic?.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL;
    case 'google':
      return config.providers?.google?.baseUrl ?? GOOGLE_DEFAULT_BASE_URL;
    case 'azure_openai':
      return config.providers?.azureOpenai?.endpoint ?? null;
    case 'ollama':
      return config.providers?.ollama?.baseUrl ?? OLLAMA_DEFAULT_BASE_URL;
    case 'scripted':
      return null;
  }
}

/**
 * Where a flow's llm sends its calls, and so its key: the flow's own `base_url` / `endpoint` when it
 * names one, else the operator's default. Secrets are checked against this URL's host.
 */
export function providerEndpoint(spec: LlmSpec, config: Config): string | null {
  switch (spec.provider) {
    case 'openai':
    case 'anthropic':
    case 'ollama':
      return spec.base_url ?? defaultEndpoint(spec.provider, config);
    case 'azure_openai':
      return spec.endpoint ?? defaultEndpoint(spec.provider, config);
    case 'google':
    case 'scripted':
      return defaultEndpoint(spec.provider, config);
  }
}

/**
 * The operator's default key goes to the operator's default endpoint only (issue 10): a flow that
 * names another host must bring its own key (`api_key_ref` to a secret bound to that host).
 */
export function isDefaultEndpoint(spec: LlmSpec, config: Config): boolean {
  const target = providerEndpoint(spec, config);
  const fallback = defaultEndpoint(spec.provider, config);
  return target !== null && fallback !== null && sameOrigin(target, fallback);
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
