import type { AnthropicLlmSpec } from '@conclave/domain';
import { ChatAnthropic } from '@langchain/anthropic';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk } from '@langchain/core/outputs';
import type { LlmConfig } from '../llm-config';
import { providerKey } from './provider-keys';

/** Anthropic requires a reply length; AG2's Anthropic client uses the same default. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/**
 * The `anthropic` provider: `@langchain/anthropic` over the Messages API. The SDK takes a custom
 * fetch, so calls go through the egress policy. `maxRetries: 0`: our retry does it (with the run's
 * policy and signal); usage comes from the `message_start` / `message_delta` events when streaming.
 */
export function createAnthropicChatModel(
  spec: AnthropicLlmSpec,
  config: LlmConfig,
  apiKey?: string,
): ChatAnthropic {
  const defaults = config.providers?.anthropic ?? {};
  return new AnthropicChatModel({
    model: spec.model,
    temperature: spec.temperature,
    maxTokens: spec.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    apiKey: providerKey(spec, defaults.apiKey, config, apiKey),
    anthropicApiUrl: spec.base_url ?? defaults.baseUrl,
    maxRetries: 0,
    streamUsage: true,
    clientOptions: { ...(config.fetch ? { fetch: config.fetch } : {}), maxRetries: 0 },
  });
}

/**
 * A stream's `message_delta` carries the cumulative output token count, but LangChain adds the
 * placeholder count of `message_start` (usually 1) to it when chunks are concatenated; the
 * `message_start` chunk's output count is dropped here so the reply's usage is Anthropic's.
 */
class AnthropicChatModel extends ChatAnthropic {
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let started = false;
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      const usage = (chunk.message as AIMessageChunk).usage_metadata;
      if (!started && usage && usage.input_tokens > 0) {
        started = true;
        usage.output_tokens = 0;
        usage.total_tokens = usage.input_tokens;
      }
      yield chunk;
    }
  }
}
