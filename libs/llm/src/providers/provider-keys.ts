import type { LlmSpec } from '@conclave/domain';
import type { LlmConfig } from '../llm-config';
import { isDefaultEndpoint, providerEndpoint } from './provider-endpoints';

/** What an operator sets for each provider; named in errors so a failed run says what to fix. */
export const PROVIDER_SETTINGS = {
  openai: { key: 'OPENAI_API_KEY', url: 'OPENAI_BASE_URL or llm.base_url' },
  anthropic: { key: 'ANTHROPIC_API_KEY', url: 'ANTHROPIC_BASE_URL or llm.base_url' },
  google: { key: 'GOOGLE_API_KEY', url: 'GOOGLE_BASE_URL' },
  azure_openai: { key: 'AZURE_OPENAI_API_KEY', url: 'AZURE_OPENAI_ENDPOINT or llm.endpoint' },
  ollama: { key: null, url: 'OLLAMA_BASE_URL or llm.base_url' },
} as const;

export type HostedProvider = keyof typeof PROVIDER_SETTINGS;

/** Thrown before any request when a provider cannot be reached as configured; never retried. */
export class ProviderSetupError extends Error {
  override name = 'ProviderSetupError';
}

/**
 * The key for a flow's llm: the secret named by `api_key_ref` (resolved by the caller, who checks it
 * is bound to the endpoint's host), else the provider's configured default — which only goes to the
 * provider's default endpoint, never to a `base_url`/`endpoint` the flow chose. Missing → an error
 * naming the ways to provide one (never the key itself).
 */
export function providerKey(
  spec: Extract<LlmSpec, { api_key_ref?: string }>,
  defaultKey: string | undefined,
  config: LlmConfig,
  resolvedKey: string | undefined,
): string {
  const provider = spec.provider as HostedProvider;
  const setting = PROVIDER_SETTINGS[provider].key;
  if (spec.api_key_ref !== undefined) {
    if (!resolvedKey)
      throw new ProviderSetupError(
        `secret ${JSON.stringify(spec.api_key_ref)} named by api_key_ref was not resolved`,
      );
    return resolvedKey;
  }
  if (defaultKey && !isDefaultEndpoint(spec, config)) {
    const host = hostOf(providerEndpoint(spec, config));
    throw new ProviderSetupError(
      `${setting} is only sent to the operator's default endpoint; to call ${host} give the llm an ` +
        `api_key_ref naming a secret bound to ${host}`,
    );
  }
  if (!defaultKey) {
    throw new ProviderSetupError(
      `no API key: set ${setting ?? 'a key'} or give the llm an api_key_ref naming a configured secret`,
    );
  }
  return defaultKey;
}

/** A hint appended to a failure: what to check for this kind of error. */
export function providerHint(provider: string, status: number | undefined, cause: string): string | null {
  const settings = PROVIDER_SETTINGS[provider as HostedProvider];
  if (!settings) return null;
  if ((status === 401 || status === 403) && settings.key)
    return `check ${settings.key} or the secret named by api_key_ref`;
  if (status === 404) return `check the model / deployment name and ${settings.url}`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|Connection error/i.test(cause))
    return `check ${settings.url}`;
  return null;
}

function hostOf(url: string | null): string {
  try {
    return url ? new URL(url).host : 'that endpoint';
  } catch {
    return 'that endpoint';
  }
}
