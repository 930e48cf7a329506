import type { AzureOpenAiLlmSpec } from '@conclave/domain';
import { AzureChatOpenAICompletions } from '@langchain/openai';
import type { LlmConfig } from '../llm-config';
import { ProviderSetupError, providerKey } from './provider-keys';

/**
 * The `azure_openai` provider: `@langchain/openai`'s Azure Chat Completions client, calling
 * `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…` with the `api-key`
 * header. The completions class, as for `openai`, so no model name switches it to the Responses API;
 * `streaming` stays unset for the same reason as there (see openai-chat-model.ts).
 */
export function createAzureOpenAiChatModel(
  spec: AzureOpenAiLlmSpec,
  config: LlmConfig,
  apiKey?: string,
): AzureChatOpenAICompletions {
  const defaults = config.providers?.azureOpenai ?? {};
  const endpoint = spec.endpoint ?? defaults.endpoint;
  if (!endpoint) throw new ProviderSetupError('no endpoint: set AZURE_OPENAI_ENDPOINT or llm.endpoint');
  return new AzureChatOpenAICompletions({
    model: spec.deployment,
    temperature: spec.temperature,
    maxTokens: spec.max_tokens,
    azureOpenAIApiKey: providerKey(spec, defaults.apiKey, config, apiKey),
    azureOpenAIEndpoint: endpoint,
    azureOpenAIApiDeploymentName: spec.deployment,
    azureOpenAIApiVersion: spec.api_version,
    maxRetries: 0,
    timeout: config.timeoutMs,
    streamUsage: true,
    configuration: { ...(config.fetch ? { fetch: config.fetch } : {}) },
  });
}
