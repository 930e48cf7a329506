import type { OllamaLlmSpec } from '@conclave/domain';
import { ChatOllama } from '@langchain/ollama';
import type { LlmConfig } from '../llm-config';
import { OLLAMA_DEFAULT_BASE_URL } from './provider-endpoints';

/**
 * The `ollama` provider: `@langchain/ollama` over Ollama's native `/api/chat` (NDJSON when streaming;
 * usage from `prompt_eval_count` / `eval_count`). The client takes a custom fetch, so calls go
 * through the egress policy — a local Ollama therefore needs `EGRESS_ALLOWED_HOSTS` (e.g.
 * `127.0.0.1:11434`) or `EGRESS_ALLOW_PRIVATE`. Never pulls a model on its own (`checkOrPullModel`).
 */
export function createOllamaChatModel(spec: OllamaLlmSpec, config: LlmConfig): ChatOllama {
  return new ChatOllama({
    model: spec.model,
    temperature: spec.temperature,
    numPredict: spec.max_tokens,
    baseUrl: spec.base_url ?? config.providers?.ollama?.baseUrl ?? OLLAMA_DEFAULT_BASE_URL,
    checkOrPullModel: false,
    maxRetries: 0,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
}
