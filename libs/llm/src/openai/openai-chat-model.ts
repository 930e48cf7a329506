import type { OpenAiLlmSpec, ToolSpec } from '@conclave/domain';
import { ChatOpenAICompletions } from '@langchain/openai';
import type { LlmConfig } from '../llm-config';
import { missingApiKeyMessage, missingApiKeyVariable } from './provider-key';
import { isDefaultEndpoint } from '../providers/provider-endpoints';
import { providerKey } from '../providers/provider-keys';

const DEFAULT_TIMEOUT_MS = 120_000;
/** Local servers (Ollama, llama.cpp, vLLM) accept any key, but the OpenAI client insists on one. */
const PLACEHOLDER_API_KEY = 'not-needed';

/**
 * The `openai` provider: the Chat Completions client of `@langchain/openai`. We use the completions
 * class that `ChatOpenAI` delegates to, because `ChatOpenAI` switches some model names (`*codex*`,
 * `*-pro`) to the Responses API, which OpenAI-compatible servers don't implement.
 *
 * `maxRetries: 0`: our own retry (with the caller's signal and the run's policy) does it.
 * `streaming` stays unset (false): `.invoke()` must not stream, since the streaming path of `_generate`
 * counts tokens with js-tiktoken, which downloads its encodings and hangs offline.
 * Streaming goes through `.stream()`, with usage from the server's usage chunk
 * (`stream_options.include_usage`). Not `streaming: false` either: that sets `disableStreaming`,
 * which turns `.stream()` into a single non-streamed chunk.
 */
export function createOpenAiChatModel(
  spec: OpenAiLlmSpec,
  config: LlmConfig,
  apiKey?: string,
): ChatOpenAICompletions {
  return new ChatOpenAICompletions({
    model: spec.model,
    temperature: spec.temperature,
    maxTokens: spec.max_tokens,
    apiKey: resolveApiKey(spec, config, apiKey),
    configuration: {
      baseURL: spec.base_url ?? config.openai.baseUrl,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    },
    maxRetries: 0,
    timeout: config.openai.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    streamUsage: true,
  });
}

/**
 * The key sent with a call. `api_key_ref`: the key the caller resolved under the secret rules
 * (libs/secrets). Otherwise the operator's default key, but only to the default provider's origin;
 * a tenant's own `base_url` gets a placeholder (local servers want none), never the operator's key.
 * OpenAI's own endpoint without any key fails at once naming the variable (not a later 401).
 */
export function resolveApiKey(spec: OpenAiLlmSpec, config: LlmConfig, apiKey?: string): string {
  if (spec.api_key_ref !== undefined) return providerKey(spec, undefined, config, apiKey);
  const missing = missingApiKeyVariable(spec, config);
  if (missing) throw new Error(missingApiKeyMessage(missing));
  if (config.openai.apiKey && isDefaultEndpoint(spec, config)) return config.openai.apiKey;
  return PLACEHOLDER_API_KEY;
}

/** Our tool specs in OpenAI's function-tool format, for `bindTools`. */
export function toOpenAiTools(tools: readonly ToolSpec[]) {
  return tools.map((t) => ({
    type: 'function' as const,
    function: {
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.parameters,
    },
  }));
}
